#include "tasks/clean/clean.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "common/atomic_file.h"
#include "common/csv_columns.h"
#include "common/csv_writer.h"
#include "common/error.h"
#include "common/message.h"
#include "common/number.h"

namespace tasks {

namespace {

bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

const char* skip_digits(const char* p, const char* end) {
  while (p < end && is_digit(*p)) ++p;
  return p;
}

// -?(0|[1-9][0-9]*)(\.[0-9]*)? with at most 15 significant digits and a magnitude that
// append_number writes in fixed notation; `trimmed` drops trailing fraction zeros (and
// the point when nothing is left after it). The hot path of clean: one pass, no parsing.
[[gnu::always_inline]] inline bool plain_decimal(std::string_view text, std::string_view& trimmed) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  const char* int_begin = begin != end && *begin == '-' ? begin + 1 : begin;
  const char* point = skip_digits(int_begin, end);
  std::size_t int_digits = static_cast<std::size_t>(point - int_begin);
  if (int_digits - 1 >= 16) return false;  // none, or more than 16
  bool int_is_zero = *int_begin == '0';
  if (int_is_zero && int_digits > 1) return false;
  if (point == end) {
    if (int_digits > 15) return false;
    trimmed = text;
    return true;
  }
  if (*point != '.') return false;
  const char* frac_begin = point + 1;
  if (skip_digits(frac_begin, end) != end) return false;
  const char* last = end;
  while (last > frac_begin && last[-1] == '0') --last;
  std::size_t frac_digits = static_cast<std::size_t>(last - frac_begin);
  if (frac_digits == 0) {
    if (int_digits > 15) return false;
    trimmed = std::string_view(begin, static_cast<std::size_t>(point - begin));
    return true;
  }
  std::size_t significant = int_digits + frac_digits;
  if (int_is_zero) {
    const char* first = frac_begin;
    while (*first == '0') ++first;  // stops before `last`: a nonzero digit is there
    // Below 1e-6 append_number switches to scientific notation.
    if (first - frac_begin >= 6) return false;
    significant = static_cast<std::size_t>(last - first);
  }
  if (significant > 15) return false;
  trimmed = std::string_view(begin, static_cast<std::size_t>(last - begin));
  return true;
}

struct Header {
  std::vector<std::string> names;
};

Header read_header(common::CsvReader& reader, const CleanOptions& options) {
  std::string name = options.input.string();
  if (!reader.next()) throw common::DataError(name + ": empty file: expected a header row");
  Header header;
  for (std::string_view field : reader.fields()) header.names.emplace_back(field);
  std::size_t line = reader.line();
  for (std::size_t i = 0; i < header.names.size(); ++i) {
    for (char c : header.names[i]) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", u);
        throw common::DataError(name + ":" + std::to_string(line) + ": column " +
                                std::to_string(i + 1) + " of the header holds the control byte " +
                                hex + ": not a CSV text file");
      }
    }
    if (header.names[i].empty()) {
      throw common::DataError(name + ":" + std::to_string(line) + ": column " +
                              std::to_string(i + 1) + " has an empty name");
    }
  }
  common::check_unique_columns(header.names, name, line);
  if (header.names.size() == 1) {
    for (char other : {',', ';', '\t', '|'}) {
      if (other != options.delimiter && header.names[0].find(other) != std::string::npos) {
        std::string shown = other == '\t' ? "\\t" : std::string(1, other);
        throw common::DataError(name + ":" + std::to_string(line) +
                                ": found a single column whose name contains '" + shown +
                                "': wrong delimiter? (use --delimiter '" + shown + "')");
      }
    }
  }
  return header;
}

// Returns true when the record has the header's field count; otherwise throws or, with
// --on-bad-row skip, returns false.
bool check_width(const common::CsvReader& reader, std::size_t width, const CleanOptions& options) {
  std::size_t found = reader.fields().size();
  if (found == width) return true;
  if (options.on_bad_row == BadRowPolicy::kSkip) return false;
  throw common::DataError(options.input.string() + ":" + std::to_string(reader.line()) +
                          ": expected " + std::to_string(width) + " fields, found " +
                          std::to_string(found) + " (use --on-bad-row skip to drop such rows)");
}

common::CsvOptions csv_options(const CleanOptions& options) {
  common::CsvOptions csv;
  csv.delimiter = options.delimiter;
  return csv;
}

