// Body-level items (全庁共通事項, docs/scoring.md "Body-level items"): the respondent rule of
// applicability.h (only the cycle's secretariat answers them; a cycle without a secretariat keeps
// the old rule), a cycle's secretariat resolved and checked at creation, and scoring's block: 課
// and 部 figures without the body items, the body's figure with them once, the 全庁共通事項 row
// in tables, matrix and comparison.
#define BOOST_TEST_MODULE body_level
#include <boost/test/unit_test.hpp>
#include <string>

#include "libaudit/scoring/scoring.h"
#include "libaudit/store/applicability.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;

namespace {

// 1.1 department (security_manager); 1.2 body by default (ciso); 1.3 the committee's, but
// answered by every 課 (respondent: department); 2.1 staff, answered once (respondent: body).
std::string checklist_yaml(const std::string& secretariat_line) {
  return R"yaml(format: 1
id: b
title: テスト点検表
version: "1"
body: テスト市
)yaml" + secretariat_line +
         R"yaml(source: {document: t.txt, title: テスト基準}
sections:
  - id: "1"
    clause: "1"
    title: 組織体制
    items:
      - id: "1.1"
        clause: "1(1)"
        text: 情報セキュリティ管理者は、体制を整備しなければならない。
        question: 体制を整備しているか。
        roles: [security_manager]
      - id: "1.2"
        clause: "1(2)"
        text: 最高情報セキュリティ責任者は、方針を承認しなければならない。
        question: 方針を承認しているか。
        roles: [ciso]
      - id: "1.3"
        clause: "1(3)"
        text: 情報セキュリティ委員会は、各課の状況を把握しなければならない。
        question: 委員会に状況を報告しているか。
        roles: [security_committee]
        respondent: department
  - id: "2"
    clause: "2"
    title: 運用
    items:
      - id: "2.1"
        clause: "2(1)"
        text: 職員等は、全庁の研修計画に従わなければならない。
        question: 全庁の研修計画を策定しているか。
        roles: [staff]
        respondent: body
)yaml";
}

const Checklist& checklist() {
  static const Checklist c = Checklist::from_yaml(checklist_yaml("secretariat: 情報政策課\n"));
  return c;
}

Cycle cycle(std::string secretariat) {
  Cycle c;
  c.id = 1;
  c.fiscal_year = 2025;
  c.departments = {"1010", "2030", "3010"};
  c.secretariat = std::move(secretariat);
  return c;
}

std::vector<ScoredDepartment> organisation() {
  return {{"1010", "秘書課", "10", "市長公室", {}, false, false},
          {"2030", "情報政策課", "20", "総務部", {"lgwan"}, true, false},
          {"3010", "市民課", "30", "市民部", {}, false, false}};
}

// Every 課 answers every item it is asked; the secretariat the body items: 1.2 implemented, 2.1
// not implemented. Department items: 1010 all implemented, 2030 1.1 partial + 1.3 implemented,
// 3010 all not implemented. Under the old rule (no secretariat) every 課 also answers 1.2 and 2.1.
CycleData data(const std::string& secretariat) {
  CycleData d(cycle(secretariat), "テスト市", checklist(), organisation());
  for (const char* code : {"1010", "3010"}) {
    const Answer a = std::string(code) == "1010" ? Answer::implemented : Answer::not_implemented;
    d.set_answer(code, "1.1", a);
    d.set_answer(code, "1.3", a);
    if (secretariat.empty()) {
      d.set_answer(code, "1.2", a);
      d.set_answer(code, "2.1", a);
    }
  }
  d.set_answer("2030", "1.1", Answer::partial);
  d.set_answer("2030", "1.3", Answer::implemented);
  d.set_answer("2030", "1.2", Answer::implemented);
  d.set_answer("2030", "2.1", Answer::not_implemented);
  return d;
}

const GroupScore& row(const ScoreTable& t, const std::string& group) {
  for (const GroupScore& g : t.rows)
    if (g.group == group) return g;
  BOOST_FAIL("no row " + group);
  throw 0;
}

constexpr double kTol = 1e-9;

}  // namespace

