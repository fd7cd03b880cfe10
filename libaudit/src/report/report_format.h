// How every report writes a figure and a CSV table (shared by the cycle reports, report.cpp, and
// the benchmark report, report_benchmark.cpp): one rounding, one CSV dialect.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace libaudit::report_detail {

// The one rounding of every figure a report prints, in every format (HTML, Markdown, CSV):
// one decimal as printf rounds it, and never "-0.0" (a change that rounds to nothing is 0.0).
// The `*_text` twins, the CSV cells and the arrows all come from it, so they cannot disagree.
std::string decimal1(double x);
// decimal1(x) + "%", or "—" for NaN (nothing scored).
std::string pct(double x);

// RFC 4180 quoting (csv::quote); text a spreadsheet would take for a formula neutralised (csv.h);
// a float as decimal1 prints it, null as an empty cell.
std::string csv_cell(const nlohmann::ordered_json& v);
// A CSV file: a UTF-8 BOM (Excel in Japan reads UTF-8 only with it), the header and the rows, CRLF.
std::string csv_table(const std::vector<std::string>& headers,
                      const std::vector<std::vector<nlohmann::ordered_json>>& rows);

// `s` as a quoted CSS string, safe inside a <style> element: quotes, backslashes and angle
// brackets are written as CSS escapes, control characters as spaces.
std::string css_string(std::string_view s);

}  // namespace libaudit::report_detail
