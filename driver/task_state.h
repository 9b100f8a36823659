#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace common {
class JsonlAppender;
}

namespace driver {

// Format name and version of the state log (docs/dag.md, "State").
inline constexpr const char* kStateFormat = "pipeline-task-state";
inline constexpr int kStateVersion = 1;

// What a task's last successful run saw: the checkpoint that makes it up to date.
struct TaskRecord {
  std::vector<std::string> argv;               // cmd as declared
  std::string program;                         // cmd[0] resolved
  std::string program_sha256;                  // of that binary
  std::map<std::string, std::string> inputs;   // declared path → sha256 before the run
  std::map<std::string, std::string> outputs;  // declared path → sha256 after the run
  std::string run_id;                          // the run that produced it
  std::string finished;                        // RFC 3339
};

// The checkpoints of a workdir: <state_dir>/tasks.jsonl, an append-only log (Ninja's
// .ninja_log). Its first line is a header {"format": ..., "version": 1}; every later line
// is one task's record, appended with a single write(2) after the task's outputs were
// verified; the last record of a task wins. Appending costs no rename and no fsync,
// which on ext4 would each flush the disk (about 2-3 ms a task here): a record lost in a
// crash only costs a rerun, and a torn last line is skipped.
//
// A task that fails keeps its previous record, which still describes the outputs it left:
// untouched (outputs are written atomically) or changed, and a changed output makes the
// task out of date.
class StateLog {
 public:
  // Loads the log; a missing log is empty. Never throws: an unreadable or corrupt log
  // only costs reruns, and find() says why.
  explicit StateLog(const std::filesystem::path& state_dir);
  ~StateLog();
  StateLog(const StateLog&) = delete;
  StateLog& operator=(const StateLog&) = delete;

  // The last record of `task`, or nullopt; then `*problem` is set when the log could not
  // be used ("state log ... was written by a newer driver (version 2)").
  std::optional<TaskRecord> find(const std::string& task, std::string* problem) const;

  // Appends `record` as the task's latest. Throws IoError/OutputError.
  void append(const std::string& task, const TaskRecord& record);

  // Rewrites the log with only the latest records (atomically) once it holds more than
  // three times as many lines. First removes the temp files a driver killed while
  // compacting left beside the log (common::remove_stale_temp_files), whether or not it
  // compacts. Throws IoError/OutputError.
  void compact_if_needed();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::map<std::string, TaskRecord> records_;
  std::size_t lines_ = 0;                            // record lines in the file
  std::string problem_;                              // why the file's records were ignored
  std::unique_ptr<common::JsonlAppender> appender_;  // opened on first append
};

}  // namespace driver