BOOST_AUTO_TEST_CASE(the_respondent_defaults_from_the_roles_and_is_overridden_per_item) {
  const auto& items = checklist().items();
  BOOST_TEST((items[0].respondent == Respondent::department));
  BOOST_TEST((items[1].respondent == Respondent::body));  // ciso only
  BOOST_TEST((items[2].respondent == Respondent::department));
  BOOST_TEST((items[3].respondent == Respondent::body));
}

BOOST_AUTO_TEST_CASE(only_the_secretariat_answers_a_body_level_item) {
  const Cycle c = cycle("2030");
  const auto& items = checklist().items();
  BOOST_TEST(!body_level(items[0], c));
  BOOST_TEST(body_level(items[1], c));
  BOOST_TEST(!body_level(items[2], c));
  BOOST_TEST(body_level(items[3], c));
  BOOST_TEST(answers_item(items[1], c, "2030"));
  BOOST_TEST(!answers_item(items[1], c, "1010"));
  BOOST_TEST(answers_item(items[0], c, "1010"));
  BOOST_TEST(answers_item(items[2], c, "3010"));
  const auto profiles = organisation();
  BOOST_TEST(asked(items[3], c, profiles[1]));
  BOOST_TEST(!asked(items[3], c, profiles[0]));
  Cycle audit = c;
  audit.kind = CycleKind::internal_audit;
  BOOST_TEST(asked(items[3], audit, profiles[1]));  // audience: both, by default
}

BOOST_AUTO_TEST_CASE(a_cycle_without_a_secretariat_keeps_the_old_rule) {
  const Cycle c = cycle("");
  for (const Item& it : checklist().items()) {
    BOOST_TEST(!body_level(it, c));
    for (const char* code : {"1010", "2030", "3010"}) BOOST_TEST(answers_item(it, c, code));
  }
  const ScoreTable t = score(data(""), GroupBy::department);
  BOOST_TEST(!t.body_level.has_value());
  BOOST_TEST(row(t, "1010").counts.pairs == 4u);  // every item, as before the rule
  BOOST_CHECK_CLOSE(row(t, "1010").score, 100.0, kTol);
  BOOST_CHECK_CLOSE(row(t, "3010").score, 0.0, kTol);
  BOOST_TEST(!score_matrix(data(""), {}).body_level.has_value());
}

BOOST_AUTO_TEST_CASE(per_department_and_parent_figures_leave_the_body_level_items_out) {
  const CycleData d = data("2030");
  BOOST_TEST(d.in_scope(1, 1));
  BOOST_TEST(!d.in_scope(0, 1));
  BOOST_TEST(d.body_level(3));
  BOOST_TEST((d.secretariat() == std::optional<std::size_t>(1)));
  const ScoreTable t = score(d, GroupBy::department);
  for (const GroupScore& g : t.rows) BOOST_TEST(g.counts.pairs == 2u);  // 1.1 and 1.3 only
  BOOST_CHECK_CLOSE(row(t, "2030").score, 75.0, kTol);                  // (0.5 + 1) / 2, not with 1.2 and 2.1
  BOOST_CHECK_CLOSE(row(t, "1010").score, 100.0, kTol);
  const ScoreTable p = score(d, GroupBy::parent);
  BOOST_TEST(row(p, "20").counts.pairs == 2u);
  BOOST_CHECK_CLOSE(row(p, "20").score, 75.0, kTol);
  // The block, apart: 1.2 implemented, 2.1 not implemented.
  BOOST_REQUIRE(t.body_level.has_value());
  BOOST_TEST(t.body_level->group == "body_level");
  BOOST_TEST(t.body_level->name == "全庁共通事項");
  BOOST_TEST(t.body_level->counts.pairs == 2u);
  BOOST_TEST(t.body_level->counts.implemented == 1u);
  BOOST_TEST(t.body_level->counts.not_implemented == 1u);
  BOOST_CHECK_CLOSE(t.body_level->score, 50.0, kTol);
  BOOST_CHECK_CLOSE(t.distribution.mean, (100.0 + 75.0 + 0.0) / 3, kTol);  // the block is not a row
}

