// Scoring: every model pinned on hand-computed examples (weights, partials, unknowns, N/A,
// unanswered, applicability, exceptions), three XCCDF examples worked out against OpenSCAP's
// formulas (NISTIR 7275r4 Tables 40-41, src/XCCDF/result_scoring.c) including nested
// weighted groups, pooled 部 figures, the matrix, 偏差値, weakest items, comparison, and a
// cycle read back from a store. The same numbers are worked out in docs/scoring.md.
#define BOOST_TEST_MODULE scoring
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>

#include "checklist_yaml.h"
#include "followup/world.h"
#include "libaudit/base/messages.h"
#include "libaudit/followup/findings.h"
#include "libaudit/scoring/scoring.h"
#include "test_support.h"

using namespace libaudit;
using libaudit::testing::TempDb;
namespace fs = std::filesystem;

namespace {

// Two chapters; chapter 2 has two weighted sub-sections. Weights 1, 2, 1, 3, 1.
const std::string kChecklist = testing::kChecklistHead + R"yaml(  - id: "1"
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
        text: 職員等は、研修を受講しなければならない。
        question: 研修を受講しているか。
        roles: [staff]
        weight: 2
  - id: "2"
    clause: "2"
    title: 運用
    sections:
      - id: "2.1"
        clause: "(1)"
        title: 監視
        items:
          - id: "2.1.1"
            clause: "2(1)ア"
            text: 情報システム管理者は、マイナンバー利用事務系を監視しなければならない。
            question: マイナンバー利用事務系を監視しているか。
            roles: [system_administrator]
            applies_to: {tiers: [mynumber]}
          - id: "2.1.2"
            clause: "2(1)イ"
            text: 情報システム管理者は、ログを取得しなければならない。
            question: ログを取得しているか。
            roles: [system_administrator, security_manager]
            applies_to: {departments: system_owners}
            weight: 3
      - id: "2.2"
        clause: "(2)"
        title: 重要な情報資産
        items:
          - id: "2.2.1"
            clause: "2(2)ア"
            text: 職員等は、重要な情報資産を暗号化しなければならない。
            question: 重要な情報資産を暗号化しているか。
            roles: [staff]
            applies_to: {important_assets: true}
)yaml";

Cycle cycle_of(std::int64_t id, int year) {
  Cycle c;
  c.id = id;
  c.fiscal_year = year;
  return c;
}

// 課 A (101) owns a マイナンバー system with important assets; B (102) an LGWAN system;
// C (201) nothing. A and B are under 部 100, C under 200.
std::vector<ScoredDepartment> organisation() {
  return {{"101", "総務課", "100", "総務部", {"mynumber"}, true, true},
          {"102", "人事課", "100", "総務部", {"lgwan"}, true, false},
          {"201", "市民課", "200", "市民部", {}, false, false}};
}

// The answers of docs/scoring.md's example.
CycleData example() {
  CycleData d(cycle_of(1, 2024), "テスト市", Checklist::from_yaml(kChecklist), organisation());
  d.set_answer("101", "1.1", Answer::implemented);
  d.set_answer("101", "1.2", Answer::partial);
  d.set_answer("101", "2.1.1", Answer::not_implemented);
  d.set_answer("101", "2.1.2", Answer::implemented);
  d.set_answer("101", "2.2.1", Answer::unknown);
  d.set_answer("102", "1.1", Answer::not_applicable);
  d.set_answer("102", "1.2", Answer::implemented);
  d.set_answer("102", "2.1.1", Answer::implemented);  // answered, but B owns no マイナンバー system
  d.set_answer("102", "2.1.2", Answer::partial);
  d.set_answer("201", "1.1", Answer::implemented);  // 1.2 left unanswered
  return d;
}

ScoreOptions model(const std::string& name) {
  ScoreOptions o;
  o.model = name;
  return o;
}

const GroupScore& row(const ScoreTable& t, const std::string& group) {
  for (const GroupScore& g : t.rows)
    if (g.group == group) return g;
  BOOST_FAIL("no row " + group);
  throw 0;
}

constexpr double kTol = 1e-9;  // percent tolerance for BOOST_CHECK_CLOSE

