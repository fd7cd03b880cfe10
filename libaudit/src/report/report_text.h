// Text helpers shared by the reports of this stage (defined in report.cpp): the one CSV writer
// (RFC 4180, formula neutralising, UTF-8 BOM), CSS strings for running heads, dates as printed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libaudit/base/fiscal_year.h"

namespace libaudit::report_detail {

// A CSV document: a UTF-8 BOM, the header row, the rows, CRLF line ends; every cell quoted as
// RFC 4180 asks and text a spreadsheet would take for a formula neutralised (csv.h).
std::string csv_text(const std::vector<std::string>& headers,
                     const std::vector<std::vector<nlohmann::ordered_json>>& rows);
// `s` as a quoted CSS string, safe inside a <style> element.
std::string css_quoted(std::string_view s);
// 令和7年3月31日（2025-03-31）
std::string date_label(const Date& d);

}  // namespace libaudit::report_detail
