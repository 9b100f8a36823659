#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace common {

// Writes `target` atomically: data goes to a temp file beside it
// (".<name>.tmp-<pid>-<n>"); commit() flushes, fsyncs, renames over the target and fsyncs
// the directory. Until commit() the target is untouched; the destructor removes a temp
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
};

// Writes `content` to `target` atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

// Removes temp files beside `target` left by processes that no longer run. Returns how
// many were removed. Never throws.
int remove_stale_temp_files(const std::filesystem::path& target);

// Reads a whole (small) file. Throws InputMissingError or IoError naming the path.
std::string read_file(const std::filesystem::path& path);

}  // namespace common