#define CHECK_SCORE(actual, expected) BOOST_CHECK_CLOSE((actual), (expected), kTol)

}  // namespace

BOOST_AUTO_TEST_CASE(applicability_follows_applies_to) {
  const CycleData d = example();
  // A: everything; B: not the マイナンバー item, not the important-assets item; C: chapter 1 only.
  for (std::size_t i = 0; i < 5; ++i) BOOST_TEST(d.applies(0, i));
  BOOST_TEST(d.applies(1, 0));
  BOOST_TEST(!d.applies(1, 2));
  BOOST_TEST(d.applies(1, 3));
  BOOST_TEST(!d.applies(1, 4));
  BOOST_TEST(d.applies(2, 1));
  BOOST_TEST(!d.applies(2, 3));  // system_owners
  BOOST_TEST(d.answered() == 10u);
}

BOOST_AUTO_TEST_CASE(rate_by_department_with_counts) {
  const ScoreTable t = score(example(), GroupBy::department);
  BOOST_TEST(t.model == "rate");
  BOOST_REQUIRE(t.rows.size() == 3u);
  // A: (1·1 + 2·0.5 + 1·0 + 3·1 + 1·0) / (1+2+1+3+1) = 5/8
  CHECK_SCORE(row(t, "101").score, 62.5);
  // B: 1.1 N/A; 2.1.1 and 2.2.1 do not apply: (2·1 + 3·0.5) / (2+3) = 3.5/5
  CHECK_SCORE(row(t, "102").score, 70.0);
  // C: 1.1 only (1.2 unanswered): 1/1
  CHECK_SCORE(row(t, "201").score, 100.0);
  const Counts& b = row(t, "102").counts;
  BOOST_TEST(b.pairs == 5u);
  BOOST_TEST(b.not_applicable == 3u);
  BOOST_TEST(b.applicable() == 2u);
  BOOST_TEST(b.answered() == 2u);
  BOOST_TEST(b.excepted == 0u);
  const Counts& c = row(t, "201").counts;
  BOOST_TEST(c.applicable() == 2u);
  BOOST_TEST(c.answered() == 1u);
  BOOST_TEST(c.unanswered == 1u);
  BOOST_TEST(c.not_applicable == 3u);
  CHECK_SCORE(c.response_rate(), 50.0);
  BOOST_TEST(row(t, "101").parent == "100");
}

BOOST_AUTO_TEST_CASE(rate_partial_value_is_an_option) {
  ScoreOptions o;
  o.partial_value = 1.0;
  CHECK_SCORE(row(score(example(), GroupBy::department, o), "101").score, 75.0);  // 6/8
  o.partial_value = 0.0;
  CHECK_SCORE(row(score(example(), GroupBy::department, o), "101").score, 50.0);  // 4/8
  o.partial_value = 1.5;
  BOOST_CHECK_THROW(score(example(), GroupBy::department, o), ValidationError);
}

BOOST_AUTO_TEST_CASE(parent_is_pooled_not_averaged) {
  const ScoreTable t = score(example(), GroupBy::parent);
  BOOST_REQUIRE(t.rows.size() == 2u);
  // 部 100 = A + B pooled: (5 + 3.5) / (8 + 5) = 8.5/13, not (62.5 + 70)/2.
  CHECK_SCORE(row(t, "100").score, 100.0 * 8.5 / 13.0);
  BOOST_TEST(row(t, "100").name == "総務部");
  BOOST_TEST(row(t, "100").counts.pairs == 10u);
  CHECK_SCORE(row(t, "200").score, 100.0);
  CHECK_SCORE(row(score(example(), GroupBy::body), "テスト市").score, 100.0 * 9.5 / 14.0);
}

