// SVG charts of the HTML reports (report_svg.h). Sizes are in CSS pixels; every chart has a
// viewBox so that it scales to the page (A4 at 96 dpi is about 700 px between margins).
#include "report/report_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

namespace libaudit::report_detail {

namespace {

constexpr double kFont = 12.0;

// Approximate rendered width of a UTF-8 string at `size` px: wide (CJK, full-width) characters
// are one em, others about 0.55 em.
double text_width(std::string_view s, double size = kFont) {
  double w = 0;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp = c;
    std::size_t n = 1;
    if (c >= 0xF0) {
      n = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      n = 2;
      cp = c & 0x1F;
    }
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    w += (cp >= 0x1100 && !(cp >= 0xFF61 && cp <= 0xFF9F)) ? size : size * 0.58;
    i += n;
  }
  return w;
}

// At most `max_px` wide, cut with "…".
std::string clip(std::string_view s, double max_px, double size = kFont) {
  if (text_width(s, size) <= max_px) return std::string(s);
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    std::string next = out + std::string(s.substr(i, n));
    if (text_width(next + "…", size) > max_px) break;
    out = std::move(next);
    i += n;
  }
  return out + "…";
}

std::string num(double x, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string open_svg(std::string_view title, double w, double h, std::string_view kind = "") {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart" +
                  (kind.empty() ? "" : " " + std::string(kind)) + "\" role=\"img\" viewBox=\"0 0 " + num(w, 0) + " " +
                  num(h, 0) + "\" width=\"" + num(w, 0) + "\" height=\"" + num(h, 0) + "\" aria-label=\"" +
                  xml_escape(title) + "\" font-size=\"" + num(kFont, 0) + "\">";
  s += "<title>" + xml_escape(title) + "</title>";
  return s;
}

std::string text(double x, double y, std::string_view t, std::string_view attrs = {}) {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + (attrs.empty() ? "" : " ") + std::string(attrs) + ">" +
         xml_escape(t) + "</text>";
}

}  // namespace

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string svg_bar_chart(std::string_view id, std::string_view title, const std::vector<Bar>& bars, double average,
                          std::string_view average_label) {
  double label_w = 60;
  for (const Bar& b : bars) label_w = std::max(label_w, text_width(b.label));
  label_w = std::min(label_w, 300.0) + 8;  // 25 full-width characters before a name is cut
  const double width = 700, top = 28, row = 15, bar_h = 10, right = 48;
  const double x0 = label_w, plot_w = width - x0 - right;
  const double height = top + row * double(bars.size()) + 26;
  const std::string pat = std::string(id) + "-below";
  std::string s = open_svg(title, width, height);
  s +=
      "<defs><pattern id=\"" + pat +
      "\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
      "<rect width=\"5\" height=\"5\" fill=\"#fff\"/><rect width=\"2.2\" height=\"5\" fill=\"#444\"/></pattern></defs>";
  // Grid every 20 points, labelled below.
  for (int g = 0; g <= 100; g += 20) {
    const double x = x0 + plot_w * g / 100.0;
    s += "<line x1=\"" + num(x) + "\" y1=\"" + num(top - 4) + "\" x2=\"" + num(x) + "\" y2=\"" +
         num(top + row * double(bars.size())) + "\" stroke=\"#ccc\" stroke-width=\"0.6\"/>";
    s += text(x, top + row * double(bars.size()) + 14, std::to_string(g) + "%",
              "text-anchor=\"middle\" fill=\"#444\" font-size=\"10\"");
  }
  const bool has_average = !std::isnan(average);
  const double avg_x = has_average ? x0 + plot_w * std::clamp(average, 0.0, 100.0) / 100.0 : -1e9;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = top + row * double(i);
    s += "<g class=\"bar\">";
    s += text(x0 - 6, y + bar_h - 1, clip(b.label, label_w - 8), "text-anchor=\"end\"");
    if (std::isnan(b.value)) {
      s += text(x0 + 4, y + bar_h - 1, "回答なし", "fill=\"#444\" font-size=\"11\"");
    } else {
      const double w = std::max(0.5, plot_w * std::clamp(b.value, 0.0, 100.0) / 100.0);
      const bool below = !std::isnan(average) && b.value < average;
      s += "<rect x=\"" + num(x0) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(bar_h) +
           "\" fill=\"" + (below ? "url(#" + pat + ")" : std::string("#555")) +
           "\" stroke=\"#222\" stroke-width=\"0.6\"/>";
      // The value right of the bar; where the average line would cross it, right of the line.
      const std::string value = num(b.value);
      double vx = x0 + w + 4;
      if (vx - 3 <= avg_x && avg_x <= vx + text_width(value, 11) + 3) vx = avg_x + 5;
      s += text(vx, y + bar_h - 1, value, "font-size=\"11\"");
    }
    s += "</g>";
  }
  if (has_average) {
    const double x = avg_x;
    s += "<line x1=\"" + num(x) + "\" y1=\"" + num(top - 20) + "\" x2=\"" + num(x) + "\" y2=\"" +
         num(top + row * double(bars.size())) + "\" stroke=\"#000\" stroke-width=\"1.6\" stroke-dasharray=\"5 3\"/>";
    // The label beside the top of the line (right of it, or left where the right has no room).
    const std::string label = std::string(average_label) + " " + num(average) + "%";
    const double tw = text_width(label, 11);
    const bool right_side = x + 5 + tw <= width - 2;
    s += text(
        right_side ? x + 5 : x - 5, top - 9, label,
        std::string("font-size=\"11\" font-weight=\"bold\" text-anchor=\"") + (right_side ? "start" : "end") + "\"");
  }
  s += "</svg>";
  return s;
}

