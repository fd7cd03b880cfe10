// The bulk import's fast paths keep what they are given: the multi-row INSERT in each of its
// forms (tail columns written as literals, shared or per row), the single-row remainder and the
// UPDATE; and the validation split over two threads (each half sorted on its own, then merged)
// orders, rejects and reports rows exactly as one pass would (import.cpp).
#define BOOST_TEST_MODULE import_forms
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "import_world.h"
#include "libaudit/store/store.h"

using namespace libaudit;

namespace {

// 16 items a 課: a group of 128 rows of the INSERT is then exactly 8 whole 課.
constexpr int kItems = 16;

std::string code(int k) { return testing::import_code(k); }
std::int64_t setup(Store& s, int n) { return testing::import_world(s, n, kItems); }

const char* const kAnswers[] = {"implemented", "partial", "not_implemented", "not_applicable", "unknown"};

using Stored = std::tuple<std::string, std::string, Answer, std::string, std::string, std::string, std::string>;

std::set<Stored> stored(const Store& s, std::int64_t cycle) {
  std::set<Stored> out;
  for (const Response& r : s.responses(cycle))
    out.emplace(r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at);
  return out;
}

// What `rows` should store, with the defaults (`actor`, and the time of the import, which is the
// answered_at of any stored row that was given none: `now`).
std::set<Stored> expected(const std::vector<ResponseRow>& rows, const std::string& actor, const std::string& now) {
  std::set<Stored> out;
  for (const ResponseRow& r : rows)
    out.emplace(r.department, r.item, *parse_answer(r.answer), r.comment, r.evidence,
                r.answered_by.empty() ? actor : r.answered_by, r.answered_at.empty() ? now : r.answered_at);
  return out;
}

// The answered_at the import gave the rows that had none (all share it).
std::string import_time(const Store& s, std::int64_t cycle, const std::string& department) {
  for (const Response& r : s.responses(cycle))
    if (r.department == department) return r.answered_at;
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_form_of_the_insert_stores_what_it_was_given) {
  // Groups of 8 課 (128 rows), each with its own tails, then a remainder of 5 rows.
  constexpr int kGroups = 7;
  std::vector<ResponseRow> rows;
  for (int d = 0; d < kGroups * 8; ++d) {
    const int g = d / 8;
    for (int i = 1; i <= kItems; ++i) {
      ResponseRow r{code(d), "8." + std::to_string(i), kAnswers[(d + i) % 5], "", "", "", ""};
      const int n = d * kItems + i;
      switch (g) {
        case 0:  // nothing in the tails: every tail column shared (comment and evidence as '')
          break;
        case 1:  // one comment: the comment per row, the rest shared
          if (d == 9 && i == 3) r.comment = "一件だけ";
          break;
        case 2:  // the same comment everywhere (not written as a literal: per row), one evidence
          r.comment = "同上 'quoted' \"と\"";
          if (n % 50 == 0) r.evidence = "規程.pdf";
          break;
        case 3:  // the same given answered_by and answered_at in every row: shared, bound once
          r.answered_by = "課長 O'Brien";
          r.answered_at = "2024-06-01T09:00:00+09:00";
          break;
        case 4:  // answered_at varies, answered_by given in half the rows
          r.answered_at = "2024-06-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
          if (d % 2) r.answered_by = "係長";
          break;
        case 5:  // everything varies
          r.comment = "所見" + std::to_string(n);
          r.evidence = "証跡" + std::to_string(n % 3);
          r.answered_by = "担当" + std::to_string(n % 7);
          r.answered_at = "2024-07-" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "T10:00:00Z";
          break;
        default:  // evidence everywhere, no comment
          r.evidence = "台帳.xlsx";
      }
      rows.push_back(r);
    }
  }
  for (int i = 1; i <= 5; ++i)  // the remainder, row by row
    rows.push_back({code(kGroups * 8), "8." + std::to_string(i), "partial", i == 2 ? "残り" : "", "", "", ""});
  // Given in reverse: the import sorts them.
  std::reverse(rows.begin(), rows.end());

  Store s = Store::open(":memory:");
  const auto cycle = setup(s, kGroups * 8 + 1);
  BOOST_TEST(s.import_responses("監査A", cycle, rows).inserted == rows.size());
  const std::string now = import_time(s, cycle, code(0));
  BOOST_TEST(!now.empty());
  BOOST_TEST((stored(s, cycle) == expected(rows, "監査A", now)));

  // Change some: answers in one group, a comment cleared, a comment added: updates, row by row.
  std::vector<ResponseRow> changed = rows;
  for (ResponseRow& r : changed) {
    if (r.department == code(3)) r.answer = "unknown";
    if (r.department == code(20)) r.comment.clear();
    if (r.department == code(1) && r.item == "8.1") r.comment = "追記";
  }
  const ImportResult again = s.import_responses("監査B", cycle, changed);
  BOOST_TEST(again.inserted == 0u);
  BOOST_TEST(again.updated > 0u);
  BOOST_TEST(again.updated + again.unchanged == changed.size());
  const std::set<Stored> got = stored(s, cycle);
  BOOST_TEST(got.size() == rows.size());
  for (const ResponseRow& r : changed) {
    const auto it = std::find_if(got.begin(), got.end(), [&](const Stored& g) {
      return std::get<0>(g) == r.department && std::get<1>(g) == r.item;
    });
    BOOST_REQUIRE(it != got.end());
    BOOST_TEST((std::get<2>(*it) == *parse_answer(r.answer)));
    BOOST_TEST(std::get<3>(*it) == r.comment);
    BOOST_TEST(std::get<4>(*it) == r.evidence);
  }
  BOOST_TEST(s.verify().ok());
}

BOOST_AUTO_TEST_CASE(two_threads_order_and_reject_as_one_pass_would) {
  // 4,500 課 × 16 items = 72,000 rows: enough for the validation to split over two threads.
  constexpr int kDepts = 4500;
  std::vector<ResponseRow> rows;
  for (int d = 0; d < kDepts; ++d)
    for (int i = 1; i <= kItems; ++i) rows.push_back({code(d), "8." + std::to_string(i), kAnswers[(d * i) % 5]});
  std::mt19937 shuffle(20241);  // rows in no order at all: each half is sorted whole, then merged
  std::shuffle(rows.begin(), rows.end(), shuffle);

  Store s = Store::open(":memory:");
  const auto cycle = setup(s, kDepts);

  // A bad row in the first half, and the row that sorts last (the last 課's "8.9"), placed in
  // the second half, answered again in the first: both reported, by line, and nothing stored.
  std::vector<ResponseRow> bad = rows;
  const auto last = std::find_if(
      bad.begin(), bad.end(), [](const ResponseRow& r) { return r.department == code(kDepts - 1) && r.item == "8.9"; });
  std::iter_swap(last, bad.begin() + 70000);
  bad[100].answer = "たぶん";
  bad[5] = bad[70000];
  bad[5].answer = "partial";
  try {
    s.import_responses("t", cycle, bad);
    BOOST_FAIL("no error");
  } catch (const ImportValidationError& e) {
    BOOST_REQUIRE(e.diagnostics().size() == 2u);
    BOOST_TEST(e.diagnostics()[0].line == 101);
    BOOST_TEST(e.diagnostics()[0].message.find("invalid answer 'たぶん'") != std::string::npos);
    BOOST_TEST(e.diagnostics()[1].line == 70001);
    BOOST_TEST(e.diagnostics()[1].message.find("answered twice (also on line 6)") != std::string::npos);
  }
  BOOST_TEST(s.response_count(cycle) == 0u);

  BOOST_TEST(s.import_responses("t", cycle, rows).inserted == rows.size());
  const std::vector<Response> back = s.responses(cycle);
  BOOST_REQUIRE(back.size() == rows.size());
  const std::string now = back.front().answered_at;
  BOOST_TEST((stored(s, cycle) == expected(rows, "t", now)));
  BOOST_TEST(s.verify().ok());
}