BOOST_AUTO_TEST_CASE(rate_by_chapter_section_role_tier) {
  const CycleData d = example();
  const ScoreTable ch = score(d, GroupBy::chapter);
  BOOST_REQUIRE(ch.rows.size() == 2u);
  CHECK_SCORE(row(ch, "1").score, 100.0 * 5.0 / 6.0);  // (1 + 1 + 2 + 1) / (1 + 2 + 2 + 1)
  CHECK_SCORE(row(ch, "2").score, 56.25);              // (3 + 1.5) / (5 + 3)
  const ScoreTable sec = score(d, GroupBy::section);
  BOOST_REQUIRE(sec.rows.size() == 4u);
  BOOST_TEST(sec.rows[2].group == "2.1");
  BOOST_TEST(sec.rows[2].parent == "2");
  CHECK_SCORE(row(sec, "2.1").score, 100.0 * 4.5 / 7.0);
  CHECK_SCORE(row(sec, "2.2").score, 0.0);
  const ScoreTable roles = score(d, GroupBy::role);
  CHECK_SCORE(row(roles, "security_manager").score, 100.0 * 6.5 / 8.0);  // 1.1 and 2.1.2
  BOOST_TEST(row(roles, "security_manager").name == "情報セキュリティ管理者");
  const ScoreTable tiers = score(d, GroupBy::tier);
  BOOST_REQUIRE(tiers.rows.size() == 2u);
  BOOST_TEST(tiers.rows[0].group == "mynumber");
  CHECK_SCORE(tiers.rows[0].score, 0.0);  // 2.1.1: A not implemented
  BOOST_TEST(tiers.rows[1].group == "common");
}

BOOST_AUTO_TEST_CASE(ipa_points_and_bands) {
  const ScoreTable t = score(example(), GroupBy::department, model("ipa"));
  // A: (1·4 + 2·2 + 1·0 + 3·4 + 1·(−1)) / (4·8) = 19/32
  CHECK_SCORE(row(t, "101").score, 59.375);
  BOOST_TEST(row(t, "101").band == "50-69");
  CHECK_SCORE(row(t, "102").score, 70.0);  // (2·4 + 3·2) / (4·5)
  BOOST_TEST(row(t, "102").band == "70-99");
  CHECK_SCORE(row(t, "201").score, 100.0);
  BOOST_TEST(row(t, "201").band == "100");
  BOOST_TEST(ipa_band(99.5) == "100");
  BOOST_TEST(ipa_band(99.4) == "70-99");
  BOOST_TEST(ipa_band(69.5) == "70-99");
  BOOST_TEST(ipa_band(49.4) == "0-49");
  BOOST_TEST(ipa_band(-25) == "0-49");
  // All unknown: −1 / 4 per item.
  CycleData d(cycle_of(1, 2024), "テスト市", Checklist::from_yaml(kChecklist), organisation());
  d.set_answer("201", "1.1", Answer::unknown);
  CHECK_SCORE(row(score(d, GroupBy::department, model("ipa")), "201").score, -25.0);
}

// XCCDF example 1: 課 A alone, nested weighted groups.
//   rule 1.1 pass w1 -> 100; 1.2 partial = fail w2 -> 0; group 1 = (100·1 + 0·2) / 3 = 33.33…
//   group 2.1: 2.1.1 fail w1, 2.1.2 pass w3 -> (0 + 300) / 4 = 75; group 2.2: 2.2.1 unknown = fail -> 0
//   group 2 = (75·1 + 0·1) / 2 = 37.5; benchmark = (33.33… + 37.5) / 2 = 35.4166…
//   flat: pass weights 1 + 3 = 4 of 8; unweighted 2 of 5; absolute 0.
BOOST_AUTO_TEST_CASE(xccdf_example_1_nested_weighted_groups) {
  const CycleData d = example();
  const GroupScore def = row(score(d, GroupBy::department, model("xccdf_default")), "101");
  CHECK_SCORE(def.score, (100.0 / 3.0 + 37.5) / 2.0);
  CHECK_SCORE(def.maximum, 100.0);
  const GroupScore flat = row(score(d, GroupBy::department, model("xccdf_flat")), "101");
  CHECK_SCORE(flat.score, 4.0);
  CHECK_SCORE(flat.maximum, 8.0);
  const GroupScore unw = row(score(d, GroupBy::department, model("xccdf_flat_unweighted")), "101");
  CHECK_SCORE(unw.score, 2.0);
  CHECK_SCORE(unw.maximum, 5.0);
  BOOST_TEST(row(score(d, GroupBy::department, model("xccdf_absolute")), "101").score == 0.0);
}

