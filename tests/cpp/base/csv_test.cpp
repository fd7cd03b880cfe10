// The CSV reader: RFC 4180 quoting, line ends, encodings (UTF-8 with/without BOM, CP932) and
// the line numbers of every problem.
#define BOOST_TEST_MODULE csv
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "libaudit/base/csv.h"

namespace csv = libaudit::csv;
using libaudit::ValidationError;

namespace {
std::vector<int> lines_of(const ValidationError& e) {
  std::vector<int> out;
  for (const auto& d : e.diagnostics()) out.push_back(d.line);
  return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(plain_and_quoted_fields) {
  const auto t = csv::parse("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",,z\n", "t.csv");
  BOOST_TEST(t.header == (std::vector<std::string>{"a", "b", "c"}));
  BOOST_REQUIRE_EQUAL(t.records.size(), 2u);
  BOOST_TEST(t.records[0].fields == (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  BOOST_TEST(t.records[0].line == 2);
  BOOST_TEST(t.records[1].fields == (std::vector<std::string>{"multi\nline", "", "z"}));
  BOOST_TEST(t.records[1].line == 3);
}

BOOST_AUTO_TEST_CASE(crlf_blank_lines_and_no_final_newline) {
  const auto t = csv::parse("a,b\r\n1,2\r\n\r\n\"3\r\n4\",5", "t.csv");
  BOOST_REQUIRE_EQUAL(t.records.size(), 2u);
  BOOST_TEST(t.records[1].fields[0] == "3\n4");
  BOOST_TEST(t.records[1].line == 4);
}

BOOST_AUTO_TEST_CASE(every_problem_with_its_line) {
  try {
    csv::parse("a,b\n1,2,3\n\"x\"y,2\n4,5\n6\n", "bad.csv");
    BOOST_FAIL("no error");
  } catch (const ValidationError& e) {
    BOOST_TEST(lines_of(e) == (std::vector<int>{2, 3, 5}));
    BOOST_TEST(e.diagnostics()[0].file == "bad.csv");
  }
  try {
    csv::parse("a,b\n1,\"open\n2,3\n", "open.csv");
    BOOST_FAIL("no error");
  } catch (const ValidationError& e) {
    BOOST_TEST(lines_of(e) == (std::vector<int>{2}));
    BOOST_TEST(e.diagnostics()[0].message.find("unterminated") != std::string::npos);
  }
  BOOST_CHECK_THROW(csv::parse("", "empty.csv"), ValidationError);
}

BOOST_AUTO_TEST_CASE(a_million_bad_lines_cost_a_bounded_list) {
  std::string text = "a,b\n";
  for (int k = 0; k < 1000000; ++k) text += "x\n";
  try {
    csv::parse(text, "junk.csv");
    BOOST_FAIL("no error");
  } catch (const ValidationError& e) {
    BOOST_REQUIRE_EQUAL(e.diagnostics().size(), csv::kMaxDiagnostics + 1);
    BOOST_TEST(e.diagnostics().back().line == int(csv::kMaxDiagnostics) + 2);
    BOOST_TEST(e.diagnostics().back().message.find("stopped after 100 problems") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(formula_prefixes_are_neutralised_and_restored) {
  for (const std::string f : {"=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"}) {
    BOOST_TEST(csv::neutralise_formula(f) == "'" + f);
    BOOST_TEST(csv::restore_formula(csv::neutralise_formula(f)) == f);
  }
  for (const std::string t : {"", "text", "'quoted", "1-2", " =x"}) {
    BOOST_TEST(csv::neutralise_formula(t) == t);
    BOOST_TEST(csv::restore_formula(t) == t);
  }
}

// CP932 text that is valid UTF-8 by chance reads as Hangul syllables in UTF-8: 﨑① is ED 95 87 40
// in CP932 and "핇@" in UTF-8. Detection reads it as CP932; Hangul that is not CP932 stays UTF-8.
BOOST_AUTO_TEST_CASE(detect_reads_cp932_that_is_valid_utf8_as_cp932) {
  csv::Encoding used{};
  BOOST_TEST(csv::decode("D0,\xED\x95\x87\x40\r\n", csv::Encoding::detect, "s", &used) == "D0,﨑①\r\n");
  BOOST_TEST(csv::encoding_name(used) == "cp932");
  BOOST_TEST(csv::decode("한국어", csv::Encoding::detect, "u", &used) == "한국어");  // ED 95 9C … is not CP932
  BOOST_TEST(csv::encoding_name(used) == "utf-8");
  BOOST_TEST(csv::decode("\xEF\xBB\xBF\xED\x95\x87", csv::Encoding::detect, "b", &used) == "핇");  // a BOM decides
  BOOST_TEST(csv::encoding_name(used) == "utf-8");
}

BOOST_AUTO_TEST_CASE(decode_detects_bom_utf8_and_cp932) {
  csv::Encoding used{};
  BOOST_TEST(csv::decode("\xEF\xBB\xBF"
                         "課,x",
                         csv::Encoding::detect, "b", &used) == "課,x");
  BOOST_TEST(csv::encoding_name(used) == "utf-8");
  BOOST_TEST(csv::decode("総務課", csv::Encoding::detect, "u", &used) == "総務課");
  BOOST_TEST(csv::encoding_name(used) == "utf-8");
  // 総務課 and ①, ～ (CP932 extensions) in CP932.
  const std::string sjis = "\x91\x8D\x96\xB1\x89\xDB\x87\x40\x81\x60";
  BOOST_TEST(csv::decode(sjis, csv::Encoding::detect, "s", &used) == "総務課①～");
  BOOST_TEST(csv::encoding_name(used) == "cp932");
  BOOST_CHECK_THROW(csv::decode(sjis, csv::Encoding::utf8, "s"), ValidationError);
}

BOOST_AUTO_TEST_CASE(undecodable_bytes_name_their_line) {
  try {
    csv::decode("a\nb\n\x81\xFF\n", csv::Encoding::cp932, "x.csv");
    BOOST_FAIL("no error");
  } catch (const ValidationError& e) {
    BOOST_TEST(lines_of(e) == (std::vector<int>{3}));
  }
}

BOOST_AUTO_TEST_CASE(read_file_and_columns) {
  const auto path =
      std::filesystem::temp_directory_path() / ("libaudit_csv_test." + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream out(path, std::ios::binary);
    out << "\x63\x6F\x64\x65, Name ,parent_code\r\n\x31\x30\x31,\x91\x8D\x96\xB1\x89\xDB,\r\n";
  }
  const auto t = csv::read(path);
  std::filesystem::remove(path);
  BOOST_TEST(csv::encoding_name(t.encoding) == "cp932");
  BOOST_TEST(csv::column(t.header, "name") == 1);
  BOOST_TEST(csv::column(t.header, "missing") == -1);
  BOOST_TEST(t.records[0].fields[1] == "総務課");
  BOOST_CHECK_THROW(csv::read("/nonexistent/file.csv"), libaudit::IoError);
}

BOOST_AUTO_TEST_CASE(encoding_names_and_quote) {
  BOOST_TEST(csv::encoding_name(csv::parse_encoding("Shift_JIS")) == "cp932");
  BOOST_TEST(csv::encoding_name(csv::parse_encoding("UTF8")) == "utf-8");
  BOOST_CHECK_THROW(csv::parse_encoding("latin1"), ValidationError);
  BOOST_TEST(csv::quote("plain") == "plain");
  BOOST_TEST(csv::quote("a,\"b\"\n") == "\"a,\"\"b\"\"\n\"");
}
