#include "libaudit/base/fiscal_year.h"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "libaudit/base/error.h"

namespace libaudit {

namespace {

bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) noexcept {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

[[noreturn]] void bad_date(std::string_view text) {
  throw ValidationError({Diagnostic{"<date>", 1, 1, "not a date (YYYY-MM-DD): '" + std::string(text) + "'"}});
}

int parse_int(std::string_view s, std::string_view whole) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) bad_date(whole);
  return v;
}

}  // namespace

std::string Date::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Date parse_date(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || (text.size() > 10 && text[10] != 'T' && text[10] != ' '))
    bad_date(text);
  Date d{parse_int(text.substr(0, 4), text), parse_int(text.substr(5, 2), text), parse_int(text.substr(8, 2), text)};
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) bad_date(text);
  return d;
}

Date today_utc() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{now};
  return Date{int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day()))};
}

int fiscal_year_of(const Date& date) noexcept { return date.month >= 4 ? date.year : date.year - 1; }

Date fiscal_year_start(int fiscal_year) noexcept { return Date{fiscal_year, 4, 1}; }

Date fiscal_year_end(int fiscal_year) noexcept { return Date{fiscal_year + 1, 3, 31}; }

std::string fiscal_year_label(int fy) {
  // A fiscal year takes the era in force on its first day, except 2019: 平成 ended on
  // 2019-04-30, and 2019年度 is by convention 令和元年度 (as 1989年度 is 平成元年度).
  // 昭和 began on 1926-12-25, so 1926年度 (from April) is still 大正; 昭和2年度 is the first.
  struct Era {
    int first_fiscal_year;
    int offset;
    const char* name;
  };
  static constexpr Era kEras[] = {{2019, 2018, "令和"}, {1989, 1988, "平成"}, {1927, 1925, "昭和"}};
  for (const Era& e : kEras) {
    if (fy >= e.first_fiscal_year) {
      const int n = fy - e.offset;
      return std::string(e.name) + (n == 1 ? std::string("元") : std::to_string(n)) + "年度";
    }
  }
  return "西暦" + std::to_string(fy) + "年度";
}

}  // namespace libaudit