// XCCDF example 2: 課 B, with notapplicable rules and a group left with no counted rule.
//   1.1 notapplicable (skipped), 1.2 pass -> group 1 = 100
//   2.1.1 notapplicable (applies_to), 2.1.2 partial = fail w3 -> group 2.1 = 0
//   2.2.1 notapplicable -> group 2.2 counts nothing and is skipped; group 2 = 0
//   benchmark = (100 + 0) / 2 = 50. flat 2 of 5; unweighted 1 of 2.
// 課 C: 1.1 pass, 1.2 notchecked (unanswered, skipped); chapter 2 all notapplicable:
//   default 100, flat 1 of 1, absolute 1.
BOOST_AUTO_TEST_CASE(xccdf_example_2_notapplicable_and_notchecked) {
  const CycleData d = example();
  CHECK_SCORE(row(score(d, GroupBy::department, model("xccdf_default")), "102").score, 50.0);
  const GroupScore flat = row(score(d, GroupBy::department, model("xccdf_flat")), "102");
  CHECK_SCORE(flat.score, 2.0);
  CHECK_SCORE(flat.maximum, 5.0);
  const GroupScore unw = row(score(d, GroupBy::department, model("xccdf_flat_unweighted")), "102");
  CHECK_SCORE(unw.score, 1.0);
  CHECK_SCORE(unw.maximum, 2.0);
  CHECK_SCORE(row(score(d, GroupBy::department, model("xccdf_default")), "201").score, 100.0);
  CHECK_SCORE(row(score(d, GroupBy::department, model("xccdf_flat")), "201").maximum, 1.0);
  BOOST_TEST(row(score(d, GroupBy::department, model("xccdf_absolute")), "201").score == 1.0);
}

// XCCDF example 3: 部 100 = A and B pooled; a rule's score is the mean of its results.
//   1.1: A pass (B N/A) -> 100, w1; 1.2: A fail, B pass -> 50, w2; group 1 = (100 + 100) / 3 = 66.66…
//   2.1.1: A fail -> 0, w1; 2.1.2: A pass, B fail -> 50, w3; group 2.1 = 150 / 4 = 37.5
//   2.2.1: A fail -> 0; group 2.2 = 0; group 2 = 18.75; benchmark = (66.66… + 18.75) / 2
//   flat: pass weights 1 + 2 + 3 = 6 of (1 + 2·2 + 1 + 3·2 + 1) = 13.
BOOST_AUTO_TEST_CASE(xccdf_example_3_pooled_parent) {
  const CycleData d = example();
  CHECK_SCORE(row(score(d, GroupBy::parent, model("xccdf_default")), "100").score, (200.0 / 3.0 + 18.75) / 2.0);
  const GroupScore flat = row(score(d, GroupBy::parent, model("xccdf_flat")), "100");
  CHECK_SCORE(flat.score, 6.0);
  CHECK_SCORE(flat.maximum, 13.0);
  // By chapter, the benchmark holds one counted group: its score is the chapter's.
  // Chapter 1 over every 課: 1.1 A pass, C pass -> 100; 1.2 A fail, B pass -> 50: (100 + 100) / 3.
  CHECK_SCORE(row(score(d, GroupBy::chapter, model("xccdf_default")), "1").score, 200.0 / 3.0);
}

