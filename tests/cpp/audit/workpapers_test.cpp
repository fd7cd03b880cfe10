// Working papers (workpapers.h, docs/audit.md "Working papers"): add, judge, review, a finding
// raised from an entry with its link (one transaction), the role rules, the trail and verify.
#define BOOST_TEST_MODULE workpapers
#include "libaudit/audit/workpapers.h"

#include <boost/test/unit_test.hpp>

#include "followup/world.h"
#include "libaudit/audit/plan.h"

using namespace libaudit;

namespace {

WorkingPaperSpec spec(const libaudit::testing::World& w, std::string dept = "11") {
  return WorkingPaperSpec{w.audit, std::move(dept),  "8.1", AuditMethod::interview, "協力の記録がない",
                          {},      Date{2024, 10, 1}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(add_judge_review_and_raise_a_linked_finding) {
  libaudit::testing::World w;
  WorkingPapers wp(w.s);
  const std::int64_t id = wp.add("監査A", spec(w));
  WorkingPaper p = wp.get(id);
  BOOST_TEST(p.auditor == "監査A");
  BOOST_TEST(!p.judgement.has_value());
  BOOST_TEST(p.examined_on.to_string() == "2024-10-01");
  BOOST_CHECK_THROW(wp.raise_finding("監査A", id, {Severity::minor_nonconformity, "", "", {2025, 3, 31}}),
                    TransitionError);                                             // not judged
  BOOST_CHECK_THROW(wp.judge("監査B", id, Judgement::nonconforming), RoleError);  // not their entry
  wp.judge("監査A", id, Judgement::nonconforming, "協力記録が 2 件欠落");
  p = wp.get(id);
  BOOST_TEST((p.judgement == Judgement::nonconforming));
  BOOST_TEST(p.observed == "協力記録が 2 件欠落");
  const std::int64_t f =
      wp.raise_finding("監査A", id, {Severity::minor_nonconformity, "", "記録を残す", {2025, 3, 31}});
  const Finding finding = Findings(w.s).get(f);
  BOOST_TEST(finding.condition == "協力記録が 2 件欠落");
  BOOST_TEST(finding.items == std::vector<std::string>{"8.1"});
  BOOST_TEST(finding.evidence.rfind("監査調書No." + std::to_string(id) + "（ヒアリング、2024-10-01）：", 0) == 0);
  BOOST_TEST(wp.get(id).findings == std::vector<std::int64_t>{f});
  BOOST_TEST(wp.for_finding(f).at(0).id == id);
  // The finding and its link are one transaction: the same actor and time in the trail.
  const std::vector<TrailRecord> t = w.s.trail();
  BOOST_TEST(t.back().entity == "audit_workpaper_finding");
  BOOST_TEST(t[t.size() - 2].entity == "finding");
  BOOST_TEST(t.back().at == t[t.size() - 2].at);
  BOOST_CHECK_THROW(wp.review("監査A", id), RoleError);  // the chief auditor reviews
  wp.review("統括", id, "確認した");
  BOOST_CHECK_THROW(wp.judge("監査A", id, Judgement::observation), TransitionError);  // reviewed
  BOOST_TEST(wp.list(w.audit).size() == 1u);
  BOOST_TEST(wp.list(w.audit, std::string("12")).empty());
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(role_rules_refuse_and_write_nothing) {
  libaudit::testing::World w;
  WorkingPapers wp(w.s);
  const std::size_t trail = w.s.trail().size();
  BOOST_CHECK_THROW(wp.add("監査11", spec(w)), RoleError);    // 兼務の禁止: 監査11 belongs to 11
  BOOST_CHECK_THROW(wp.add("課長12", spec(w)), RoleError);    // not on the audit team
  BOOST_CHECK_THROW(wp.add("誰か", spec(w)), NotFoundError);  // not in the register
  WorkingPaperSpec bad = spec(w);
  bad.item = "9.9";
  BOOST_CHECK_THROW(wp.add("監査A", bad), ValidationError);
  bad = spec(w);
  bad.observed = " ";
  BOOST_CHECK_THROW(wp.add("監査A", bad), ValidationError);
  bad = spec(w);
  bad.cycle = w.self_cycle;
  BOOST_CHECK_THROW(wp.add("監査A", bad), CycleStateError);
  BOOST_TEST(w.s.trail().size() == trail);
  // With an approved plan for the 年度 selecting 11, only its assigned auditor (or a chief) writes.
  AuditPlans plans(w.s);
  const AuditPlan p = plans.propose("統括", {2024, 3, {"監査A", "監査B"}, {}});
  BOOST_TEST(p.entry("11")->selected);
  plans.assign("統括", p.id, "11", "監査B");
  plans.approve("統括", p.id);
  BOOST_CHECK_THROW(wp.add("監査A", spec(w)), RoleError);
  BOOST_TEST(wp.add("監査B", spec(w)) > 0);
  BOOST_TEST(wp.add("統括", spec(w)) > 0);
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(methods_and_judgements_read_by_id_or_label) {
  BOOST_TEST((parse_audit_method("書類確認") == AuditMethod::document_review));
  BOOST_TEST((parse_audit_method("system_check") == AuditMethod::system_check));
  BOOST_TEST((parse_judgement("不適合") == Judgement::nonconforming));
  BOOST_TEST((parse_judgement(" 該当なし ") == Judgement::not_applicable));
  BOOST_CHECK_THROW(parse_audit_method("見た"), ValidationError);
  BOOST_CHECK_THROW(parse_judgement("良い"), ValidationError);
}