namespace {

// `s` in lines of at most `max_px` (greedy, by character; a line never starts with a space).
std::vector<std::string> wrap(std::string_view s, double max_px, double size) {
  std::vector<std::string> lines(1);
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    const std::string_view ch = s.substr(i, n);
    i += n;
    if (!lines.back().empty() && text_width(lines.back() + std::string(ch), size) > max_px) lines.emplace_back();
    if (!(lines.back().empty() && ch == " ")) lines.back() += ch;
  }
  return lines;
}

struct Box {
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  void add(double ax, double ay, double bx, double by) {
    x0 = std::min(x0, ax), y0 = std::min(y0, ay), x1 = std::max(x1, bx), y1 = std::max(y1, by);
  }
};

// A radar's axis label, wrapped, placed outside the point (x, y) on the side the angle `a`
// points to; widens `box` to hold it.
std::string radar_label(double x, double y, double a, std::string_view label, Box& box) {
  constexpr double size = 11, lead = 13;
  const std::vector<std::string> lines = wrap(label, 150, size);
  double w = 0;
  for (const std::string& l : lines) w = std::max(w, text_width(l, size));
  const double h = lead * double(lines.size());
  const double c = std::cos(a), sn = std::sin(a);
  const char* anchor = std::abs(c) < 0.2 ? "middle" : (c > 0 ? "start" : "end");
  // The block's top: above the point for the upper labels, below for the lower, centred beside.
  const double top = sn < -0.5 ? y - h : sn > 0.5 ? y + 2 : y - h / 2;
  const double left = std::abs(c) < 0.2 ? x - w / 2 : c > 0 ? x : x - w;
  box.add(left, top, left + w, top + h);
  std::string s = "<text font-size=\"11\" text-anchor=\"" + std::string(anchor) + "\">";
  for (std::size_t k = 0; k < lines.size(); ++k)
    s += "<tspan x=\"" + num(x) + "\" y=\"" + num(top + lead * double(k) + size - 1) + "\">" + xml_escape(lines[k]) +
         "</tspan>";
  return s + "</text>";
}

// The series of a radar (polygons, marks and the legend below the chart). A series without a
// single value draws nothing on the chart (a polygon at the centre would read as 0 %) and says
// so in the legend; a missing value is left out of its polygon rather than drawn at 0.
template <class Point>
std::string radar_series(const std::vector<Series>& series, std::size_t n, Point point, Box& box) {
  static constexpr const char* kStroke[] = {"#000", "#555", "#888"};
  static constexpr const char* kDash[] = {"", " stroke-dasharray=\"6 3\"", " stroke-dasharray=\"2 2\""};
  static constexpr const char* kFill[] = {"rgba(0,0,0,0.12)", "none", "none"};
  std::string s;
  const double legend_y = box.y1 + 22;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const std::size_t st = std::min<std::size_t>(k, 2);
    std::string pts;
    std::string marks;
    std::size_t drawn = 0;
    for (std::size_t i = 0; i < n && i < series[k].values.size(); ++i) {
      if (std::isnan(series[k].values[i])) continue;
      auto [x, y] = point(i, series[k].values[i]);
      ++drawn;
      pts += num(x) + "," + num(y) + " ";
      marks += st == 0 ? "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3\" fill=\"#000\"/>"
                       : "<rect x=\"" + num(x - 2.5) + "\" y=\"" + num(y - 2.5) +
                             "\" width=\"5\" height=\"5\" fill=\"#fff\" stroke=\"" + kStroke[st] + "\"/>";
    }
    if (drawn >= 3)
      s += "<polygon points=\"" + pts + "\" fill=\"" + kFill[st] + "\" stroke=\"" + kStroke[st] + "\" stroke-width=\"" +
           (st == 0 ? "2" : "1.5") + "\"" + kDash[st] + "/>";
    if (drawn > 0) s += marks;
    const double ly = legend_y + 18.0 * double(k);
    const std::string name = series[k].name + (drawn == 0 ? "（回答がないため表示なし）" : "");
    s += "<line x1=\"-90\" y1=\"" + num(ly - 4) + "\" x2=\"-60\" y2=\"" + num(ly - 4) + "\" stroke=\"" + kStroke[st] +
         "\" stroke-width=\"2\"" + kDash[st] + "/>";
    s += text(-52, ly, name);
    box.add(-90, ly - 12, -52 + text_width(name), ly + 4);
  }
  return s;
}

}  // namespace