// The command that approves the new schema, to be pasted where the user ran it: under the
// driver ($PIPELINE_DRIVER_COMMAND and $PIPELINE_TASK), `driver ... approve-schema TASK`,
// which reruns the task in its workdir with the run's directories (run by hand in the
// workdir, clean would put logs/, metrics/ and runs/ there); else clean with the paths as
// given, which work from the directory clean was run in.
std::string approve_command(const CleanOptions& options, const std::filesystem::path& schema) {
  const char* driver = std::getenv("PIPELINE_DRIVER_COMMAND");
  const char* task = std::getenv("PIPELINE_TASK");
  if (driver != nullptr && *driver != '\0' && task != nullptr && *task != '\0')
    return std::string(driver) + " approve-schema " + task;
  std::string command =
      "clean --input " + options.input.string() + " --output " + options.output.string();
  if (options.delimiter != ',')
    command += " --delimiter '" + std::string(1, options.delimiter) + "'";
  if (!options.target.empty()) command += " --target " + options.target;
  return command + " --write-schema " + schema.string();
}

void check_target(const Schema& schema, const std::string& target, const CleanOptions& options) {
  if (target.empty()) return;
  for (const Schema::Column& c : schema.columns) {
    if (c.name != target) continue;
    if (c.type != ColumnType::kNumeric) {
      throw common::DataError(options.input.string() + ": target column " +
                              common::quote_for_message(target) + " is not numeric");
    }
    return;
  }
  std::string names;
  for (const Schema::Column& c : schema.columns)
    names += (names.empty() ? "" : ", ") + common::cut_for_message(c.name);
  throw common::DataError(options.input.string() + ": target column " +
                          common::quote_for_message(target) +
                          " not found; columns: " + common::cut_for_message(names, 1000));
}

void check_schema(const Schema& found, const CleanOptions& options) {
  if (options.schema.empty() || options.schema == options.write_schema) return;
  Schema approved = load_schema(options.schema);
  std::vector<std::string> diff = diff_schema(approved, found);
  if (!diff.empty()) {
    std::string message = options.input.string() + ": schema drift against " +
                          options.schema.string() + " (" + std::to_string(diff.size()) +
                          (diff.size() == 1 ? " change" : " changes") + "):";
    for (const std::string& line : diff) message += "\n  " + line;
    message += "\nafter review, approve the new schema with:\n  " +
               approve_command(options, options.schema);
    throw common::DataError(message);
  }
  check_target(found, approved.target, options);
}

}  // namespace

FieldKind classify_number(std::string_view text, std::string* out) {
  std::string_view trimmed;
  if (plain_decimal(text, trimmed)) {
    if (out != nullptr) out->append(trimmed);
    return FieldKind::kFiniteNumber;
  }
  std::optional<double> value = common::parse_number(text);
  if (!value) return FieldKind::kText;
  if (!std::isfinite(*value)) return FieldKind::kNonFiniteNumber;
  if (out != nullptr) common::append_number(*out, *value);
  return FieldKind::kFiniteNumber;
}

namespace {

// clean.csv is the analysis-ready form that train, predict and report read: RFC 4180 with
// commas, whatever delimiter the input used.
constexpr char kOutputDelimiter = ',';

// One output row, built with raw pointers (clean's hot path): room for the longest
// possible row is made once per record, then fields are copied without size checks.
// Fields must come from a CsvReader, which guarantees readable bytes past each one, so a
// short field is copied with one 16-byte load and store.
class RowBuilder {
 public:
  // Makes room for a row built from the fields of one record spanning `record_bytes`.
  void start(std::size_t record_bytes, std::size_t fields) {
    // Quoting at most doubles a field and adds two quotes; a number's shortest form takes
    // at most 32 bytes; each field adds a delimiter; 16 bytes of slack for the last copy.
    std::size_t bound = 2 * record_bytes + 34 * fields + 1 + 16;
    if (buffer_.size() < bound) buffer_.resize(bound);
    end_ = buffer_.data();
  }
  void put(char c) { *end_++ = c; }
  void put(std::string_view field) {
    static_assert(common::CsvReader::kReadablePastField >= 16);
    if (field.size() <= 16) {
      std::memcpy(end_, field.data(), 16);
    } else {
      std::memcpy(end_, field.data(), field.size());
    }
    end_ += field.size();
  }
  // A field as CSV, quoted by the common rule (common::needs_quotes).
  void put_csv(std::string_view field, char delimiter, bool only_field) {
    if (!common::needs_quotes(field, delimiter, only_field)) {
      put(field);
      return;
    }
    quoted_.clear();
    common::append_csv_field(quoted_, field, delimiter, only_field);
    copy(quoted_);
  }
  void put_number(double value) { copy(common::format_number(value)); }
  std::string_view row() const {
    return {buffer_.data(), static_cast<std::size_t>(end_ - buffer_.data())};
  }

