#include "tasks/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tasks {

namespace {

// The canvas and its plot area, in pixels.
struct Frame {
  double width, height, left, right, top, bottom;
};
constexpr Frame kWide{640, 480, 80, 620, 50, 410};    // histogram
constexpr Frame kSquare{520, 540, 80, 500, 50, 470};  // scatter: equal axes at 45 degrees
constexpr const char* kDashed = "stroke=\"#d62728\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"";

std::string fixed(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string line(double x1, double y1, double x2, double y2, const std::string& style = "") {
  return "<line x1=\"" + fixed(x1) + "\" y1=\"" + fixed(y1) + "\" x2=\"" + fixed(x2) + "\" y2=\"" +
         fixed(y2) + "\"" + (style.empty() ? "" : " " + style) + "/>\n";
}

std::string text(double x, double y, const std::string& content, const std::string& style = "") {
  return "<text x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\"" +
         (style.empty() ? "" : " " + style) + ">" + xml_escape(content) + "</text>\n";
}

// Maps data values to pixels on one axis.
struct Scale {
  double lo, hi, from, to;
  double operator()(double v) const { return from + (v - lo) / (hi - lo) * (to - from); }
};

std::string header(const Frame& f, const ChartLabels& labels) {
  std::string w = fixed(f.width), h = fixed(f.height);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                    "\" viewBox=\"0 0 " + w + " " + h +
                    "\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"" + w + "\" height=\"" + h + "\" fill=\"white\"/>\n";
  svg += "<text x=\"" + fixed(f.width / 2) +
         "\" y=\"28\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
         xml_escape(labels.title) + "</text>\n";
  return svg;
}

// Grid lines, ticks, tick labels, the frame and the axis labels.
std::string axes(const Frame& f, const Axis& x, const Axis& y, const Scale& sx, const Scale& sy,
                 const ChartLabels& labels) {
  std::string svg = "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (double t : x.ticks) svg += line(sx(t), f.top, sx(t), f.bottom);
  for (double t : y.ticks) svg += line(f.left, sy(t), f.right, sy(t));
  svg += "</g>\n<g stroke=\"black\" stroke-width=\"1\">\n";
  for (double t : x.ticks) svg += line(sx(t), f.bottom, sx(t), f.bottom + 5);
  for (double t : y.ticks) svg += line(f.left - 5, sy(t), f.left, sy(t));
  svg += "</g>\n<rect x=\"" + fixed(f.left) + "\" y=\"" + fixed(f.top) + "\" width=\"" +
         fixed(f.right - f.left) + "\" height=\"" + fixed(f.bottom - f.top) +
         "\" fill=\"none\" stroke=\"black\"/>\n";
  svg += "<g text-anchor=\"middle\">\n";
  for (double t : x.ticks) svg += text(sx(t), f.bottom + 20, format_tick(t, x.step));
  svg += "</g>\n<g text-anchor=\"end\">\n";
  for (double t : y.ticks) svg += text(f.left - 8, sy(t) + 4, format_tick(t, y.step));
  svg += "</g>\n";
  double middle = (f.top + f.bottom) / 2;
  svg += text((f.left + f.right) / 2, f.height - 16, labels.x, "text-anchor=\"middle\"");
  svg += text(20, middle, labels.y,
              "text-anchor=\"middle\" transform=\"rotate(-90 20 " + fixed(middle) + ")\"");
  return svg;
}

std::string no_data(const Frame& f, const std::string& what) {
  return text((f.left + f.right) / 2, (f.top + f.bottom) / 2, what,
              "text-anchor=\"middle\" fill=\"#666666\"");
}

}  // namespace

Axis nice_axis(double lo, double hi, int target_ticks) {
  if (!(hi > lo)) {
    double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  double raw = (hi - lo) / std::max(target_ticks - 1, 1);
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power * 10;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * power >= raw) {
      step = m * power;
      break;
    }
  }
  Axis axis;
  axis.step = step;
  axis.lo = std::floor(lo / step) * step;
  axis.hi = std::ceil(hi / step) * step;
  long n = std::lround((axis.hi - axis.lo) / step);
  for (long i = 0; i <= n; ++i) {
    double t = axis.lo + static_cast<double>(i) * step;
    axis.ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return axis;
}

std::string format_tick(double value, double step) {
  const char* suffix = "";
  double scaled = value;
  double scaled_step = step;
  double magnitude = std::max(std::abs(value), step);
  if (magnitude >= 1e6 && step >= 1e5) {
    suffix = "M";
    scaled /= 1e6;
    scaled_step /= 1e6;
  } else if (magnitude >= 1e4 && step >= 100) {
    suffix = "k";
    scaled /= 1e3;
    scaled_step /= 1e3;
  }
  int decimals = 0;
  while (decimals < 10 && std::abs(scaled_step * std::pow(10.0, decimals) -
                                   std::round(scaled_step * std::pow(10.0, decimals))) > 1e-6) {
    ++decimals;
  }
  if (std::abs(scaled) < scaled_step * 1e-9) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f%s", decimals, scaled, suffix);
  return buffer;
}

std::string scatter_svg(const std::vector<ScatterPoint>& points, const ChartLabels& labels) {
  double lo = 0, hi = 1;
  if (!points.empty()) {
    lo = hi = points.front().actual;
    for (const ScatterPoint& p : points) {
      lo = std::min({lo, p.actual, p.predicted});
      hi = std::max({hi, p.actual, p.predicted});
    }
  }
  Axis axis = nice_axis(lo, hi);
  const Frame& f = kSquare;
  Scale sx{axis.lo, axis.hi, f.left, f.right};
  Scale sy{axis.lo, axis.hi, f.bottom, f.top};
  std::string svg = header(f, labels);
  svg += axes(f, axis, axis, sx, sy, labels);
  if (points.empty()) return svg + no_data(f, "no test rows") + "</svg>\n";
  svg += "<g fill=\"#1f77b4\" fill-opacity=\"0.35\">\n";
  for (const ScatterPoint& p : points) {
    svg += "<circle cx=\"" + fixed(sx(p.actual)) + "\" cy=\"" + fixed(sy(p.predicted)) +
           "\" r=\"2\"/>\n";
  }
  svg += "</g>\n";
  svg += line(sx(axis.lo), sy(axis.lo), sx(axis.hi), sy(axis.hi), kDashed);
  svg += line(f.left + 10, f.top + 16, f.left + 40, f.top + 16, kDashed);
  svg += text(f.left + 46, f.top + 20, "y = x", "fill=\"#d62728\"");
  return svg + "</svg>\n";
}

std::string histogram_svg(const Histogram& histogram, const ChartLabels& labels) {
  std::int64_t total = 0;
  std::int64_t peak = 0;
  for (std::int64_t c : histogram.counts) {
    total += c;
    peak = std::max(peak, c);
  }
  double end = histogram.start + histogram.width * static_cast<double>(histogram.counts.size());
  Axis x = nice_axis(histogram.start, end, 7);
  Axis y = nice_axis(0, static_cast<double>(std::max<std::int64_t>(peak, 1)), 6);
  const Frame& f = kWide;
  Scale sx{x.lo, x.hi, f.left, f.right};
  Scale sy{y.lo, y.hi, f.bottom, f.top};
  std::string svg = header(f, labels);
  svg += axes(f, x, y, sx, sy, labels);
  if (total == 0) return svg + no_data(f, "no test rows") + "</svg>\n";
  svg += "<g fill=\"#1f77b4\" stroke=\"white\" stroke-width=\"0.5\">\n";
  for (std::size_t i = 0; i < histogram.counts.size(); ++i) {
    if (histogram.counts[i] == 0) continue;
    double left = histogram.start + histogram.width * static_cast<double>(i);
    double top = sy(static_cast<double>(histogram.counts[i]));
    svg += "<rect x=\"" + fixed(sx(left)) + "\" y=\"" + fixed(top) + "\" width=\"" +
           fixed(sx(left + histogram.width) - sx(left)) + "\" height=\"" + fixed(f.bottom - top) +
           "\"/>\n";
  }
  svg += "</g>\n";
  if (x.lo < 0 && x.hi > 0) {
    svg += line(sx(0), f.top, sx(0), f.bottom, kDashed);
  }
  return svg + "</svg>\n";
}

}  // namespace tasks