std::string svg_radar(std::string_view id, std::string_view title, const std::vector<std::string>& axes,
                      const std::vector<Series>& series) {
  if (axes.size() < 3) {
    // A radar of one or two axes is a line: draw bars (each series' value per axis) instead.
    std::vector<Bar> bars;
    for (std::size_t i = 0; i < axes.size(); ++i)
      for (const Series& sr : series)
        bars.push_back(Bar{axes[i] + (series.size() > 1 ? "（" + sr.name + "）" : ""),
                           i < sr.values.size() ? sr.values[i] : std::nan("")});
    return svg_bar_chart(id, title, bars, std::nan(""), "");
  }
  // Drawn around (0, 0); the viewBox is the box of everything drawn, labels included.
  const double r = 130;
  const std::size_t n = axes.size();
  auto angle = [&](std::size_t i) { return -std::numbers::pi / 2 + 2 * std::numbers::pi * double(i) / double(n); };
  auto point = [&](std::size_t i, double v) {
    const double rr = r * std::clamp(v, 0.0, 100.0) / 100.0;
    return std::pair{rr * std::cos(angle(i)), rr * std::sin(angle(i))};
  };
  Box box;
  box.add(-r, -r, r, r);
  std::string s;
  for (int ring = 20; ring <= 100; ring += 20) {
    std::string pts;
    for (std::size_t i = 0; i < n; ++i) {
      auto [x, y] = point(i, ring);
      pts += num(x) + "," + num(y) + " ";
    }
    s += "<polygon points=\"" + pts + "\" fill=\"none\" stroke=\"" + (ring == 100 ? "#666" : "#ccc") +
         "\" stroke-width=\"0.7\"/>";
    s += text(3, -r * ring / 100.0 + 10, std::to_string(ring), "font-size=\"9\" fill=\"#666\"");
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto [x, y] = point(i, 100);
    s += "<line x1=\"0\" y1=\"0\" x2=\"" + num(x) + "\" y2=\"" + num(y) + "\" stroke=\"#bbb\" stroke-width=\"0.7\"/>";
    const double a = angle(i);
    s += radar_label((r + 10) * std::cos(a), (r + 10) * std::sin(a), a, axes[i], box);
  }
  s += radar_series(series, n, point, box);
  const double pad = 6, w = box.x1 - box.x0 + 2 * pad, h = box.y1 - box.y0 + 2 * pad;
  return open_svg(title, w, h, "radar") + "<g transform=\"translate(" + num(pad - box.x0) + " " + num(pad - box.y0) +
         ")\">" + s + "</g></svg>";
}

