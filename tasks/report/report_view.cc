#include "tasks/report/report_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <kainjow/mustache.hpp>
#include <sstream>

#include "common/error.h"

namespace mustache = kainjow::mustache;

namespace tasks {

std::string format_figure(double value) {
  if (std::isnan(value)) return "n/a";
  char buffer[64];
  double a = std::abs(value);
  if (a == 0) return "0";
  if (a < 1e15 && value == std::round(value)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else if (a >= 1e12 || a < 1e-3) {
    std::snprintf(buffer, sizeof buffer, "%.3e", value);
  } else if (a >= 100) {
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4f", value);
  }
  return buffer;
}

namespace {

std::string percent(double share) {
  if (std::isnan(share)) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", share * 100);
  return buffer;
}

std::string role_name(ColumnRole role) {
  switch (role) {
    case ColumnRole::kTarget:
      return "target";
    case ColumnRole::kFeature:
      return "feature";
    case ColumnRole::kUnused:
      break;
  }
  return "not used by the model";
}

void metrics_view(const std::string& prefix, const ErrorStats& e, mustache::data& view) {
  view.set(prefix + "_rmse", format_figure(e.rmse()));
  view.set(prefix + "_mae", format_figure(e.mae()));
  view.set(prefix + "_r2", format_figure(e.r2()));
}

void columns_view(const ReportFacts& facts, mustache::data& view) {
  const DataProfile& p = *facts.profile;
  mustache::data columns{mustache::data::type::list};
  mustache::data numeric{mustache::data::type::list};
  mustache::data categorical{mustache::data::type::list};
  for (const ColumnProfile& c : p.columns) {
    mustache::data row;
    row.set("name", c.name);
    row.set("role", role_name(c.role));
    row.set("type", c.role == ColumnRole::kUnused ? std::string("-")
                                                  : std::string(feature_type_name(c.type)));
    columns.push_back(row);
    if (c.role == ColumnRole::kUnused) continue;
    if (c.type == FeatureType::kNumeric) {
      mustache::data n;
      n.set("name", c.name);
      n.set("min", format_figure(c.numeric.min));
      n.set("max", format_figure(c.numeric.max));
      n.set("mean", format_figure(c.numeric.mean));
      n.set("std", format_figure(c.numeric.std));
      numeric.push_back(n);
      continue;
    }
    mustache::data cat;
    cat.set("name", c.name);
    cat.set("distinct", std::to_string(c.distinct) + (c.other_rows > 0 ? "+" : ""));
    mustache::data list{mustache::data::type::list};
    std::int64_t listed_rows = 0;
    for (std::size_t i = 0; i < c.categories.size() && i < facts.max_listed_categories; ++i) {
      mustache::data item;
      item.set("value", c.categories[i].value);
      item.set("count", std::to_string(c.categories[i].count));
      item.set("share",
               percent(static_cast<double>(c.categories[i].count) / static_cast<double>(p.rows)));
      listed_rows += c.categories[i].count;
      list.push_back(item);
    }
    cat.set("categories", list);
    std::size_t unlisted = c.categories.size() > facts.max_listed_categories
                               ? c.categories.size() - facts.max_listed_categories
                               : 0;
    if (unlisted > 0 || c.other_rows > 0) {
      cat.set("more", std::to_string(unlisted) + (c.other_rows > 0 ? "+" : ""));
      cat.set("more_rows", std::to_string(p.rows - listed_rows));
    } else {
      cat.set("more", false);
    }
    categorical.push_back(cat);
  }
  view.set("columns", columns);
  view.set("numeric_columns", numeric);
  view.set("has_numeric", !numeric.is_empty_list());
  view.set("categorical_columns", categorical);
}

void model_view(const Model& m, mustache::data& view) {
  std::vector<NamedCoefficient> weights = coefficients(m);
  std::stable_sort(weights.begin(), weights.end(),
                   [](const NamedCoefficient& a, const NamedCoefficient& b) {
                     return std::abs(a.value) > std::abs(b.value);
                   });
  mustache::data list{mustache::data::type::list};
  for (const NamedCoefficient& w : weights) {
    mustache::data item;
    item.set("name", w.name);
    item.set("value", format_figure(w.value));
    list.push_back(item);
  }
  view.set("coefficients", list);
  view.set("intercept", format_figure(m.intercept));
  view.set("design_width", std::to_string(design_width(m)));
  view.set("feature_count", std::to_string(m.features.size()));
}

void errors_view(const DataProfile& p, mustache::data& view) {
  mustache::data features{mustache::data::type::list};
  for (const CategoryErrors& f : p.errors_by_category) {
    mustache::data feature;
    feature.set("feature", f.feature);
    mustache::data list{mustache::data::type::list};
    for (const CategoryError& c : f.categories) {
      mustache::data item;
      item.set("value", c.value);
      item.set("in_model", c.in_model);
      item.set("rows", std::to_string(c.errors.count()));
      item.set("mae", format_figure(c.errors.mae()));
      item.set("rmse", format_figure(c.errors.rmse()));
      list.push_back(item);
    }
    feature.set("categories", list);
    features.push_back(feature);
  }
  view.set("errors_by_category", features);
}

mustache::data build_view(const ReportFacts& facts) {
  const Model& m = *facts.model;
  const DataProfile& p = *facts.profile;
  mustache::data view;
  view.set("target", m.target);
  view.set("model_file", facts.model_file);
  view.set("data_file", facts.data_file);
  view.set("rows", std::to_string(p.rows));
  view.set("rows_train", std::to_string(p.rows_train));
  view.set("rows_test", std::to_string(p.rows_test));
  view.set("has_test_rows", p.rows_test > 0);
  view.set("column_count", std::to_string(p.columns.size()));
  view.set("alpha", format_figure(m.hyperparameters.alpha));
  view.set("seed", std::to_string(m.hyperparameters.seed));
  view.set("test_fraction", format_figure(m.hyperparameters.test_fraction));
  metrics_view("test", p.test, view);
  metrics_view("train", p.train, view);
  view.set("baseline_rmse", format_figure(p.baseline.rmse()));
  view.set("improvement", percent(1.0 - p.test.rmse() / p.baseline.rmse()));
  view.set("data_matches_training", facts.data_sha256 == m.training_data.sha256);
  columns_view(facts, view);
  model_view(m, view);
  errors_view(p, view);
  view.set("scatter_chart", facts.scatter_chart);
  view.set("residuals_chart", facts.residuals_chart);
  view.set("model_sha256", facts.model_sha256);
  view.set("data_sha256", facts.data_sha256);
  view.set("training_sha256", m.training_data.sha256);
  view.set("training_rows", std::to_string(m.training_data.rows));
  view.set("template_source", facts.template_source);
  view.set("template_sha256", facts.template_sha256);
  view.set("has_notes", facts.notes.has_value());
  view.set("notes_file", facts.notes_file);
  view.set("notes_sha256", facts.notes_sha256);
  view.set("notes", facts.notes.value_or(""));
  return view;
}

// Keeps a value inside one Markdown table cell.
std::string table_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string join_standalone_tags(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    std::size_t line_end = eol == std::string_view::npos ? text.size() : eol + 1;
    std::size_t p = text.find_first_not_of(" \t", pos);
    if (p != std::string_view::npos && text.compare(p, 2, "{{") == 0 && p + 2 < text.size() &&
        std::string_view("#^/!").find(text[p + 2]) != std::string_view::npos) {
      std::size_t close = text.find("}}", p + 2);
      // Only comments may span lines.
      if (close != std::string_view::npos && (text[p + 2] == '!' || close < line_end)) {
        std::size_t after = text.find_first_not_of(" \t\r", close + 2);
        std::size_t next = after == std::string_view::npos ? text.size() : after + 1;
        bool alone = after != std::string_view::npos && text[after] == '\n';
        std::size_t next_end = text.find('\n', next);
        std::string_view next_line = text.substr(
            next, next_end == std::string_view::npos ? std::string_view::npos : next_end - next);
        bool next_blank = next_line.find_first_not_of(" \t\r") == std::string_view::npos;
        if (alone && !next_blank) {
          out.append(text.substr(p, close + 2 - p));
          pos = next;
          continue;
        }
      }
    }
    out.append(text.substr(pos, line_end - pos));
    pos = line_end;
  }
  return out;
}

std::string render_report(const std::string& template_text, const std::string& template_name,
                          const ReportFacts& facts) {
  // kainjow 4.1 drops a standalone tag's line only when its section renders: a skipped
  // section leaves an empty line. Joining the tag to the next line avoids that.
  mustache::mustache tmpl(join_standalone_tags(template_text));
  if (!tmpl.is_valid())
    throw common::DataError(template_name + ": invalid template: " + tmpl.error_message());
  tmpl.set_custom_escape(table_escape);
  std::string out = tmpl.render(build_view(facts));
  if (!tmpl.is_valid())
    throw common::DataError(template_name + ": invalid template: " + tmpl.error_message());
  return out;
}

std::vector<std::string> section_headings(const std::string& markdown) {
  std::vector<std::string> out;
  std::istringstream in(markdown);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) out.push_back(line.substr(3));
  }
  return out;
}

}  // namespace tasks
