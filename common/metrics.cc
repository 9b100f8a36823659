#include "common/metrics.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/append_all.h"
#include "common/csv_writer.h"
#include "common/error.h"
#include "common/filenames.h"
#include "common/log.h"
#include "common/message.h"
#include "common/unique_fd.h"

namespace common {

namespace {

using Fd = UniqueFd;

// Appends `text` (append_all: a write that fails half way leaves no torn row behind).
void write_all(int fd, const std::string& text, const std::filesystem::path& path) {
  struct stat st {};
  off_t original = ::fstat(fd, &st) == 0 ? st.st_size : -1;
  if (int err = append_all(fd, text, original)) throw_system_error("cannot append to", path, err);
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(',');
    append_csv_field(line, fields[i], ',');
  }
  line.push_back('\n');
  return line;
}

}  // namespace

MetricsFile::MetricsFile(const std::filesystem::path& metrics_dir, const std::string& task)
    : task_(task), path_(metrics_path(metrics_dir, task)) {
  std::error_code ec;
  std::filesystem::create_directories(metrics_dir, ec);
  if (ec)
    throw_system_error("cannot create metrics directory", metrics_dir, ec.value(),
                       FileRole::kOutput);
  fd_ = Fd(::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC));
  if (fd_.get() >= 0) return;
  if (errno != ENOENT) throw_system_error("cannot open", path_, errno, FileRole::kOutput);
  // A new file is created by the first append (a task that fails leaves none), in a
  // directory that must be writable now.
  if (::access(metrics_dir.c_str(), W_OK) != 0) {
    throw_system_error("cannot write to", metrics_dir, errno, FileRole::kOutput);
  }
}

void MetricsFile::append(const std::string& run_id, const std::vector<std::string>& columns,
                         const std::vector<std::string>& values) {
  const std::string& task = task_;
  const std::filesystem::path& path = path_;
  if (columns.size() != values.size()) {
    throw InternalError("metrics row for " + task + " has " + std::to_string(values.size()) +
                        " values for " + std::to_string(columns.size()) + " columns");
  }
  if (fd_.get() < 0) fd_ = Fd(::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (fd_.get() < 0) throw_system_error("cannot open", path, errno, FileRole::kOutput);
  const Fd& fd = fd_;
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) throw_system_error("cannot lock", path, errno);
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::flock(fd, LOCK_UN); }
  } unlock{fd.get()};
  bool own_task_column = !columns.empty() && columns.front() == "task";
  std::vector<std::string> header{"run_id", "ts"};
  if (!own_task_column) header.push_back("task");
  header.insert(header.end(), columns.begin(), columns.end());
  std::string header_line = csv_line(header);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_system_error("cannot stat", path, errno);
  if (st.st_size == 0) {
    write_all(fd.get(), header_line, path);
  } else {
    std::string existing(header_line.size(), '\0');
    ssize_t n = ::pread(fd.get(), existing.data(), existing.size(), 0);
    if (n != static_cast<ssize_t>(existing.size()) || existing != header_line) {
      throw DataError(path.string() + ":1: header differs from this version's columns (" +
                      cut_for_message(header_line.substr(0, header_line.size() - 1)) +
                      "); move the file aside to start a new one");
    }
  }
  std::vector<std::string> row{run_id, rfc3339_now()};
  if (!own_task_column) row.push_back(dag_task_name(task));
  row.insert(row.end(), values.begin(), values.end());
  write_all(fd.get(), csv_line(row), path);
}

void append_metrics_row(const std::filesystem::path& metrics_dir, const std::string& task,
                        const std::string& run_id, const std::vector<std::string>& columns,
                        const std::vector<std::string>& values) {
  MetricsFile(metrics_dir, task).append(run_id, columns, values);
}

}  // namespace common
