#include "tasks/report/svg_chart.h"

#include <catch2/catch.hpp>

using tasks::format_tick;
using tasks::nice_axis;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("axes extend to nice tick values", "[svg_chart]") {
  tasks::Axis a = nice_axis(-183000, 697000);
  REQUIRE(a.lo == -200000);
  REQUIRE(a.hi == 800000);
  REQUIRE(a.step == 200000);
  REQUIRE(a.ticks.size() == 6);
  tasks::Axis b = nice_axis(0.13, 0.87, 5);
  REQUIRE(b.step == 0.2);
  REQUIRE(b.ticks.front() == 0);
  tasks::Axis c = nice_axis(5, 5);
  REQUIRE(c.lo < 5);
  REQUIRE(c.hi > 5);
}

TEST_CASE("tick labels use as many decimals as the step needs", "[svg_chart]") {
  struct Case {
    double value, step;
    const char* label;
  };
  for (const Case& c : std::vector<Case>{{150000, 50000, "150k"},
                                         {-200000, 200000, "-200k"},
                                         {0, 200000, "0"},
                                         {2500000, 500000, "2.5M"},
                                         {37500, 12500, "37.5k"},
                                         {0.25, 0.05, "0.25"},
                                         {3, 1, "3"},
                                         {1500, 500, "1500"},
                                         {1e-17, 0.1, "0"}}) {
    INFO(c.value);
    REQUIRE(format_tick(c.value, c.step) == c.label);
  }
}

TEST_CASE("the scatter chart draws every point, the line y = x and labels", "[svg_chart]") {
  std::vector<tasks::ScatterPoint> points = {{1, 2}, {2, 2.5}, {3, 2}};
  std::string svg = tasks::scatter_svg(points, {"Title <&>", "actual y", "predicted y"});
  REQUIRE(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  REQUIRE(svg.substr(svg.size() - 7) == "</svg>\n");
  REQUIRE(count(svg, "<circle ") == 3);
  REQUIRE(count(svg, "y = x") == 1);
  REQUIRE(svg.find("Title &lt;&amp;&gt;") != std::string::npos);
  REQUIRE(svg.find(">actual y</text>") != std::string::npos);
  REQUIRE(svg == tasks::scatter_svg(points, {"Title <&>", "actual y", "predicted y"}));
}

TEST_CASE("charts without test rows say so", "[svg_chart]") {
  REQUIRE(tasks::scatter_svg({}, {"t", "x", "y"}).find(">no test rows</text>") !=
          std::string::npos);
  tasks::Histogram empty = tasks::Histogram::covering(0, 0, 10);
  REQUIRE(tasks::histogram_svg(empty, {"t", "x", "y"}).find(">no test rows</text>") !=
          std::string::npos);
}

TEST_CASE("the histogram draws one bar per non-empty bin and a line at zero", "[svg_chart]") {
  tasks::Histogram h = tasks::Histogram::covering(-10, 10, 4);
  for (double v : {-9.0, -1.0, 1.0, 2.0}) h.add(v);
  std::string svg = tasks::histogram_svg(h, {"t", "residual", "rows"});
  REQUIRE(count(svg, "<rect x=") == 3 + 1);  // 3 bars and the plot frame
  REQUIRE(count(svg, "stroke-dasharray") == 1);
}
