// The Japanese fiscal year (年度): April to March, named by the calendar year it starts in
// (2024年度 = 令和6年度 = 2024-04-01 … 2025-03-31). Pure functions on plain dates; thread-safe.
#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace libaudit {

// A calendar date (proleptic Gregorian).
struct Date {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the synthesized comparison with 0.
  auto operator<=>(const Date&) const = default;
  std::string to_string() const;  // ISO 8601, "2024-04-01"
};

// Parses "YYYY-MM-DD" (also the date part of an ISO 8601 timestamp such as
// "2024-04-01T09:00:00Z"). Throws ValidationError on anything else or an impossible date.
Date parse_date(std::string_view text);

// Today's date in UTC.
Date today_utc();

// The fiscal year a date falls in: 2025-03-31 -> 2024, 2025-04-01 -> 2025.
int fiscal_year_of(const Date& date) noexcept;

// First (April 1) and last (March 31 of the next year) day of a fiscal year.
Date fiscal_year_start(int fiscal_year) noexcept;
Date fiscal_year_end(int fiscal_year) noexcept;

// The 和暦 label of a fiscal year, as municipal documents print it: 2024 -> "令和6年度",
// 2019 -> "令和元年度" (the year 平成31年 ended in April), 2018 -> "平成30年度",
// 1989 -> "平成元年度". Years before 昭和2年度 (1927) are labelled "西暦N年度".
std::string fiscal_year_label(int fiscal_year);

}  // namespace libaudit
