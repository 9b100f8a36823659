#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace common {

class BackgroundSha256;
class Sha256;

// Writes `target` atomically: data goes to a temp file beside it
// (".<name>.tmp-<pid>-<n>"); commit() flushes, fsyncs, renames over the target and fsyncs
// the directory. The content is hashed as it is written (a large file on a second
// thread) and the digest recorded with remember_written_sha256() for the manifest; the
// kernel is asked to start writing a large file back as it grows, so that the final fsync
// has little left to do. Until commit() the target is untouched; the destructor removes a temp
// file that was never committed. A process killed before commit leaves a temp file that
// remove_stale_temp_files() deletes on the next run.
class AtomicFile {
 public:
  // Creates the temp file (and missing parent directories). Throws OutputError when the
  // directory cannot be written.
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Buffered write. Throws IoError (74) on a failed write (ENOSPC, EFBIG, EIO, ...).
  void write(std::string_view data);
  // Writes buffered data to the temp file (so it can be read back before commit).
  void flush();
  // Flushes the buffer, fsyncs, renames and fsyncs the directory. Throws IoError.
  void commit();
  // The SHA-256 of the content (lowercase hex), known after commit().
  const std::string& sha256() const { return sha256_; }

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temp_path() const { return temp_; }
  // Bytes written so far.
  std::uint64_t size() const { return size_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool committed_ = false;
  std::string buffer_;
  std::uint64_t size_ = 0;
  std::uint64_t flushed_ = 0;         // bytes handed to write(2)
  std::uint64_t writeback_from_ = 0;  // start of the range not yet sent to writeback
  std::unique_ptr<Sha256> hash_;      // small files: hashed as they are flushed
  std::unique_ptr<BackgroundSha256> background_hash_;  // large files: on a second thread
  std::string sha256_;
};

// Writes `content` to `target` atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

// Removes temp files beside `target` left by processes that no longer run. Returns how
// many were removed. Never throws.
int remove_stale_temp_files(const std::filesystem::path& target);

}  // namespace common