// Zero weights, as OpenSCAP treats them: a weight-0 rule counts in the default model (adds
// nothing to the sum or the accumulator) and is skipped by the flat model.
BOOST_AUTO_TEST_CASE(xccdf_zero_weights) {
  const std::string yaml = R"yaml(format: 1
id: z
title: z
version: "1"
body: テスト市
source: {document: z.txt, title: z}
sections:
  - id: "1"
    clause: "1"
    title: 章
    items:
      - {id: "1.1", clause: "1(1)", text: 職員は、甲をしなければならない。, question: 甲をしているか。, roles: [staff], weight: 0}
      - {id: "1.2", clause: "1(2)", text: 職員は、乙をしなければならない。, question: 乙をしているか。, roles: [staff]}
)yaml";
  CycleData d(cycle_of(1, 2024), "テスト市", Checklist::from_yaml(yaml),
              {{"201", "市民課", "200", "市民部", {}, false, false}});
  d.set_answer("201", "1.1", Answer::implemented);
  // Only the weight-0 rule answered: default = 0 (accumulator 0, no normalising); flat 0 of 0;
  // absolute 1 (0 == 0); unweighted 1 of 1.
  CHECK_SCORE(score(d, GroupBy::department, model("xccdf_default")).rows[0].score, 0.0);
  BOOST_TEST(score(d, GroupBy::department, model("xccdf_flat")).rows[0].maximum == 0.0);
  BOOST_TEST(score(d, GroupBy::department, model("xccdf_absolute")).rows[0].score == 1.0);
  CHECK_SCORE(score(d, GroupBy::department, model("xccdf_flat_unweighted")).rows[0].score, 1.0);
  BOOST_TEST(std::isnan(score(d, GroupBy::department, model("rate")).rows[0].score));  // Σw = 0
  d.set_answer("201", "1.2", Answer::not_implemented);
  CHECK_SCORE(score(d, GroupBy::department, model("xccdf_default")).rows[0].score, 0.0);  // (0 + 0) / (0 + 1)
  d.set_answer("201", "1.2", Answer::implemented);
  CHECK_SCORE(score(d, GroupBy::department, model("xccdf_default")).rows[0].score, 100.0);  // (0 + 100) / 1
}

BOOST_AUTO_TEST_CASE(nothing_answered_has_no_score) {
  CycleData d(cycle_of(1, 2024), "テスト市", Checklist::from_yaml(kChecklist), organisation());
  for (const std::string& m : model_names()) {
    const ScoreTable t = score(d, GroupBy::department, model(m));
    for (const GroupScore& g : t.rows) BOOST_CHECK_MESSAGE(std::isnan(g.score), m);
    BOOST_TEST(t.distribution.n == 0u);
  }
}

BOOST_AUTO_TEST_CASE(exceptions_are_counted_and_left_out) {
  ScoreOptions o;
  o.exceptions = {{"101", "2.1.1"}, {"999", "1.1"}, {"101", "nope"}};
  const GroupScore a = row(score(example(), GroupBy::department, o), "101");
  CHECK_SCORE(a.score, 100.0 * 5.0 / 7.0);
  BOOST_TEST(a.counts.excepted == 1u);
  BOOST_TEST(a.counts.applicable() == 4u);
  // N/A wins over an exception: B's 2.1.1 stays not applicable.
  o.exceptions = {{"102", "2.1.1"}};
  BOOST_TEST(row(score(example(), GroupBy::department, o), "102").counts.excepted == 0u);
}

BOOST_AUTO_TEST_CASE(distribution_and_deviation) {
  const ScoreTable t = score(example(), GroupBy::department);
  BOOST_TEST(t.distribution.n == 3u);
  CHECK_SCORE(t.distribution.mean, 77.5);
  CHECK_SCORE(t.distribution.sd, std::sqrt(262.5));  // population sd of 62.5, 70, 100
  CHECK_SCORE(t.distribution.median, 70.0);
  CHECK_SCORE(row(t, "101").deviation, 50.0 + 10.0 * (62.5 - 77.5) / std::sqrt(262.5));
  const double xs[] = {1, 3, kNoScore, 2, 6};
  CHECK_SCORE(distribution_of(xs).median, 2.5);
}

BOOST_AUTO_TEST_CASE(matrix_weakest_and_items) {
  const CycleData d = example();
  const ScoreMatrix m = score_matrix(d);
  BOOST_REQUIRE(m.rows.size() == 3u);
  BOOST_REQUIRE(m.columns.size() == 2u);
  CHECK_SCORE(m.cells[0][0].score, 100.0 * 2.0 / 3.0);  // A, chapter 1: (1 + 1) / 3
  CHECK_SCORE(m.cells[0][1].score, 60.0);               // A, chapter 2: 3 / 5
  BOOST_TEST(std::isnan(m.cells[2][1].score));          // C has nothing in chapter 2
  CHECK_SCORE(m.columns[1].score, 56.25);
  const std::vector<GroupScore> w = weakest_items(d, 3);
  BOOST_REQUIRE(w.size() == 3u);
  BOOST_TEST(w[0].group == "2.1.1");
  BOOST_TEST(w[1].group == "2.2.1");
  BOOST_TEST(w[2].group == "1.2");  // 75, tied with 2.1.2: document order
  BOOST_TEST(w[2].parent == "1");
  CHECK_SCORE(w[2].score, 75.0);
}

