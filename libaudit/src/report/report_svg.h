// SVG charts for the HTML reports, drawn by the core (no chart library, no scripts): a sorted
// horizontal bar chart with the body average marked, a radar chart, a 課 × chapter heatmap with
// the number in every cell, and a trend line. Readable in black and white: greys, hatching,
// dashes and printed values; Japanese labels. Every text is XML-escaped here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace libaudit::report_detail {

std::string xml_escape(std::string_view s);

struct Bar {
  std::string label;
  double value;  // 0-100, NaN: no score
};
// Bars in the given order; `id` makes pattern ids unique within one HTML page.
std::string svg_bar_chart(std::string_view id, std::string_view title, const std::vector<Bar>& bars, double average,
                          std::string_view average_label);

struct Series {
  std::string name;
  std::vector<double> values;  // one per axis / x position; NaN: none
};
std::string svg_radar(std::string_view id, std::string_view title, const std::vector<std::string>& axes,
                      const std::vector<Series>& series);
std::string svg_heatmap(std::string_view id, std::string_view title, const std::vector<std::string>& rows,
                        const std::vector<std::string>& columns, const std::vector<std::vector<double>>& values);
std::string svg_trend(std::string_view id, std::string_view title, const std::vector<std::string>& x,
                      const std::vector<Series>& series);

}  // namespace libaudit::report_detail
