#pragma once

#include <string>
#include <vector>

#include "tasks/report/data_profile.h"

namespace tasks {

// An axis range widened to "nice" tick values (1, 2, 2.5 or 5 times a power of ten).
struct Axis {
  double lo = 0;
  double hi = 1;
  double step = 1;
  std::vector<double> ticks;  // from lo to hi inclusive
};

// About `target_ticks` ticks covering [lo, hi]; an empty range is widened.
Axis nice_axis(double lo, double hi, int target_ticks = 6);

// A tick label with as many decimals as `step` needs, "k"/"M" for thousands/millions:
// format_tick(150000, 50000) == "150k", format_tick(0.25, 0.05) == "0.25".
std::string format_tick(double value, double step);

// Titles of a chart.
struct ChartLabels {
  std::string title;
  std::string x;  // x-axis label
  std::string y;  // y-axis label
};

// Predicted (y) against actual (x) on equal axes with the line y = x, ticks and labels.
// The SVG text is deterministic (fixed-point coordinates); no points gives a chart that
// says so.
std::string scatter_svg(const std::vector<ScatterPoint>& points, const ChartLabels& labels);

// Bars of a histogram with a vertical line at zero when zero is inside the range.
std::string histogram_svg(const Histogram& histogram, const ChartLabels& labels);

}  // namespace tasks
