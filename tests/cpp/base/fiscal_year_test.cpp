// 年度 (April-March) and its 和暦 label.
#define BOOST_TEST_MODULE fiscal_year
#include <boost/test/unit_test.hpp>

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
