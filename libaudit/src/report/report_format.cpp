// Figures and CSV tables of every report (report_format.h).
#include "report/report_format.h"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "libaudit/base/csv.h"

namespace libaudit::report_detail {

using json = nlohmann::ordered_json;

std::string decimal1(double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return std::string_view(buf) == "-0.0" ? "0.0" : buf;
}

std::string pct(double x) { return std::isnan(x) ? "—" : decimal1(x) + "%"; }

std::string csv_cell(const json& v) {
  std::string s;
  if (v.is_string()) {
    s = csv::neutralise_formula(v.get<std::string>());
  } else if (v.is_null()) {
    return "";
  } else if (v.is_boolean()) {
    return v.get<bool>() ? "1" : "0";
  } else if (v.is_number_float()) {
    s = decimal1(v.get<double>());  // as the `*_text` twin prints it
  } else {
    s = v.dump();
  }
  return csv::quote(s);
}

std::string csv_table(const std::vector<std::string>& headers, const std::vector<std::vector<json>>& rows) {
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (i) out += ',';
    out += csv_cell(headers[i]);
  }
  out += "\r\n";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) out += ',';
      out += csv_cell(r[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string css_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\22 "; break;
      case '\\': out += "\\5C "; break;
      case '<': out += "\\3C "; break;
      case '>': out += "\\3E "; break;
      case '&': out += "\\26 "; break;
      default: out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
  }
  return out + "\"";
}

}  // namespace libaudit::report_detail
