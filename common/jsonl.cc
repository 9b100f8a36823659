#include "common/jsonl.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>

#include "common/append_all.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/read_file.h"

namespace fs = std::filesystem;
namespace json = boost::json;

namespace common {

std::string append_error_message(const fs::path& path, int err) {
  std::string message = "cannot append to " + path.string() + ": ";
  if (err == ENOSPC || err == EDQUOT)
    return message + "the disk is full (" + std::strerror(err) + ")";
  return message + std::strerror(err);
}

JsonlAppender::JsonlAppender(fs::path path) : path_(std::move(path)) {
  if (path_.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path_.parent_path(), ec);
    if (ec)
      throw_system_error("cannot create directory", path_.parent_path(), ec.value(),
                         FileRole::kOutput);
  }
  // Read access too: the last byte is checked before each append.
  fd_ = UniqueFd(::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (fd_.get() < 0 && (errno == EACCES || errno == EPERM)) {
    fd_ = UniqueFd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  }
  if (fd_.get() < 0) throw_system_error("cannot open", path_, errno, FileRole::kOutput);
}

void JsonlAppender::append(std::string_view record) {
  std::lock_guard guard(mutex_);
  int fd = fd_.get();
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) break;  // no lock (an odd filesystem): append anyway
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::flock(fd, LOCK_UN); }
  } unlock{fd};
  std::string text;
  text.reserve(record.size() + 2);
  struct stat st {};
  off_t original = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
  if (original > 0) {
    char last = '\n';
    if (::pread(fd, &last, 1, original - 1) == 1 && last != '\n') text.push_back('\n');
  }
  text.append(record);
  if (text.empty() || text.back() != '\n') text.push_back('\n');
  if (int err = append_all(fd, text, original))
    throw IoError(append_error_message(path_, err), err);
}

void append_jsonl(const fs::path& path, std::string_view record) {
  JsonlAppender(path).append(record);
}

std::vector<json::value> read_jsonl(const fs::path& path,
                                    const std::function<void(const std::string&)>& warn) {
  std::vector<json::value> records;
  std::string text;
  try {
    text = read_file(path);
  } catch (const InputMissingError&) {
    return records;
  }
  std::size_t line = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view item(text.data() + pos, end - pos);
    ++line;
    pos = end + 1;
    if (item.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    boost::system::error_code ec;
    json::value v = json::parse(item, ec);
    if (ec) {
      if (warn) {
        warn(path.string() + ":" + std::to_string(line) + ": skipped a torn record (" +
             std::to_string(item.size()) + " bytes that are not JSON)");
      }
      continue;
    }
    records.push_back(std::move(v));
  }
  return records;
}

}  // namespace common
