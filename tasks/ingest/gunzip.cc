#include "tasks/ingest/gunzip.h"

#include <zlib.h>

#include <vector>

#include "common/error.h"

namespace tasks {

struct Gunzip::Impl {
  ByteSink sink;
  z_stream stream{};
  bool in_member = false;  // inside a member that has not ended yet
  std::vector<char> out = std::vector<char>(1 << 18);
};

Gunzip::Gunzip(ByteSink sink) : impl_(std::make_unique<Impl>()) {
  impl_->sink = std::move(sink);
  // 16 + MAX_WBITS: expect a gzip header and trailer.
  if (inflateInit2(&impl_->stream, 16 + MAX_WBITS) != Z_OK) {
    throw common::InternalError("cannot initialise zlib");
  }
}

Gunzip::~Gunzip() { inflateEnd(&impl_->stream); }

void Gunzip::feed(std::string_view data) {
  z_stream& s = impl_->stream;
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  while (s.avail_in > 0) {
    impl_->in_member = true;
    s.next_out = reinterpret_cast<Bytef*>(impl_->out.data());
    s.avail_out = static_cast<uInt>(impl_->out.size());
    int rc = inflate(&s, Z_NO_FLUSH);
    std::size_t produced = impl_->out.size() - s.avail_out;
    if (produced > 0) impl_->sink(std::string_view(impl_->out.data(), produced));
    if (rc == Z_STREAM_END) {
      impl_->in_member = false;
      inflateReset(&s);  // a further member may follow
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      throw common::DataError(std::string("corrupt gzip data: ") +
                              (s.msg ? s.msg : "inflate failed"));
    }
    if (rc == Z_BUF_ERROR && s.avail_out != 0) break;
  }
  // Drain output that is still pending without new input.
  while (impl_->in_member) {
    s.next_out = reinterpret_cast<Bytef*>(impl_->out.data());
    s.avail_out = static_cast<uInt>(impl_->out.size());
    int rc = inflate(&s, Z_NO_FLUSH);
    std::size_t produced = impl_->out.size() - s.avail_out;
    if (produced > 0) impl_->sink(std::string_view(impl_->out.data(), produced));
    if (rc == Z_STREAM_END) {
      impl_->in_member = false;
      inflateReset(&s);
      break;
    }
    if (produced == 0) break;
  }
}

void Gunzip::finish() {
  if (impl_->in_member)
    throw common::DataError("truncated gzip data (the stream ends inside a member)");
}

bool looks_like_gzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

}  // namespace tasks
