// 年度 (April-March), 和暦 labels and dates, Japan time and day arithmetic.
#define BOOST_TEST_MODULE fiscal_year
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "libaudit/base/error.h"
#include "libaudit/base/fiscal_year.h"

using namespace libaudit;

BOOST_AUTO_TEST_CASE(fiscal_year_of_dates) {
  BOOST_TEST(fiscal_year_of(parse_date("2024-04-01")) == 2024);
  BOOST_TEST(fiscal_year_of(parse_date("2025-03-31")) == 2024);
  BOOST_TEST(fiscal_year_of(parse_date("2025-01-15T09:00:00+09:00")) == 2024);
  BOOST_TEST(fiscal_year_of(parse_date("2024-12-31")) == 2024);
}

BOOST_AUTO_TEST_CASE(range) {
  BOOST_TEST(fiscal_year_start(2024).to_string() == "2024-04-01");
  BOOST_TEST(fiscal_year_end(2024).to_string() == "2025-03-31");
}

BOOST_AUTO_TEST_CASE(wareki_labels) {
  BOOST_TEST(fiscal_year_label(2024) == "令和6年度");
  BOOST_TEST(fiscal_year_label(2019) == "令和元年度");
  BOOST_TEST(fiscal_year_label(2018) == "平成30年度");
  BOOST_TEST(fiscal_year_label(1989) == "平成元年度");
  BOOST_TEST(fiscal_year_label(1988) == "昭和63年度");
  BOOST_TEST(fiscal_year_label(1900) == "西暦1900年度");
}

BOOST_AUTO_TEST_CASE(bad_dates) {
  BOOST_CHECK_THROW(parse_date("2024-02-30"), ValidationError);
  BOOST_CHECK_THROW(parse_date("2023-02-29"), ValidationError);
  BOOST_CHECK_NO_THROW(parse_date("2024-02-29"));
  BOOST_CHECK_THROW(parse_date("24-4-1"), ValidationError);
  BOOST_CHECK_THROW(parse_date("2024/04/01"), ValidationError);
  BOOST_CHECK_THROW(parse_date("2024-04-01x"), ValidationError);
}

// ---- Japan time (moved here from followup and report) ----------------------------------------

BOOST_AUTO_TEST_CASE(japan_date_of_reads_z_and_offsets) {
  BOOST_TEST(japan_date_of("2025-03-31T14:59:59Z").to_string() == "2025-03-31");  // 23:59:59 JST
  BOOST_TEST(japan_date_of("2025-03-31T15:00:00Z").to_string() == "2025-04-01");  // 00:00 JST
  BOOST_TEST(japan_date_of("2025-03-31T23:59:00+09:00").to_string() == "2025-03-31");
  BOOST_TEST(japan_date_of("2025-04-01T00:00:00+09:00").to_string() == "2025-04-01");
  BOOST_TEST(japan_date_of("2025-03-31T10:30:00-05:00").to_string() == "2025-04-01");  // 15:30Z
  BOOST_TEST(japan_date_of("2025-03-31T20:00:00+05:30").to_string() == "2025-03-31");  // 14:30Z
  BOOST_TEST(japan_date_of("2024-12-31T15:00:00.000001Z").to_string() == "2025-01-01");
  BOOST_TEST(japan_date_of("2024-02-28 15:00Z").to_string() == "2024-02-29");
  BOOST_TEST(japan_date_of(" 2024-04-01 ").to_string() == "2024-04-01");  // a plain date as is
  BOOST_TEST(japan_date_of("2024-01-01T00:00:00+09:00").to_string() == "2024-01-01");
  BOOST_TEST(japan_date_of("2023-12-31T15:00:00Z").to_string() == "2024-01-01");
}

