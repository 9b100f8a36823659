#include "tasks/clean/type_guess.h"

#include "common/csv_columns.h"
#include "tasks/clean/input_shape.h"

namespace tasks {

std::vector<char> guess_types(const CleanOptions& options, std::uint64_t rows) {
  common::CsvReader reader(options.input, csv_options(options), options.input.string());
  std::vector<char> numeric(read_clean_header(reader, options).size(), 1);
  for (std::uint64_t i = 0; i < rows && reader.next(); ++i) {
    const auto& fields = reader.fields();
    if (fields.size() != numeric.size()) continue;  // reported by the full pass
    common::infer_column_types(fields, options.nulls, numeric);
  }
  return numeric;
}

}  // namespace tasks
