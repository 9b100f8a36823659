#include "tasks/clean/write_pass.h"

#include <algorithm>

#include "common/csv_columns.h"
#include "common/csv_writer.h"
#include "common/error.h"
#include "tasks/clean/input_shape.h"
#include "tasks/clean/number_form.h"

namespace tasks {

namespace {

// clean.csv is the analysis-ready form that train, predict and report read: RFC 4180 with
// commas, whatever delimiter the input used.
constexpr char kOutputDelimiter = ',';

}  // namespace

bool WritePass::run(std::vector<char>& numeric, common::AtomicFile& out) {
  common::CsvReader reader(options_.input, csv_options(options_), options_.input.string());
  names_ = read_clean_header(reader, options_);
  std::size_t width = names_.size();
  if (numeric.empty()) numeric.assign(width, 1);
  reset_counts(width);
  write_header(out);

  bool writing = true;
  std::uint64_t rows_in = 0;
  std::uint64_t bad_rows = 0;
  while (reader.next()) {
    ++rows_in;
    if (!check_row_width(reader, width, options_)) {
      ++bad_rows;
      continue;
    }
    const auto& fields = reader.fields();
    if (!writing) {
      common::infer_column_types(fields, options_.nulls, numeric);
    } else if (write_record(fields, numeric, out) == Record::kRetyped) {
      writing = false;  // the types written so far are wrong
    }
  }
  result_.rows_in = rows_in;
  result_.bad_rows = bad_rows;
  result_.bytes_in = reader.bytes_consumed();
  if (rows_in == 0) {
    throw common::DataError(options_.input.string() + ": no data rows after the header");
  }
  return writing;
}

void WritePass::write_header(common::AtomicFile& out) const {
  std::string line;
  for (std::size_t c = 0; c < names_.size(); ++c) {
    if (c > 0) line.push_back(kOutputDelimiter);
    common::append_csv_field(line, names_[c], kOutputDelimiter, names_.size() == 1);
  }
  line.push_back('\n');
  out.write(line);
}

// The type rule of common/csv_columns.h, inlined for speed: a null or a non-finite number
// in any column drops the record, and only a kept record's text can make a column
// categorical (then the record is applied to `numeric` and not written).
WritePass::Record WritePass::write_record(const std::vector<std::string_view>& fields,
                                          std::vector<char>& numeric, common::AtomicFile& out) {
  const common::NullTokens& nulls = options_.nulls;
  const std::size_t width = fields.size();
  const char delimiter = kOutputDelimiter;
  bool keep = true;
  bool text_in_numeric = false;
  row_.start(
      static_cast<std::size_t>(fields.back().data() + fields.back().size() - fields.front().data()),
      width);
  for (std::size_t c = 0; c < width; ++c) {
    std::string_view f = fields[c];
    if (nulls.contains(f)) {
      ++columns_[c].nulls;
      keep = false;
      continue;
    }
    row_.put(delimiter);  // the row's first one is dropped below
    if (!numeric[c]) {
      if (common::value_kind(f, nulls) == common::ValueKind::kNonFiniteNumber) [[unlikely]] {
        ++columns_[c].non_finite;
        keep = false;
        continue;
      }
      row_.put_csv(f, delimiter, width == 1);
      continue;
    }
    FieldKind kind = put_number_form(f, row_);
    if (kind == FieldKind::kNonFiniteNumber) [[unlikely]] {
      ++columns_[c].non_finite;
      keep = false;
    } else if (kind == FieldKind::kText) [[unlikely]] {
      text_in_numeric = true;  // decides a type only if the record is kept
    }
  }
  if (!keep) {
    ++rows_dropped_;
    return Record::kDropped;
  }
  if (text_in_numeric) {
    common::infer_column_types(fields, nulls, numeric);
    return Record::kRetyped;
  }
  for (std::size_t c = 0; c < width; ++c) {
    if (!numeric[c]) count_distinct(c, fields[c]);
  }
  row_.put('\n');
  out.write(row_.row().substr(1));
  ++rows_out_;
  return Record::kWritten;
}

void WritePass::finish(const std::vector<char>& numeric, CleanResult& result) {
  result.rows_out = rows_out_;
  result.rows_dropped = rows_dropped_;
  result.columns = columns_;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    result.columns[c].type = numeric[c] ? ColumnType::kNumeric : ColumnType::kCategorical;
    result.columns[c].distinct = std::min<std::uint64_t>(distinct_[c].size(), kDistinctCap);
    result.columns[c].distinct_capped = distinct_[c].size() > kDistinctCap;
  }
}

void WritePass::reset_counts(std::size_t width) {
  columns_.assign(width, ColumnSummary{});
  for (std::size_t c = 0; c < width; ++c) columns_[c].name = names_[c];
  distinct_.assign(width, {});
  rows_out_ = 0;
  rows_dropped_ = 0;
}

void WritePass::count_distinct(std::size_t column, std::string_view value) {
  Distinct& seen = distinct_[column];
  if (seen.size() > kDistinctCap || seen.find(value) != seen.end()) return;
  seen.emplace(value);
}

}  // namespace tasks