BOOST_AUTO_TEST_CASE(japan_date_of_refuses_what_it_cannot_place) {
  BOOST_CHECK_THROW(japan_date_of("2025-03-31T15:00:00"), ValidationError);  // no zone
  BOOST_CHECK_THROW(japan_date_of("2025-03-31T1"), ValidationError);
  BOOST_CHECK_THROW(japan_date_of("2025-03-31Tab:cd:00Z"), ValidationError);
  BOOST_CHECK_THROW(japan_date_of("2025-03-31T15:00:00+9"), ValidationError);
  BOOST_CHECK_THROW(japan_date_of("2025-02-30T00:00:00Z"), ValidationError);
  BOOST_CHECK_THROW(japan_date_of(""), ValidationError);
  BOOST_TEST(!try_japan_date_of("2025-03-31T15:00:00"));
  BOOST_TEST(!try_japan_date_of("yesterday"));
  BOOST_TEST(try_japan_date_of("2025-03-31T15:00:00Z").value().to_string() == "2025-04-01");
  BOOST_TEST(try_japan_date_of("2025-04-01T08:59:00+09:00").value().to_string() == "2025-04-01");
}

BOOST_AUTO_TEST_CASE(japan_date_of_instants) {
  using namespace std::chrono;
  const sys_days d = year{2024} / February / 28;
  BOOST_TEST(japan_date(system_clock::time_point(d + 14h + 59min)).to_string() == "2024-02-28");
  BOOST_TEST(japan_date(system_clock::time_point(d + 15h)).to_string() == "2024-02-29");
  const sys_days before_epoch = year{1969} / December / 31;
  BOOST_TEST(japan_date(system_clock::time_point(before_epoch + 14h)).to_string() == "1969-12-31");
  BOOST_TEST(japan_date(system_clock::time_point(before_epoch + 15h)).to_string() == "1970-01-01");
  const Date today = today_japan();
  const Date utc = today_utc();
  BOOST_TEST((days_between(utc, today) == 0 || days_between(utc, today) == 1));
}

BOOST_AUTO_TEST_CASE(day_arithmetic) {
  BOOST_TEST(days_between(Date{2024, 2, 28}, Date{2024, 3, 1}) == 2);
  BOOST_TEST(days_between(Date{2023, 2, 28}, Date{2023, 3, 1}) == 1);
  BOOST_TEST(days_between(Date{2024, 3, 31}, Date{2024, 4, 1}) == 1);
  BOOST_TEST(days_between(Date{2025, 4, 1}, Date{2024, 4, 1}) == -365);
  BOOST_TEST(days_between(Date{1970, 1, 1}, Date{2000, 1, 1}) == 10957);
  BOOST_TEST(add_days(Date{2024, 2, 28}, 1).to_string() == "2024-02-29");
  BOOST_TEST(add_days(Date{2024, 12, 31}, 1).to_string() == "2025-01-01");
  BOOST_TEST(add_days(Date{2025, 3, 1}, -1).to_string() == "2025-02-28");
  BOOST_TEST(add_days(Date{2024, 4, 1}, 365).to_string() == "2025-04-01");
  for (int n : {-1000, -1, 0, 1, 59, 366, 10000})
    BOOST_TEST(days_between(Date{2024, 2, 29}, add_days(Date{2024, 2, 29}, n)) == n);
}

BOOST_AUTO_TEST_CASE(now_utc_iso_format) {
  const std::string s = now_utc_iso();
  BOOST_TEST_REQUIRE(s.size() == 27u);  // 2024-04-01T09:00:00.000000Z
  BOOST_TEST(s[4] == '-');
  BOOST_TEST(s[10] == 'T');
  BOOST_TEST(s[13] == ':');
  BOOST_TEST(s[19] == '.');
  BOOST_TEST(s.back() == 'Z');
  BOOST_TEST((parse_date(s) == today_utc()));
  BOOST_TEST((japan_date_of(s) == today_japan()));
  BOOST_TEST(now_utc_iso() >= s);  // sorts in time order
}

BOOST_AUTO_TEST_CASE(wareki_dates) {
  BOOST_TEST(wareki_date(Date{2025, 3, 31}) == "令和7年3月31日");
  BOOST_TEST(wareki_date(Date{2019, 5, 1}) == "令和元年5月1日");
  BOOST_TEST(wareki_date(Date{2019, 4, 30}) == "平成31年4月30日");
  BOOST_TEST(wareki_date(Date{1989, 1, 8}) == "平成元年1月8日");
  BOOST_TEST(wareki_date(Date{1989, 1, 7}) == "昭和64年1月7日");
  BOOST_TEST(wareki_date(Date{1926, 12, 24}) == "西暦1926年12月24日");
}