 private:
  // Bytes that may have nothing readable after them (unlike a CsvReader field).
  void copy(std::string_view bytes) {
    std::memcpy(end_, bytes.data(), bytes.size());
    end_ += bytes.size();
  }

  std::string buffer_;
  char* end_ = nullptr;
  std::string quoted_;  // a field that needs quotes, quoted by the CSV writer
};

FieldKind copy_number(std::string_view text, RowBuilder& row) {
  std::string_view trimmed;
  if (plain_decimal(text, trimmed)) [[likely]] {
    row.put(trimmed);
    return FieldKind::kFiniteNumber;
  }
  std::optional<double> value = common::parse_number(text);
  if (!value) return FieldKind::kText;
  if (!std::isfinite(*value)) return FieldKind::kNonFiniteNumber;
  row.put_number(*value);
  return FieldKind::kFiniteNumber;
}

// One pass over the input that writes the kept rows for the column types in `numeric`.
// With `speculative`, the types are a guess (all numeric) that the pass corrects: when a
// value proves a column categorical, writing stops (the output so far used the wrong
// type) and the rest of the pass only infers types. Returns true when the output is
// complete for the final types.
class WritePass {
 public:
  WritePass(const CleanOptions& options, CleanResult& result)
      : options_(options), result_(result) {}

  bool run(std::vector<char>& numeric, bool speculative, common::AtomicFile& out) {
    common::CsvReader reader(options_.input, csv_options(options_), options_.input.string());
    Header header = read_header(reader, options_);
    std::size_t width = header.names.size();
    if (numeric.empty()) numeric.assign(width, 1);
    names_ = header.names;
    reset_counts(width);

    std::string line;
    for (std::size_t c = 0; c < width; ++c) {
      if (c > 0) line.push_back(kOutputDelimiter);
      common::append_csv_field(line, header.names[c], kOutputDelimiter, width == 1);
    }
    line.push_back('\n');
    out.write(line);

    const common::NullTokens& nulls = options_.nulls;
    RowBuilder row;
    bool writing = true;
    std::uint64_t rows_in = 0;
    std::uint64_t bad_rows = 0;
    while (reader.next()) {
      ++rows_in;
      if (!check_width(reader, width, options_)) {
        ++bad_rows;
        continue;
      }
      const auto& fields = reader.fields();
      if (!writing) {
        infer_only(fields, numeric);
        continue;
      }
      // The type rule of common/csv_columns.h, inlined for speed: a null or a non-finite
      // number in any column drops the record, and only a kept record's text can make a
      // column categorical.
      bool keep = true;
      bool text_in_numeric = false;
      const char delimiter = kOutputDelimiter;
      row.start(static_cast<std::size_t>(fields.back().data() + fields.back().size() -
                                         fields.front().data()),
                width);
      for (std::size_t c = 0; c < width; ++c) {
        std::string_view f = fields[c];
        if (nulls.contains(f)) {
          ++columns_[c].nulls;
          keep = false;
          continue;
        }
        row.put(delimiter);  // the row's first one is dropped below
        if (!numeric[c]) {
          if (common::value_kind(f, nulls) == common::ValueKind::kNonFiniteNumber) [[unlikely]] {
            ++columns_[c].non_finite;
            keep = false;
            continue;
          }
          row.put_csv(f, delimiter, width == 1);
          continue;
        }
        FieldKind kind = copy_number(f, row);
        if (kind == FieldKind::kNonFiniteNumber) [[unlikely]] {
          ++columns_[c].non_finite;
          keep = false;
        } else if (kind == FieldKind::kText) [[unlikely]] {
          text_in_numeric = true;  // decides a type only if the record is kept
        }
      }
      if (!keep) {
        ++rows_dropped_;
        continue;
      }
      if (text_in_numeric) {
        // Only a speculative pass can meet this: the types written so far are wrong.
        writing = false;
        infer_only(fields, numeric);
        continue;
      }
      for (std::size_t c = 0; c < width; ++c) {
        if (!numeric[c]) count_distinct(c, fields[c]);
      }
      row.put('\n');
      out.write(row.row().substr(1));
      ++rows_out_;
    }
    result_.rows_in = rows_in;
    result_.bad_rows = bad_rows;
    result_.bytes_in = reader.bytes_consumed();
    if (rows_in == 0) {
      throw common::DataError(options_.input.string() + ": no data rows after the header");
    }
    (void)speculative;
    return writing;
  }