BOOST_AUTO_TEST_CASE(compare_two_years) {
  const CycleData before = example();
  // The next year: 1.3 added, 2.2.1 gone; 課 B and C replaced by D.
  std::string yaml = kChecklist;
  yaml.replace(yaml.find("version: \"1\""), 12, "version: \"2\"");
  const auto cut = yaml.find("      - id: \"2.2\"");
  yaml = yaml.substr(0, cut);
  const std::string add = R"yaml(      - id: "1.3"
        clause: "1(3)"
        text: 職員等は、規程を遵守しなければならない。
        question: 規程を遵守しているか。
        roles: [staff]
)yaml";
  yaml.insert(yaml.find("  - id: \"2\""), add);
  CycleData after(cycle_of(2, 2025), "テスト市", Checklist::from_yaml(yaml),
                  {organisation()[0], {"301", "防災課", "300", "危機管理部", {}, false, false}});
  after.set_answer("101", "1.1", Answer::implemented);
  after.set_answer("101", "1.2", Answer::implemented);
  after.set_answer("301", "1.3", Answer::not_implemented);
  const Comparison c = compare(before, after, GroupBy::department);
  BOOST_TEST(c.items_added == std::vector<std::string>{"1.3"});
  BOOST_TEST(c.items_removed == std::vector<std::string>{"2.2.1"});
  BOOST_TEST(c.departments_added == std::vector<std::string>{"301"});
  BOOST_TEST((c.departments_removed == std::vector<std::string>{"102", "201"}));
  BOOST_REQUIRE(c.rows.size() == 4u);
  BOOST_TEST(c.rows[0].group == "101");
  CHECK_SCORE(c.rows[0].change, 100.0 - 62.5);
  BOOST_TEST(!c.rows[1].before.has_value());  // 301
  BOOST_TEST(!c.rows[2].after.has_value());   // 102
  const Comparison items = compare(before, after, GroupBy::item);
  BOOST_TEST(items.rows.size() == 6u);  // 5 in the new checklist + 2.2.1
}