std::string svg_heatmap(std::string_view id, std::string_view title, const std::vector<std::string>& rows,
                        const std::vector<std::string>& columns, const std::vector<std::vector<double>>& values) {
  (void)id;
  double label_w = 60;
  for (const std::string& r : rows) label_w = std::max(label_w, text_width(r, 11));
  label_w = std::min(label_w, 300.0) + 8;
  const double cell_h = 16, top = 34;
  const double cell_w = std::clamp((700 - label_w) / std::max<double>(1, double(columns.size())), 34.0, 64.0);
  const double width = label_w + cell_w * double(columns.size()) + 4;
  const double height = top + cell_h * double(rows.size()) + 40;
  // Five bins, darker = lower; the printed number carries the value in any case.
  struct Bin {
    double from;
    const char* fill;
    const char* ink;
    const char* label;
  };
  static constexpr Bin kBins[] = {{90, "#f7f7f7", "#000", "90%以上"},
                                  {80, "#d9d9d9", "#000", "80～89%"},
                                  {70, "#a6a6a6", "#000", "70～79%"},
                                  {50, "#6e6e6e", "#fff", "50～69%"},
                                  {-1e9, "#303030", "#fff", "50%未満"}};
  auto bin = [&](double v) -> const Bin& {
    for (const Bin& b : kBins)
      if (v >= b.from) return b;
    return kBins[4];
  };
  std::string s = open_svg(title, width, height);
  for (std::size_t c = 0; c < columns.size(); ++c)
    s += text(label_w + cell_w * (double(c) + 0.5), top - 8, clip(columns[c], cell_w - 2, 11),
              "text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\"");
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const double y = top + cell_h * double(r);
    s += text(label_w - 6, y + cell_h - 4, clip(rows[r], label_w - 8, 11), "text-anchor=\"end\" font-size=\"11\"");
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const double v = r < values.size() && c < values[r].size() ? values[r][c] : std::nan("");
      const double x = label_w + cell_w * double(c);
      const bool none = std::isnan(v);
      const Bin& b = bin(none ? 100 : v);
      s += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(cell_w) + "\" height=\"" + num(cell_h) +
           "\" fill=\"" + (none ? "#fff" : b.fill) + "\" stroke=\"#fff\" stroke-width=\"1\"/>";
      s += text(x + cell_w / 2, y + cell_h - 4, none ? "—" : num(v),
                std::string("text-anchor=\"middle\" font-size=\"10\" fill=\"") + (none ? "#000" : b.ink) + "\"");
    }
  }
  // Legend.
  const double ly = top + cell_h * double(rows.size()) + 14;
  double lx = label_w;
  for (const Bin& b : kBins) {
    s += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" width=\"14\" height=\"12\" fill=\"" + b.fill +
         "\" stroke=\"#333\" stroke-width=\"0.5\"/>";
    s += text(lx + 18, ly + 10, b.label, "font-size=\"10\"");
    lx += 22 + text_width(b.label, 10) + 10;
  }
  s += "</svg>";
  return s;
}

std::string svg_trend(std::string_view id, std::string_view title, const std::vector<std::string>& x,
                      const std::vector<Series>& series) {
  (void)id;
  const double width = 560, height = 220 + 18.0 * double(series.size()), left = 64, right = 48, top = 24, plot_h = 160;
  double lo = 100;
  for (const Series& s : series)
    for (double v : s.values)
      if (!std::isnan(v)) lo = std::min(lo, v);
  lo = std::max(0.0, std::floor((lo - 5) / 10) * 10);
  const double hi = 100;
  const std::size_t n = std::max<std::size_t>(x.size(), 1);
  const double step = n > 1 ? (width - left - right) / double(n - 1) : 0;
  auto px = [&](std::size_t i) { return n > 1 ? left + step * double(i) : (left + width - right) / 2; };
  auto py = [&](double v) { return top + plot_h * (hi - v) / (hi - lo); };
  std::string s = open_svg(title, width, height);
  for (int k = 0; lo + 10.0 * k <= hi + 1e-9; ++k) {  // lo is a multiple of 10, so every g is exact
    const double g = lo + 10.0 * k;
    s += "<line x1=\"" + num(left) + "\" y1=\"" + num(py(g)) + "\" x2=\"" + num(width - right) + "\" y2=\"" +
         num(py(g)) + "\" stroke=\"#ddd\" stroke-width=\"0.7\"/>";
    s += text(left - 6, py(g) + 4, num(g, 0) + "%", "text-anchor=\"end\" font-size=\"10\" fill=\"#444\"");
  }
  for (std::size_t i = 0; i < x.size(); ++i)
    s += text(px(i), top + plot_h + 18, x[i], "text-anchor=\"middle\" font-size=\"11\"");
  static constexpr const char* kDash[] = {"", " stroke-dasharray=\"6 3\"", " stroke-dasharray=\"2 2\""};
  for (std::size_t k = 0; k < series.size(); ++k) {
    const std::size_t st = std::min<std::size_t>(k, 2);
    std::string pts, marks;
    for (std::size_t i = 0; i < series[k].values.size() && i < n; ++i) {
      const double v = series[k].values[i];
      if (std::isnan(v)) continue;
      pts += num(px(i)) + "," + num(py(v)) + " ";
      marks += "<circle cx=\"" + num(px(i)) + "\" cy=\"" + num(py(v)) + "\" r=\"3.5\" fill=\"" +
               (st == 0 ? "#000" : "#fff") + "\" stroke=\"#000\"/>";
      marks += text(px(i), py(v) - 8, num(v), "text-anchor=\"middle\" font-size=\"11\"");
    }
    s += "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.8\"" + kDash[st] + "/>" +
         marks;
    const double ly = top + plot_h + 40 + 18.0 * double(k);
    s += "<line x1=\"" + num(left) + "\" y1=\"" + num(ly - 4) + "\" x2=\"" + num(left + 30) + "\" y2=\"" + num(ly - 4) +
         "\" stroke=\"#000\" stroke-width=\"1.8\"" + kDash[st] + "/>";
    s += text(left + 38, ly, series[k].name);
  }
  s += "</svg>";
  return s;
}

}  // namespace libaudit::report_detail