  void finish(const std::vector<char>& numeric, CleanResult& result) {
    result.rows_out = rows_out_;
    result.rows_dropped = rows_dropped_;
    result.columns = columns_;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      result.columns[c].type = numeric[c] ? ColumnType::kNumeric : ColumnType::kCategorical;
      result.columns[c].distinct = std::min<std::uint64_t>(distinct_[c].size(), kDistinctCap);
      result.columns[c].distinct_capped = distinct_[c].size() > kDistinctCap;
    }
  }

  const std::vector<std::string>& names() const { return names_; }

 private:
  void reset_counts(std::size_t width) {
    columns_.assign(width, ColumnSummary{});
    for (std::size_t c = 0; c < width; ++c) columns_[c].name = names_[c];
    distinct_.assign(width, {});
    rows_out_ = 0;
    rows_dropped_ = 0;
  }

  void count_distinct(std::size_t column, std::string_view value) {
    Distinct& seen = distinct_[column];
    if (seen.size() > kDistinctCap || seen.find(value) != seen.end()) return;
    seen.emplace(value);
  }

  void infer_only(const std::vector<std::string_view>& fields, std::vector<char>& numeric) {
    common::infer_column_types(fields, options_.nulls, numeric);
  }

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
  std::uint64_t rows_out_ = 0;
  std::uint64_t rows_dropped_ = 0;
};

// Column types as the first `rows` records show them: a column with text in a kept record
// there is certainly categorical; the others are guessed numeric.
std::vector<char> guess_types(const CleanOptions& options, std::uint64_t rows) {
  common::CsvReader reader(options.input, csv_options(options), options.input.string());
  Header header = read_header(reader, options);
  std::vector<char> numeric(header.names.size(), 1);
  for (std::uint64_t i = 0; i < rows && reader.next(); ++i) {
    const auto& fields = reader.fields();
    if (fields.size() != numeric.size()) continue;  // reported by the full pass
    common::infer_column_types(fields, options.nulls, numeric);
  }
  return numeric;
}

}  // namespace

CleanResult clean(const CleanOptions& options) {
  CleanResult result;
  // Most files have the types their first thousand rows show, so one pass suffices; a
  // column found categorical further down needs a second pass.
  std::vector<char> numeric = guess_types(options, 1000);
  auto out = std::make_unique<common::AtomicFile>(options.output);
  WritePass pass(options, result);
  if (!pass.run(numeric, /*speculative=*/true, *out)) {
    out = std::make_unique<common::AtomicFile>(options.output);
    if (!pass.run(numeric, /*speculative=*/false, *out)) {
      throw common::InternalError("column types changed in the second pass over " +
                                  options.input.string());
    }
  }
  pass.finish(numeric, result);

  Schema schema;
  for (std::size_t c = 0; c < numeric.size(); ++c) {
    schema.columns.push_back(
        {pass.names()[c], numeric[c] ? ColumnType::kNumeric : ColumnType::kCategorical});
  }
  schema.target = options.target;
  check_target(schema, options.target, options);
  check_schema(schema, options);
  result.schema = schema;
  if (schema.target.empty() && !options.schema.empty() && options.schema != options.write_schema) {
    result.schema.target = load_schema(options.schema).target;
  }
  if (result.rows_out == 0) {
    throw common::DataError(options.input.string() + ": no rows left after dropping " +
                            std::to_string(result.rows_dropped) +
                            " with nulls or non-finite numbers");
  }
  result.bytes_out = out->size();
  if (!options.write_schema.empty()) {
    common::write_file_atomically(options.write_schema, schema_json(result.schema));
    result.schema_written = true;
  }
  out->commit();
  return result;
}

}  // namespace tasks