BOOST_AUTO_TEST_CASE(the_body_figure_pools_department_items_of_every_department_and_the_block_once) {
  const CycleData d = data("2030");
  const ScoreTable b = score(d, GroupBy::body);
  BOOST_REQUIRE(b.rows.size() == 1u);
  // 3 課 × 2 department items + 2 body-level items once = 8 pairs;
  // implemented: 1010 ×2, 2030 1.3, 1.2 = 4; partial: 2030 1.1 (0.5) → 4.5 / 8.
  BOOST_TEST(b.rows[0].counts.pairs == 8u);
  BOOST_CHECK_CLOSE(b.rows[0].score, 100.0 * 4.5 / 8, kTol);
  // Item groupings count the body-level items once too.
  const ScoreTable items = score(d, GroupBy::item);
  BOOST_TEST(row(items, "1.2").counts.pairs == 1u);
  BOOST_TEST(row(items, "1.1").counts.pairs == 3u);
  const ScoreTable ch = score(d, GroupBy::chapter);
  BOOST_TEST(row(ch, "1").counts.pairs == 7u);  // 3 × 2 + 1.2 once
  BOOST_TEST(row(ch, "2").counts.pairs == 1u);  // 2.1 once
  BOOST_TEST(ch.body_level.has_value());
}

BOOST_AUTO_TEST_CASE(the_matrix_rows_leave_the_block_out_and_its_columns_count_it_once) {
  const ScoreMatrix m = score_matrix(data("2030"));
  BOOST_TEST(m.rows[1].counts.pairs == 2u);
  BOOST_TEST(m.cells[1][1].counts.pairs == 0u);  // the secretariat has no department item in chapter 2
  BOOST_TEST(m.columns[0].counts.pairs == 7u);
  BOOST_TEST(m.columns[1].counts.pairs == 1u);
  BOOST_REQUIRE(m.body_level.has_value());
  BOOST_CHECK_CLOSE(m.body_level->score, 50.0, kTol);
  BOOST_REQUIRE(m.body_level_cells.size() == 2u);
  BOOST_CHECK_CLOSE(m.body_level_cells[0].score, 100.0, kTol);
  BOOST_CHECK_CLOSE(m.body_level_cells[1].score, 0.0, kTol);
}

BOOST_AUTO_TEST_CASE(a_comparison_matches_the_blocks) {
  const CycleData before = data(""), after = data("2030");
  const Comparison c = compare(before, after, GroupBy::department);
  BOOST_REQUIRE(c.body_level.has_value());
  BOOST_TEST(!c.body_level->before.has_value());  // the earlier cycle had no block
  BOOST_CHECK_CLOSE(c.body_level->after->score, 50.0, kTol);
  const Comparison same = compare(after, after, GroupBy::body);
  BOOST_REQUIRE(same.body_level.has_value());
  BOOST_CHECK_CLOSE(same.body_level->change, 0.0, kTol);
}

// ---- The secretariat of a stored cycle ---------------------------------------------------

