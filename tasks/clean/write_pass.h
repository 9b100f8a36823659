#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/atomic_file.h"
#include "tasks/clean/clean.h"
#include "tasks/clean/row_builder.h"

namespace tasks {

// One pass over the input that writes the kept rows for the column types in `numeric`
// (1: numeric), which may be a guess: when a kept record's text proves a column typed
// numeric categorical, writing stops (the output so far used the wrong type), `numeric` is
// corrected and the rest of the pass only infers types; then the caller runs another pass.
class WritePass {
 public:
  WritePass(const CleanOptions& options, CleanResult& result)
      : options_(options), result_(result) {}

  // Returns true when the output is complete for the final types. An empty `numeric` is
  // taken as all numeric. Sets rows_in, bad_rows and bytes_in of the result; throws
  // DataError when the input has no data rows or a record of the wrong width (unless
  // skipped), and as read_clean_header does.
  bool run(std::vector<char>& numeric, common::AtomicFile& out);

  // Fills the result's row counts and column summaries for the final types.
  void finish(const std::vector<char>& numeric, CleanResult& result);

  const std::vector<std::string>& names() const { return names_; }

 private:
  enum class Record { kWritten, kDropped, kRetyped };
  void write_header(common::AtomicFile& out) const;
  Record write_record(const std::vector<std::string_view>& fields, std::vector<char>& numeric,
                      common::AtomicFile& out);
  void reset_counts(std::size_t width);
  void count_distinct(std::size_t column, std::string_view value);

  const CleanOptions& options_;
  CleanResult& result_;
  std::vector<std::string> names_;
  std::vector<ColumnSummary> columns_;
  // Distinct values of the categorical columns, looked up without a copy of the value.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Distinct = std::unordered_set<std::string, Hash, std::equal_to<>>;
  std::vector<Distinct> distinct_;
  RowBuilder row_;
  std::uint64_t rows_out_ = 0;
  std::uint64_t rows_dropped_ = 0;
};

}  // namespace tasks
