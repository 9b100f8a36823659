#include "tasks/model/predict.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <unordered_map>

#include "common/error.h"
#include "common/json_util.h"
#include "common/message.h"
#include "common/number.h"

namespace json = boost::json;

namespace tasks {

namespace {

// The name of the row in error messages ("<source>" or "<source>:<line>"), built only when
// one is needed.
struct RowName {
  std::string_view source;
  std::size_t line = 0;  // 0: none
  std::string operator()() const {
    return line == 0 ? std::string(source) : std::string(source) + ":" + std::to_string(line);
  }
};

[[noreturn]] void fail(const RowName& row_name, FieldNoun noun, const Feature& f,
                       const std::string& problem) {
  throw common::DataError(row_name() + ": " + (noun == FieldNoun::kColumn ? "column" : "field") +
                          " \"" + f.name + "\": " + problem);
}

[[noreturn]] void missing(const RowName& row_name, FieldNoun noun, const Feature& f) {
  throw common::DataError(row_name() + ": missing " +
                          (noun == FieldNoun::kColumn ? "column" : "field") + " \"" + f.name +
                          "\"");
}

std::string quoted(std::string_view text) { return common::quote_for_message(text); }

// The numeric value of `v` for numeric feature `f`.
double numeric_value(const FieldValue& v, const Feature& f, const RowName& row_name,
                     FieldNoun noun) {
  switch (v.kind) {
    case FieldValue::Kind::kNumber:
      if (!std::isfinite(v.number)) fail(row_name, noun, f, "expected a finite number");
      return v.number;
    case FieldValue::Kind::kText: {
      std::optional<double> x = common::parse_number(v.text);
      if (!x) fail(row_name, noun, f, "expected a number, got " + quoted(v.text));
      if (!std::isfinite(*x))
        fail(row_name, noun, f, "expected a finite number, got " + quoted(v.text));
      return *x;
    }
    case FieldValue::Kind::kInvalid:
      fail(row_name, noun, f, "expected a number, got " + std::string(v.text));
    case FieldValue::Kind::kNull:
      fail(row_name, noun, f, "missing value");
    case FieldValue::Kind::kMissing:
      break;
  }
  missing(row_name, noun, f);
}

// The coefficient of the row's category for categorical feature `f` (0 when unseen).
double category_weight(const FieldValue& v, const Feature& f, const RowName& row_name,
                       FieldNoun noun) {
  switch (v.kind) {
    case FieldValue::Kind::kText: {
      if (v.text.empty()) fail(row_name, noun, f, "missing value");
      // Categories are stored as valid UTF-8 (common/json_util.h): compare likewise.
      std::string normalized;
      std::string_view text = v.text;
      if (!common::is_valid_utf8(text)) text = normalized = common::valid_utf8(text);
      auto it = std::lower_bound(f.categories.begin(), f.categories.end(), text,
                                 [](const std::string& a, std::string_view b) { return a < b; });
      if (it == f.categories.end() || *it != text) return 0.0;
      return f.category_coefficients[static_cast<std::size_t>(it - f.categories.begin())];
    }
    case FieldValue::Kind::kNumber:
      fail(row_name, noun, f,
           "expected a string (a category), got " + common::format_number(v.number));
    case FieldValue::Kind::kInvalid:
      fail(row_name, noun, f, "expected a string (a category), got " + std::string(v.text));
    case FieldValue::Kind::kNull:
      fail(row_name, noun, f, "missing value");
    case FieldValue::Kind::kMissing:
      break;
  }
  missing(row_name, noun, f);
}

// (x - mean) / scale; for values near 1e308, where x - mean overflows although the
// standardized value is finite, x / scale - mean / scale.
double standardized(double x, const Feature& f) {
  double d = x - f.mean;
  if (std::isfinite(d)) [[likely]]
    return d / f.scale;
  return x / f.scale - f.mean / f.scale;
}

// The one implementation behind every entry point; `get(i)` gives feature i's value.
template <typename Get>
double predict_with(const Model& model, Get&& get, const RowName& row_name, FieldNoun noun) {
  double y = model.intercept;
  for (std::size_t i = 0; i < model.features.size(); ++i) {
    const Feature& f = model.features[i];
    FieldValue v = get(i);
    if (f.type == FeatureType::kNumeric) {
      y += f.coefficient * standardized(numeric_value(v, f, row_name, noun), f);
    } else {
      y += category_weight(v, f, row_name, noun);
    }
  }
  // Finite inputs can still overflow (a value near 1e308 times a coefficient): never
  // hand on an inf or NaN as if it were a prediction.
  if (!std::isfinite(y))
    throw common::DataError(row_name() + ": the prediction is not a finite number");
  return y;
}

}  // namespace

double predict_row(const Model& model, const RowAccessor& row, std::string_view row_name,
                   FieldNoun noun) {
  return predict_with(model, row, RowName{row_name}, noun);
}

std::vector<std::size_t> bind_columns(const Model& model,
                                      const std::vector<std::string_view>& header,
                                      const std::string& name) {
  // Names compared in the form the model stores them (invalid UTF-8 replaced: valid_utf8).
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string_view h = header[i];
    index.emplace(common::is_valid_utf8(h) ? std::string(h) : common::valid_utf8(h), i);
  }
  std::vector<std::size_t> columns;
  for (const Feature& f : model.features) {
    auto it = index.find(f.name);
    if (it == index.end()) {
      std::string listed;
      for (std::string_view h : header)
        listed += (listed.empty() ? "" : ", ") + common::cut_for_message(h);
      throw common::DataError(
          name + ": missing column " + common::quote_for_message(f.name) +
          " needed by the model; columns: " + common::cut_for_message(listed, 1000));
    }
    columns.push_back(it->second);
  }
  return columns;
}

double predict_fields(const Model& model, const std::vector<std::size_t>& columns,
                      const std::vector<std::string_view>& fields, std::string_view source,
                      std::size_t line) {
  return predict_with(
      model,
      [&](std::size_t i) {
        std::string_view text = fields[columns[i]];
        return FieldValue{text.empty() ? FieldValue::Kind::kNull : FieldValue::Kind::kText, text,
                          0};
      },
      RowName{source, line}, FieldNoun::kColumn);
}

double predict_json(const Model& model, const json::object& row, std::string_view row_name) {
  std::string description;  // keeps kInvalid text alive for the call
  return predict_with(
      model,
      [&](std::size_t i) {
        const json::value* v = row.if_contains(model.features[i].name);
        if (v == nullptr) return FieldValue{};
        switch (v->kind()) {
          case json::kind::null:
            return FieldValue{FieldValue::Kind::kNull, {}, 0};
          case json::kind::string:
            return FieldValue{FieldValue::Kind::kText, std::string_view(v->get_string()), 0};
          case json::kind::int64:
          case json::kind::uint64:
          case json::kind::double_:
            return FieldValue{FieldValue::Kind::kNumber, {}, v->to_number<double>()};
          default:
            description = json::serialize(*v);
            return FieldValue{FieldValue::Kind::kInvalid, std::string_view(description), 0};
        }
      },
      RowName{row_name}, FieldNoun::kField);
}

}  // namespace tasks
