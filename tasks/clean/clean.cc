#include "tasks/clean/clean.h"

#include <memory>

#include "common/atomic_file.h"
#include "common/error.h"
#include "tasks/clean/schema_policy.h"
#include "tasks/clean/type_guess.h"
#include "tasks/clean/write_pass.h"

namespace tasks {

CleanResult clean(const CleanOptions& options) {
  CleanResult result;
  // Most files have the types their first thousand rows show, so one pass suffices; a
  // column found categorical further down needs a second pass.
  std::vector<char> numeric = guess_types(options, 1000);
  auto out = std::make_unique<common::AtomicFile>(options.output);
  WritePass pass(options, result);
  if (!pass.run(numeric, *out)) {
    out = std::make_unique<common::AtomicFile>(options.output);
    if (!pass.run(numeric, *out)) {
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