namespace {

Store organised(const TempDb& db) {
  Store s = Store::open(db.path);
  s.import_departments("t", {{Department{"10", "市長公室", "", "", ""}, 2},
                             {Department{"1010", "秘書課", "10", "", ""}, 3},
                             {Department{"20", "総務部", "", "", ""}, 4},
                             {Department{"2030", "情報政策課", "20", "", ""}, 5},
                             {Department{"3010", "市民課", "", "", ""}, 6}});
  return s;
}

std::string refusal(Store& s, const CycleSpec& spec) {
  try {
    s.create_cycle("t", spec);
  } catch (const ValidationError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_cycle_takes_the_checklist_secretariat_by_name_or_the_one_given) {
  TempDb db("libaudit_body_level_cycle.db");
  Store s = organised(db);
  const std::int64_t cl = s.import_checklist("t", checklist());
  const std::int64_t a = s.create_cycle("t", {"R7", CycleKind::self_inspection, 2025, cl, {}, ""});
  BOOST_TEST(s.cycle(a).secretariat == "2030");  // the 課 named 情報政策課
  const std::int64_t b = s.create_cycle("t", {"R7b", CycleKind::self_inspection, 2025, cl, {}, " 1010 "});
  BOOST_TEST(s.cycle(b).secretariat == "1010");
  // Its trail state carries it; verify replays it.
  BOOST_TEST(s.trail().back().state.find("\"secretariat\":\"1010\"") != std::string::npos);
  BOOST_TEST(s.verify().ok());
}

BOOST_AUTO_TEST_CASE(a_cycle_with_body_level_items_and_no_secretariat_is_refused) {
  TempDb db("libaudit_body_level_refused.db");
  Store s = organised(db);
  const std::int64_t cl = s.import_checklist("t", checklist());
  const std::size_t records = s.trail().size();
  // The secretariat 課 is not a target.
  BOOST_TEST(refusal(s, {"x", CycleKind::self_inspection, 2025, cl, {"1010", "3010"}, ""}).find("情報政策課") !=
             std::string::npos);
  // A code that is no target 課.
  BOOST_TEST(refusal(s, {"x", CycleKind::self_inspection, 2025, cl, {"1010"}, "2030"}).find("'2030'") !=
             std::string::npos);
  BOOST_TEST(refusal(s, {"x", CycleKind::self_inspection, 2025, cl, {}, "99"}).find("'99'") != std::string::npos);
  // A checklist that names no secretariat.
  const std::int64_t unnamed = s.import_checklist("t", Checklist::from_yaml(
                                                           [] {
                                                             std::string y = checklist_yaml("");
                                                             y.replace(y.find("version: \"1\""), 12, "version: \"2\"");
                                                             return y;
                                                           }(),
                                                           "unnamed"));
  BOOST_TEST(s.trail().size() == records + 1);  // the second checklist only: no cycle written
  BOOST_TEST(s.cycles().empty());
  // Given one, it is created with it; without one, with none: every 課 answers every item.
  BOOST_TEST(s.cycle(s.create_cycle("t", {"x", CycleKind::self_inspection, 2025, unnamed, {}, "2030"})).secretariat ==
             "2030");
  const Cycle none = s.cycle(s.create_cycle("t", {"y", CycleKind::self_inspection, 2025, unnamed, {}, ""}));
  BOOST_TEST(none.secretariat.empty());
  for (const Item& it : s.load_checklist(unnamed).items()) BOOST_TEST(answers_item(it, none, "1010"));
}

BOOST_AUTO_TEST_CASE(a_cycle_whose_audience_has_no_body_level_item_needs_no_secretariat) {
  TempDb db("libaudit_body_level_none.db");
  Store s = organised(db);
  std::string y = checklist_yaml("");
  // Every body-level item for audits only: a self-inspection has none.
  for (std::size_t at = 0; (at = y.find("        roles: [ciso]\n", at)) != std::string::npos;)
    y.insert(at += 22, "        audience: [audit]\n");
  y.replace(y.find("        respondent: body\n"), 25, "        respondent: body\n        audience: [audit]\n");
  const std::int64_t cl = s.import_checklist("t", Checklist::from_yaml(y));
  const std::int64_t id = s.create_cycle("t", {"x", CycleKind::self_inspection, 2025, cl, {"1010"}, ""});
  BOOST_TEST(s.cycle(id).secretariat.empty());
  BOOST_TEST(s.trail().back().state.find("secretariat") == std::string::npos);  // as the states before it
  BOOST_TEST(!refusal(s, {"y", CycleKind::internal_audit, 2025, cl, {"1010"}, "2030"}).empty());  // no target
}

BOOST_AUTO_TEST_CASE(an_answer_of_another_department_to_a_body_level_item_is_refused) {
  TempDb db("libaudit_body_level_import.db");
  Store s = organised(db);
  const std::int64_t id =
      s.create_cycle("t", {"R7", CycleKind::self_inspection, 2025, s.import_checklist("t", checklist()), {}, ""});
  s.open_cycle("t", id);
  const std::size_t records = s.trail().size();
  std::string what;
  try {
    s.import_responses("t", id,
                       std::vector<ResponseRow>{{"1010", "1.1", "implemented"}, {"1010", "2.1", "実施している"}});
  } catch (const ValidationError& e) {
    what = e.what();
  }
  BOOST_TEST(what.find("'2.1' is a body-level item") != std::string::npos);
  BOOST_TEST(s.trail().size() == records);  // all or nothing
  s.import_responses("t", id,
                     std::vector<ResponseRow>{{"1010", "1.1", "implemented"}, {"2030", "2.1", "実施している"}});
  BOOST_TEST(s.response_count(id) == 2u);
}
