// The SVG charts (report_svg.h): a bar's value is never drawn under the dashed average line nor
// is the average's own label; a radar's axis labels are wrapped, never cut, and lie inside the
// viewBox; a radar series without values draws no polygon and no dot (it would read as 0 %).
#define BOOST_TEST_MODULE report_svg
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "report/report_svg.h"

using namespace libaudit::report_detail;

namespace {

// Full-width characters are 11 px at the charts' 11 px labels, others about 6.4 px.
double approx_width(const std::string& s, double size) {
  double w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    w += n >= 3 ? size : size * 0.58;
    i += n;
  }
  return w;
}

struct Text {
  double x, y;
  std::string anchor, body;
};

std::vector<Text> texts(const std::string& svg) {
  static const std::regex re(R"re(<text x="([-0-9.]+)" y="([-0-9.]+)"([^>]*)>([^<]*)</text>)re");
  std::vector<Text> out;
  for (std::sregex_iterator it(svg.begin(), svg.end(), re), end; it != end; ++it) {
    const std::string attrs = (*it)[3];
    std::smatch a;
    const std::string anchor =
        std::regex_search(attrs, a, std::regex(R"(text-anchor="(\w+)\")")) ? std::string(a[1]) : "start";
    out.push_back({std::stod((*it)[1]), std::stod((*it)[2]), anchor, (*it)[4]});
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(bar_values_and_the_average_label_are_never_under_the_average_line) {
  std::vector<Bar> bars;
  for (double v = 60; v <= 100; v += 0.7) bars.push_back({"課" + std::to_string(bars.size()), v});
  const double average = 80.5;
  const std::string svg = svg_bar_chart("t", "課別", bars, average, "全体");
  std::smatch m;
  BOOST_REQUIRE(
      std::regex_search(svg, m, std::regex(R"re(<line x1="([0-9.]+)" y1="([0-9.]+)"[^>]*stroke-dasharray)re")));
  const double line_x = std::stod(m[1]);
  int values = 0;
  bool label = false;
  for (const Text& t : texts(svg)) {
    const bool is_value = std::regex_match(t.body, std::regex(R"(\d+\.\d)"));
    const bool is_label = t.body == "全体 80.5%";
    if (!is_value && !is_label) continue;
    const double w = approx_width(t.body, 11);
    const double left = t.anchor == "end" ? t.x - w : t.anchor == "middle" ? t.x - w / 2 : t.x;
    BOOST_TEST_INFO(t.body << " at " << left << ".." << left + w << ", line at " << line_x);
    BOOST_TEST(!(left - 1 < line_x && line_x < left + w + 1));
    values += is_value;
    label = label || is_label;
  }
  BOOST_TEST(values == static_cast<int>(bars.size()));
  BOOST_TEST(label);
}

BOOST_AUTO_TEST_CASE(radar_labels_are_wrapped_whole_and_inside_the_viewbox) {
  const std::vector<std::string> axes = {"1 組織体制",
                                         "2 情報資産の分類及び管理",
                                         "3 情報システム全体の強靭性の向上",
                                         "4 物理的セキュリティ対策",
                                         "5 人的セキュリティ対策",
                                         "6 技術的セキュリティ対策",
                                         "7 運用",
                                         "8 評価及び見直し"};
  const std::string svg = svg_radar("r", "章別", axes, {{"今年度", {90, 80, 70, 60, 50, 40, 30, 20}}});
  BOOST_TEST(svg.find("…") == std::string::npos);  // nothing cut
  // Every character of every label is there, in its tspans.
  std::string shown;
  static const std::regex tspan(R"(<tspan[^>]*>([^<]*)</tspan>)");
  for (std::sregex_iterator it(svg.begin(), svg.end(), tspan), end; it != end; ++it) shown += (*it)[1];
  for (const std::string& a : axes) BOOST_TEST(shown.find(a) != std::string::npos, a);
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(svg, m, std::regex(R"re(viewBox="0 0 ([0-9.]+) ([0-9.]+)")re")));
  const double width = std::stod(m[1]);
  BOOST_REQUIRE(std::regex_search(svg, m, std::regex(R"re(translate\(([-0-9.]+) ([-0-9.]+)\))re")));
  const double tx = std::stod(m[1]);
  // Each line of a label at most 150 px, and all of it inside the viewBox.
  static const std::regex line(
      R"re(<text font-size="11" text-anchor="(\w+)"|<tspan x="([-0-9.]+)"[^>]*>([^<]*)</tspan>)re");
  std::string anchor = "start";
  for (std::sregex_iterator it(svg.begin(), svg.end(), line), end; it != end; ++it) {
    if ((*it)[1].matched) {
      anchor = (*it)[1];
      continue;
    }
    const double w = approx_width((*it)[3], 11);
    const double x = std::stod((*it)[2]) + tx;
    const double left = anchor == "end" ? x - w : anchor == "middle" ? x - w / 2 : x;
    BOOST_TEST_INFO((*it)[3] << " at " << left << ".." << left + w << " of " << width);
    BOOST_TEST(w <= 150);
    BOOST_TEST(left >= 0);
    BOOST_TEST(left + w <= width);
  }
}

BOOST_AUTO_TEST_CASE(a_radar_series_without_values_draws_no_dot_and_says_so) {
  const std::vector<std::string> axes = {"1 組織体制", "2 運用", "3 評価"};
  const double none = std::nan("");
  const std::string svg = svg_radar("r", "章別", axes, {{"市民課", {none, none, none}}, {"全体", {80, 70, 60}}});
  BOOST_TEST(svg.find("<circle") == std::string::npos);  // the first series' marks are circles
  // Five rings and the body's polygon; none for 市民課.
  std::size_t polygons = 0;
  for (std::size_t at = svg.find("<polygon"); at != std::string::npos; at = svg.find("<polygon", at + 1)) ++polygons;
  BOOST_TEST(polygons == 6u);
  BOOST_TEST(svg.find("市民課（回答がないため表示なし）") != std::string::npos);
}
