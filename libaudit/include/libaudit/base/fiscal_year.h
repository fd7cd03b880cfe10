// Dates, 年度, 和暦 and Japan time: the one home of calendar rules for every stage and for
// Python (libaudit._core binds these). The Japanese fiscal year (年度) runs April to March and is
// named by the calendar year it starts in (2024年度 = 令和6年度 = 2024-04-01 … 2025-03-31).
// "Japan time" is Asia/Tokyo: UTC+9, no daylight saving. Pure functions on plain values (the
// clock readers aside); thread-safe. Errors: ValidationError with a located Diagnostic.
#pragma once

#include <chrono>
#include <compare>
#include <optional>
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

// The dates an import accepts (a response's answered_at, and any date read from a file or
// from rows a caller passes): 平成 onwards, to the end of 2100. A date outside is a typing
// error (9999-12-31), refused naming the row. Inclusive.
inline constexpr Date kEarliestImportDate{1989, 1, 1};
inline constexpr Date kLatestImportDate{2100, 12, 31};

// Parses "YYYY-MM-DD" (also the date part of an ISO 8601 timestamp such as
// "2024-04-01T09:00:00Z"). Throws ValidationError on anything else or an impossible date.
Date parse_date(std::string_view text);

// Today's date in UTC.
Date today_utc();

// ---- Japan time -----------------------------------------------------------------------------

// Japan's offset from UTC, in minutes (UTC+9 all year).
inline constexpr int kJapanUtcOffsetMinutes = 9 * 60;

// The calendar date in Japan (UTC+9) at an instant.
Date japan_date(std::chrono::system_clock::time_point t) noexcept;
// The date in Japan of an ISO 8601 timestamp with a zone: "2025-03-31T15:00:00Z" and
// "2025-04-01T00:00:00+09:00" are both 2025-04-01 (YYYY-MM-DDTHH:MM[:SS[.f…]] then Z or ±HH:MM;
// a space may stand for the T). A plain date is returned as is. Throws ValidationError on
// anything else, including a time without a zone (it would be ambiguous).
Date japan_date_of(std::string_view iso);
// japan_date_of, or nullopt where it would throw.
std::optional<Date> try_japan_date_of(std::string_view iso) noexcept;
Date today_japan() noexcept;

// Days from a to b (b - a), e.g. days_between(2024-03-31, 2024-04-01) == 1.
int days_between(const Date& a, const Date& b) noexcept;
// The date `days` days after d (before, if negative).
Date add_days(const Date& d, int days) noexcept;

// The current UTC time as the trail and the tables store it, ISO 8601 with microseconds:
// "2024-04-01T09:00:00.000000Z" (always 27 characters; sorts as text in time order).
std::string now_utc_iso();
// The UTC instant, in now_utc_iso's form, at which a day in Japan ends (the next day begins):
// 2025-03-31 -> "2025-03-31T15:00:00.000000Z". "As of a day" means before this instant.
std::string japan_day_end_utc(const Date& day);

// The fiscal year a date falls in: 2025-03-31 -> 2024, 2025-04-01 -> 2025.
int fiscal_year_of(const Date& date) noexcept;

// First (April 1) and last (March 31 of the next year) day of a fiscal year.
Date fiscal_year_start(int fiscal_year) noexcept;
Date fiscal_year_end(int fiscal_year) noexcept;

// The 和暦 label of a fiscal year, as municipal documents print it: 2024 -> "令和6年度",
// 2019 -> "令和元年度" (the year 平成31年 ended in April), 2018 -> "平成30年度",
// 1989 -> "平成元年度". Years before 昭和2年度 (1927) are labelled "西暦N年度".
std::string fiscal_year_label(int fiscal_year);

// The 和暦 date, as reports print it: 2025-03-31 -> "令和7年3月31日", 2019-05-01 ->
// "令和元年5月1日" (元年 for the first year of an era); dates before 1926-12-25 are "西暦N年M月D日".
std::string wareki_date(const Date& date);

}  // namespace libaudit
