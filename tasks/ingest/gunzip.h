#pragma once

#include <memory>
#include <string_view>

#include "tasks/ingest/source.h"

namespace tasks {

// Streaming gzip decompression (zlib), including files of several concatenated members.
class Gunzip {
 public:
  explicit Gunzip(ByteSink sink);
  ~Gunzip();
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;

  // Decompresses `data` into the sink. Throws DataError on corrupt data.
  void feed(std::string_view data);
  // Throws DataError when the stream ended in the middle of a member.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when `data` starts with the gzip magic bytes.
bool looks_like_gzip(std::string_view data);

}  // namespace tasks
