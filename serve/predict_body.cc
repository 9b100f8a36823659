#include "serve/predict_body.h"

#include <sys/mman.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <string>

#include "common/csv_reader.h"
#include "common/error.h"
#include "common/json_util.h"
#include "tasks/model/json_keys.h"
#include "tasks/model/predict.h"
#include "tasks/model/predict_csv.h"

namespace json = boost::json;

namespace serve {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const char* kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

std::string row_name(std::size_t index) { return "row " + std::to_string(index); }

std::vector<double> predict_json_body(const tasks::Model& model, std::string_view body) {
  json::value document = common::parse_json(body, "body");
  tasks::refuse_duplicate_keys(body, "body");  // {"x": 1, "x": 2} is ambiguous
  std::vector<double> predictions;
  if (document.is_object()) {
    predictions.push_back(tasks::predict_json(model, document.get_object(), row_name(0)));
  } else if (document.is_array()) {
    const json::array& rows = document.get_array();
    predictions.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].is_object()) {
        throw common::DataError(row_name(i) + ": expected a JSON object, got " +
                                kind_name(rows[i]));
      }
      predictions.push_back(tasks::predict_json(model, rows[i].get_object(), row_name(i)));
    }
  } else {
    throw common::DataError(
        std::string("body: expected a JSON object or an array of objects, got ") +
        kind_name(document));
  }
  return predictions;
}

// The CSV reader reads files: hand it the body through an anonymous memory file, so the
// rows go through exactly the parser and predict_csv the `predict` program uses.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view content) {
    fd_ = ::memfd_create("body", MFD_CLOEXEC);
    if (fd_ < 0) common::throw_system_error("cannot create", "memfd:body", errno);
    while (!content.empty()) {
      ssize_t n = ::write(fd_, content.data(), content.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) common::throw_system_error("cannot write", "memfd:body", errno);
      content.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_ = -1;
};

std::vector<double> predict_csv_body(const tasks::Model& model, std::string_view body) {
  MemoryFile file(body);
  common::CsvReader reader(file.path(), {}, "body");
  std::vector<double> predictions;
  tasks::predict_csv(model, reader, [&](double p) { predictions.push_back(p); });
  return predictions;
}

}  // namespace

std::optional<BodyFormat> body_format(std::string_view content_type) {
  std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (iequals(type, "application/json")) return BodyFormat::kJson;
  if (iequals(type, "text/csv")) return BodyFormat::kCsv;
  return std::nullopt;
}

std::vector<double> predict_body(const tasks::Model& model, BodyFormat format,
                                 std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw common::DataError(format == BodyFormat::kJson
                                ? "empty body: expected a JSON object or an array of objects"
                                : "empty body: expected a header row and one row per prediction");
  }
  std::vector<double> predictions =
      format == BodyFormat::kJson ? predict_json_body(model, body) : predict_csv_body(model, body);
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    if (!std::isfinite(predictions[i])) {
      throw common::DataError(row_name(i) + ": the prediction is not a finite number");
    }
  }
  return predictions;
}

}  // namespace serve
