#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "common/background_sha256.h"
#include "common/error.h"
#include "common/input_file.h"
#include "common/process_status.h"
#include "common/sha256.h"
#include "common/written_files.h"

namespace fs = std::filesystem;

namespace common {

namespace {

constexpr std::size_t kBufferSize = 1 << 20;
// Written-back ranges: every 8 MiB of a large file goes to the disk while the rest is
// produced (sync_file_range(2), SYNC_FILE_RANGE_WRITE starts writeback without waiting).
constexpr std::uint64_t kWritebackBytes = 8u << 20;
std::atomic<unsigned> temp_counter{0};

std::string temp_prefix(const fs::path& target) {
  return "." + target.filename().string() + ".tmp-";
}

void fsync_directory(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the rename itself already happened
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  fs::path dir = target_.parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw_system_error("cannot create directory", dir, ec.value(), FileRole::kOutput);
  }
  temp_ = dir / (temp_prefix(target_) + std::to_string(::getpid()) + "-" +
                 std::to_string(temp_counter++));
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_system_error("cannot create", target_, errno, FileRole::kOutput);
  buffer_.reserve(kBufferSize);
  hash_ = std::make_unique<Sha256>();
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view data) {
  size_ += data.size();
  if (buffer_.size() + data.size() > kBufferSize) flush();
  if (data.size() >= kBufferSize) {
    buffer_.assign(data);
    flush();
  } else {
    buffer_.append(data);
  }
}

void AtomicFile::flush() {
  const char* p = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      buffer_.clear();
      throw_system_error("cannot write", target_, err);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  flushed_ += buffer_.size();
  if (flushed_ - writeback_from_ >= kWritebackBytes) {
    // Advisory: an error here shows again, and is reported, at fsync.
    ::sync_file_range(fd_, static_cast<off_t>(writeback_from_),
                      static_cast<off_t>(flushed_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = flushed_;
  }
  // A full buffer means a large file: hash it on a second thread from now on.
  if (background_hash_ == nullptr && buffer_.size() >= kBufferSize / 2) {
    background_hash_ = std::make_unique<BackgroundSha256>(std::move(hash_));
  }
  if (background_hash_ != nullptr) {
    std::string reuse = background_hash_->feed(std::move(buffer_));
    buffer_ = std::move(reuse);
    if (buffer_.capacity() < kBufferSize) buffer_.reserve(kBufferSize);
  } else {
    hash_->update(buffer_);
  }
  buffer_.clear();
}

void AtomicFile::commit() {
  flush();
  sha256_ = background_hash_ != nullptr ? background_hash_->finish() : hash_->hex_digest();
  if (::fsync(fd_) != 0) throw_system_error("cannot sync", target_, errno);
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw_system_error("cannot close", target_, errno);
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    throw_system_error("cannot rename into place", target_, errno, FileRole::kOutput);
  }
  committed_ = true;
  fsync_directory(target_.parent_path());
  remember_written_sha256(target_, sha256_);
}

void write_file_atomically(const fs::path& target, std::string_view content) {
  AtomicFile file(target);
  file.write(content);
  file.commit();
}

int remove_stale_temp_files(const fs::path& target) {
  int removed = 0;
  std::error_code ec;
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string prefix = temp_prefix(target);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    // ".<name>.tmp-<pid>-<n>": a temp file whose writer is still alive is in use.
    std::string rest = name.substr(prefix.size());
    pid_t pid = static_cast<pid_t>(std::strtol(rest.c_str(), nullptr, 10));
    if (pid == ::getpid()) continue;
    // A zombie writer is dead (found by bench/reliability/kill_anywhere.py).
    if (pid > 0 && process_alive(pid)) continue;
    if (::unlink(it->path().c_str()) == 0) ++removed;
  }
  return removed;
}

}  // namespace common