// An item for audits only is not part of a self-inspection cycle (and the other way round):
// it is in no count at all, not even as not applicable.
BOOST_AUTO_TEST_CASE(items_outside_the_cycles_audience_are_left_out) {
  std::string yaml = kChecklist;
  const std::string at = "        roles: [staff]\n        weight: 2\n";
  yaml.replace(yaml.find(at), at.size(), at + "        audience: [audit]\n");  // 1.2: audits only
  const std::vector<std::string> kinds = {"self_inspection", "internal_audit"};
  for (const std::string& kind : kinds) {
    Cycle cy = cycle_of(1, 2024);
    cy.kind = parse_cycle_kind(kind);
    CycleData d(cy, "テスト市", Checklist::from_yaml(yaml), organisation());
    d.set_answer("101", "1.1", Answer::implemented);
    d.set_answer("101", "1.2", Answer::not_implemented);
    const GroupScore a = row(score(d, GroupBy::department, {}), "101");
    if (kind == "self_inspection") {
      BOOST_TEST(a.counts.pairs == 4u);
      CHECK_SCORE(a.score, 100.0);
      BOOST_TEST(score(d, GroupBy::item).rows.size() == 4u);
    } else {
      BOOST_TEST(a.counts.pairs == 5u);
      CHECK_SCORE(a.score, 100.0 / 3.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(models_are_registered_and_extensible) {
  const std::vector<std::string> names = model_names();
  BOOST_TEST(names.size() >= 6u);
  BOOST_TEST(names[0] == "rate");
  BOOST_CHECK_THROW(find_model("nope"), NotFoundError);
  BOOST_CHECK_THROW(parse_group_by("nope"), NotFoundError);
  struct Answered final : ScoringModel {
    std::string_view name() const noexcept override { return "test_answered"; }
    std::string_view description() const noexcept override { return "answered pairs"; }
    ModelScore score(const Checklist&, std::span<const Counts> items, const ScoreOptions&) const override {
      double n = 0;
      for (const Counts& c : items) n += double(c.answered());
      return {n, kNoScore, {}};
    }
  };
  register_model(std::make_shared<Answered>());
  BOOST_CHECK_THROW(register_model(std::make_shared<Answered>()), ValidationError);
  // A person reads each model by its title, in the catalogue's language; a body's own model
  // without one is shown by its name.
  BOOST_TEST(model_title("rate") == "implementation rate");
  BOOST_TEST(model_title("test_answered") == "test_answered");
  BOOST_CHECK_THROW(model_title("nope"), NotFoundError);
  struct English {
    ~English() { use_no_catalog(); }
  } restore;
  use_catalog(LIBAUDIT_MO_JA);
  BOOST_TEST(model_title("rate") == "実施率");
  BOOST_TEST(model_title("ipa") == "IPA点数");
  BOOST_TEST(model_title("xccdf_flat_unweighted") == "XCCDF フラットモデル（重みなし）");
  CHECK_SCORE(row(score(example(), GroupBy::department, model("test_answered")), "101").score, 5.0);
}

BOOST_AUTO_TEST_CASE(cycle_read_from_a_store) {
  const TempDb db("libaudit_scoring_test.db");
  const fs::path& path = db.path;
  {
    Store s = Store::open(path);
    s.import_departments("t", {{Department{"100", "総務部"}, 1},
                               {Department{"101", "総務課", "100"}, 2},
                               {Department{"102", "人事課", "100"}, 3},
                               {Department{"200", "市民部"}, 4},
                               {Department{"201", "市民課", "200"}, 5}});
    s.import_systems("t", {{System{"住基", "101", "mynumber", false}, "true", 1},
                           {System{"庶務", "102", "lgwan", false}, "false", 2}});
    const auto cl = s.import_checklist("t", Checklist::from_yaml(kChecklist));
    const auto cycle = s.create_cycle("t", CycleSpec{"令和6年度", CycleKind::self_inspection, 2024, cl, {}});
    s.open_cycle("t", cycle);
    std::vector<ResponseRow> rows;
    const CycleData ex = example();
    for (std::size_t d = 0; d < 3; ++d)
      for (std::size_t i = 0; i < 5; ++i)
        if (auto a = ex.answer(d, i))
          rows.push_back({ex.departments()[d].code, ex.checklist().items()[i].id, std::string(to_string(*a))});
    s.import_responses("t", cycle, rows);
    const CycleData d = CycleData::load(s, cycle);
    BOOST_TEST(d.answered() == 10u);
    BOOST_TEST(d.departments()[0].important_assets);
    BOOST_TEST(d.departments()[1].tiers == std::vector<std::string>{"lgwan"});
    for (const std::string& m : model_names()) {
      if (m == "test_answered") continue;
      const ScoreTable a = score(d, GroupBy::department, model(m));
      const ScoreTable b = score(ex, GroupBy::department, model(m));
      for (std::size_t k = 0; k < 3; ++k) BOOST_CHECK_MESSAGE(a.rows[k].score == b.rows[k].score, m);
    }
    BOOST_TEST(row(score(d, GroupBy::parent), "100").name == "総務部");
    BOOST_CHECK_THROW(CycleData::load(s, 99), NotFoundError);
  }
}

// ---- Exceptions (例外措置) feeding the scores: moved from tests/cpp/followup/findings_test.cpp
// (its only case that needs the scoring stage), every assertion kept.

BOOST_AUTO_TEST_CASE(exceptions_approve_expire_reject_and_scores) {
  libaudit::testing::World w;
  w.s.import_responses("t", w.self_cycle, {{"11", "8.1", "not_implemented"}, {"12", "8.1", "implemented"}});
  Exceptions x(w.s);
  // The as-of rule (docs/scoring.md): an exception counts for a cycle when it is approved at the
  // point the cycle is read at and its period overlaps the cycle's 年度 (here 2024: 2024-04-01 to
  // 2025-03-31), whatever day inside the 年度 it covers.
  auto rate = [&](std::optional<TrailPoint> at = {}) {
    ScoreOptions o;
    o.exceptions = x.for_scoring(w.self_cycle, at);
    const ScoreTable t = score(CycleData::load(w.s, w.self_cycle), GroupBy::body, o);
    return std::make_pair(t.rows.at(0).score, t.rows.at(0).counts.excepted);
  };
  BOOST_CHECK_THROW(x.request("課長12", ExceptionSpec{"11", "8.1", "", "r", "m", {2025, 1, 1}, {2025, 1, 31}}),
                    RoleError);
  const std::int64_t id =
      x.request("課長11", ExceptionSpec{"11", "8.1", "", "更新中", "手作業で確認", {2025, 1, 1}, {2025, 1, 31}});
  BOOST_TEST(rate().second == 0u);  // requested: does not count yet
  const TrailPoint before_approval = w.s.trail_head();
  BOOST_CHECK_THROW(x.approve("課長11", id), RoleError);
  x.approve("CISO", id, "やむを得ない");
  BOOST_CHECK_THROW(x.approve("CISO", id), TransitionError);
  // 11 answered not_implemented, 12 implemented: 50% without the exception, 100% with it.
  BOOST_TEST(rate(before_approval).first == 50.0);  // read as it stood before the approval
  BOOST_TEST(rate(before_approval).second == 0u);
  BOOST_TEST(rate().first == 100.0);
  BOOST_TEST(rate().second == 1u);
  BOOST_TEST(rate(w.s.trail_head()).first == 100.0);
  // The days a query counts from still say what is in force, expiring or expired.
  BOOST_TEST(x.in_force(Date{2025, 1, 15}).size() == 1u);
  BOOST_TEST(x.in_force(Date{2025, 2, 1}).empty());
  BOOST_TEST(x.expired(Date{2025, 2, 1}).size() == 1u);
  BOOST_TEST(x.expiring(7, Date{2025, 1, 24}).size() == 1u);
  BOOST_TEST(x.expiring(7, Date{2025, 1, 23}).empty());
  // A period outside the cycle's 年度 does not count for it, approved or not.
  const std::int64_t later = x.request("課長12", ExceptionSpec{"12", "8.1", "", "r", "m", {2025, 4, 1}, {2025, 9, 30}});
  x.approve("CISO", later);
  BOOST_TEST(rate().second == 1u);
  BOOST_TEST(x.get(later).counts_for(2025));
  BOOST_TEST(!x.get(later).counts_for(2024));
  BOOST_TEST(x.get(id).counts_for(2024));
  // The applicability rule comes first: an exception for a pair that does not apply (8.2 is for
  // system owners; 11 owns none) leaves it not applicable, not excepted.
  const std::int64_t na = x.request("課長11", ExceptionSpec{"11", "8.2", "", "r", "m", {2025, 1, 1}, {2025, 1, 31}});
  x.approve("CISO", na);
  BOOST_TEST(x.for_scoring(w.self_cycle).size() == 2u);
  BOOST_TEST(rate().second == 1u);
  // Rejected: never counts.
  const std::int64_t rej = x.request("課長12", ExceptionSpec{"12", "8.1", "", "r", "m", {2025, 1, 1}, {2025, 12, 31}});
  x.reject("CISO", rej);
  BOOST_TEST(rate().second == 1u);
  // Emergency: taken, late after the report window unless reported.
  const std::int64_t em =
      x.request("課長12", ExceptionSpec{"12", "8.1", "人事給与", "障害", "代替", {2025, 1, 1}, {2025, 1, 10}, true});
  BOOST_TEST(!x.get(em).late(Date{2025, 1, 8}));
  BOOST_TEST(x.get(em).late(Date{2025, 1, 9}));
  BOOST_TEST(x.late(kEmergencyReportDays, Date{2025, 1, 9}).size() == 1u);
  BOOST_CHECK_THROW(x.approve("CISO", em), TransitionError);  // report it first
  x.report("課長12", em);
  x.approve("CISO", em);
  BOOST_TEST(w.s.verify().ok());
}
