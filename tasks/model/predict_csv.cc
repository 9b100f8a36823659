#include "tasks/model/predict_csv.h"

#include <algorithm>
#include <cmath>

#include "common/atomic_file.h"
#include "common/csv_columns.h"
#include "common/csv_shape.h"
#include "common/error.h"
#include "common/number.h"
#include "tasks/model/predict.h"

namespace tasks {

PredictCsvResult predict_csv(const Model& model, common::CsvReader& reader,
                             const std::function<void(double)>& emit) {
  const std::string& name = reader.name();
  std::vector<std::string> header = common::read_header_row(reader);
  std::vector<std::string_view> header_views(header.begin(), header.end());
  // Two columns of one name are ambiguous: refused, whether the model uses them or not.
  common::ColumnIndex index = common::index_columns(header_views, name, reader.line());
  std::vector<std::size_t> columns = bind_columns(model, header_views, name);
  auto target = index.find(model.target);

  PredictCsvResult result;
  result.has_target = target != index.end();
  std::size_t target_column = result.has_target ? target->second : 0;
  while (reader.next()) {
    const std::vector<std::string_view>& fields = reader.fields();
    common::check_width(reader, header.size());
    double prediction = predict_fields(model, columns, fields, name, reader.line());
    if (result.has_target) {
      std::optional<double> actual = common::parse_number(fields[target_column]);
      if (actual && std::isfinite(*actual)) result.errors.add(*actual, prediction);
    }
    ++result.rows;
    emit(prediction);
  }
  return result;
}

PredictCsvResult predict_csv_file(const Model& model, const std::filesystem::path& input,
                                  const std::filesystem::path& output, char delimiter) {
  common::CsvOptions options;
  options.delimiter = delimiter;
  common::CsvReader reader(input, options);
  common::AtomicFile file(output);
  std::string line = "prediction\n";
  file.write(line);
  PredictCsvResult result = predict_csv(model, reader, [&](double prediction) {
    line.clear();
    common::append_number(line, prediction);
    line.push_back('\n');
    file.write(line);
  });
  file.commit();
  return result;
}

}  // namespace tasks
