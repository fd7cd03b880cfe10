#include "libaudit/base/fiscal_year.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include "libaudit/base/error.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"

namespace libaudit {

namespace {

bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) noexcept {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

[[noreturn]] void bad_date(std::string_view text) {
  throw ValidationError(
      {Diagnostic{"<date>", 1, 1, message("not a date (YYYY-MM-DD): '{text}'", fmt::arg("text", text))}});
}

int parse_int(std::string_view s, std::string_view whole) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) bad_date(whole);
  return v;
}

// Howard Hinnant's days_from_civil / civil_from_days: days since 1970-01-01 of a proleptic
// Gregorian date, and back.
std::int64_t days_from_civil(int y, int m, int d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * unsigned(m + (m > 2 ? -3 : 9)) + 2) / 5 + unsigned(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + std::int64_t(doe) - 719468;
}

Date civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = std::int64_t(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{int(y + (m <= 2)), int(m), int(d)};
}

std::int64_t ordinal(const Date& d) noexcept { return days_from_civil(d.year, d.month, d.day); }

// floor(a / b) for b > 0.
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept { return a / b - (a % b < 0); }

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

Date japan_date(std::chrono::system_clock::time_point t) noexcept {
  using namespace std::chrono;
  const std::int64_t secs = duration_cast<seconds>(t.time_since_epoch()).count() + kJapanUtcOffsetMinutes * 60;
  return civil_from_days(floor_div(secs, 86400));
}

Date japan_date_of(std::string_view iso) {
  const std::string s(text::trim(iso));
  const Date d = parse_date(s);
  if (s.size() <= 10) return d;
  // YYYY-MM-DDTHH:MM[:SS[.ffffff]](Z|+HH:MM|-HH:MM)
  auto bad = [&] {
    return ValidationError(
        {Diagnostic{"<time>", 1, 1,
                    message("'{text}' is not an ISO 8601 UTC time (e.g. 2025-03-31T15:00:00Z)", fmt::arg("text", s))}});
  };
  if (s.size() < 16 || (s[10] != 'T' && s[10] != ' ')) throw bad();
  auto num = [&](std::size_t at) {
    if (at + 2 > s.size() || !std::isdigit((unsigned char)s[at]) || !std::isdigit((unsigned char)s[at + 1]))
      throw bad();
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
  };
  const int hh = num(11), mm = num(14);
  int offset_min = 0;
  const std::size_t z = s.find_first_of("Z+-", 16);
  if (z == std::string::npos) throw bad();  // a time without a zone is ambiguous
  if (s[z] != 'Z') {
    offset_min = num(z + 1) * 60 + num(z + 4);
    if (s[z] == '-') offset_min = -offset_min;
  }
  const std::int64_t minutes = ordinal(d) * 1440 + hh * 60 + mm - offset_min + kJapanUtcOffsetMinutes;
  return civil_from_days(floor_div(minutes, 1440));
}

std::optional<Date> try_japan_date_of(std::string_view iso) noexcept {
  try {
    return japan_date_of(iso);
  } catch (...) {
    return std::nullopt;
  }
}

Date today_japan() noexcept { return japan_date(std::chrono::system_clock::now()); }

int days_between(const Date& a, const Date& b) noexcept { return int(ordinal(b) - ordinal(a)); }

Date add_days(const Date& d, int days) noexcept { return civil_from_days(ordinal(d) + days); }

std::string now_utc_iso() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto secs = time_point_cast<seconds>(now);
  const auto us = duration_cast<microseconds>(now - secs).count();
  const std::time_t t = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us));
  return buf;
}

std::string japan_day_end_utc(const Date& day) {
  // Midnight in Japan at the start of the next day is 15:00 UTC of this one (UTC+9, no DST).
  static_assert(kJapanUtcOffsetMinutes == 9 * 60);
  return day.to_string() + "T15:00:00.000000Z";
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

std::string wareki_date(const Date& d) {
  struct Era {
    Date first;
    const char* name;
  };
  static const Era kEras[] = {{{2019, 5, 1}, "令和"}, {{1989, 1, 8}, "平成"}, {{1926, 12, 25}, "昭和"}};
  for (const Era& e : kEras) {
    if (d >= e.first) {
      const int y = d.year - e.first.year + 1;
      return std::string(e.name) + (y == 1 ? std::string("元") : std::to_string(y)) + "年" + std::to_string(d.month) +
             "月" + std::to_string(d.day) + "日";
    }
  }
  return "西暦" + std::to_string(d.year) + "年" + std::to_string(d.month) + "月" + std::to_string(d.day) + "日";
}

}  // namespace libaudit
