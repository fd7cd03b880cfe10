// A questionnaire reads a 課's stored answers when it is asked about that 課 (rows, plan), one
// 課 at a time, not the whole cycle's when it is made: so a questionnaire made before answers
// arrive sees them, and importing or exporting some 課 costs their answers only (a workbook
// folder imported body by body stays linear; docs/performance.md, "Import in pieces").
#define BOOST_TEST_MODULE questionnaire_reads
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "libaudit/exchange/questionnaire.h"
#include "libaudit/store/store.h"
#include "store/import_world.h"

using namespace libaudit;
using namespace libaudit::exchange;
using libaudit::testing::import_code;

namespace {

constexpr int kItems = 6;

std::vector<ResponseRow> answers(int department, const char* answer, const std::string& comment) {
  std::vector<ResponseRow> out;
  for (int i = 1; i <= kItems; ++i) out.push_back({import_code(department), "8." + std::to_string(i), answer, comment});
  return out;
}

// A returned file of `department` with every item answered `answer`.
Returned returned(int department, const std::string& answer) {
  Returned r;
  r.file = import_code(department) + ".xlsx";
  r.department = import_code(department);
  for (int i = 1; i <= kItems; ++i) r.rows.push_back({"8." + std::to_string(i), answer, "", "", "点検票", i + 2, "E"});
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_questionnaire_reads_a_departments_answers_when_asked) {
  Store s = Store::open(":memory:");
  const auto cycle = libaudit::testing::import_world(s, 3, kItems);
  const Questionnaires q = Questionnaires::load(s, cycle);
  for (const QuestionRow& r : q.rows(import_code(1))) BOOST_TEST(r.answer.empty());

  // Answers written after it was made: its rows and its plan see them, 課 by 課.
  s.import_responses("t", cycle, answers(1, "partial", "一部のみ"));
  const std::vector<QuestionRow> rows = q.rows(import_code(1));
  BOOST_REQUIRE(rows.size() == std::size_t(kItems));
  for (const QuestionRow& r : rows) {
    BOOST_TEST(r.answer == std::string(answer_label(Answer::partial)));
    BOOST_TEST(r.comment == "一部のみ");
  }
  for (const QuestionRow& r : q.rows(import_code(2))) BOOST_TEST(r.answer.empty());

  const ImportPlan plan = q.plan({returned(1, "partial"), returned(2, "implemented")}, "t");
  BOOST_REQUIRE(plan.files.size() == 2u);
  BOOST_TEST(plan.files[0].changed == std::size_t(kItems));  // the comment differs: changed
  BOOST_TEST(plan.files[1].changed == std::size_t(kItems));  // nothing stored: new
  s.import_responses("t", cycle, answers(1, "partial", ""));
  BOOST_TEST(q.plan({returned(1, "partial")}, "t").files[0].unchanged == std::size_t(kItems));
}

BOOST_AUTO_TEST_CASE(carried_over_answers_are_read_per_department_too) {
  Store s = Store::open(":memory:");
  const auto earlier = libaudit::testing::import_world(s, 2, kItems);
  const auto cl = s.cycle(earlier).checklist;
  const auto later = s.create_cycle("t", CycleSpec{"令和7年度", CycleKind::self_inspection, 2025, cl, {}});
  s.open_cycle("t", later);
  const Questionnaires q = Questionnaires::load(s, later, earlier);
  s.import_responses("t", earlier, answers(0, "implemented", "昨年度"));
  for (const QuestionRow& r : q.rows(import_code(0))) {
    BOOST_TEST(r.answer == std::string(answer_label(Answer::implemented)));
    BOOST_TEST(r.comment == "昨年度");
  }
  s.import_responses("t", later, answers(0, "not_implemented", ""));  // this year's win
  for (const QuestionRow& r : q.rows(import_code(0)))
    BOOST_TEST(r.answer == std::string(answer_label(Answer::not_implemented)));
  for (const QuestionRow& r : q.rows(import_code(1))) BOOST_TEST(r.answer.empty());
}
