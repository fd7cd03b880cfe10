// The audit plan (plan.h, docs/audit.md): the proposal's rows and reasons, reproducibility,
// 兼務の禁止 at assignment (refused, nothing written), overrides, approval and the trail.
#define BOOST_TEST_MODULE plan
#include "libaudit/audit/plan.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "followup/world.h"

using namespace libaudit;

namespace {

bool has_reason(const PlanEntry& e, std::string_view reason, std::string_view figure) {
  for (const PlanReason& r : e.reasons)
    if (r.reason == reason && r.figure == figure) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_proposal_lists_every_section_with_its_reasons_and_is_reproducible) {
  libaudit::testing::World w;
  w.s.import_responses("t", w.self_cycle, {{"11", "8.1", "not_implemented"}, {"12", "8.1", "implemented"}});
  w.s.put_system("t", System{"住基", "13", "mynumber", true});
  w.raise("11", {2025, 1, 31});  // overdue on 2025-03-31, the day before 年度 2025
  AuditPlans plans(w.s);
  const AuditPlan p = plans.compute({2025, 3, {}, {}});
  BOOST_TEST(p.entries.size() == 4u);  // every 課 (11, 12, 13, 21), never a 部
  BOOST_TEST(p.basis_cycle == w.self_cycle);
  BOOST_TEST(p.reference_day.to_string() == "2025-03-31");
  const PlanEntry* e11 = p.entry("11");
  BOOST_TEST(e11->last_audited == 2024);  // the internal audit of 2024 targeted every 課
  BOOST_TEST(has_reason(*e11, "last_audited", "2024"));
  BOOST_TEST(has_reason(*e11, "low_rate", "0.0"));
  BOOST_TEST(has_reason(*e11, "overdue_findings", "1"));
  BOOST_TEST(e11->points == 5);
  BOOST_TEST(has_reason(*p.entry("13"), "mynumber", "1"));
  BOOST_TEST(has_reason(*p.entry("13"), "important_assets", "1"));
  BOOST_TEST(p.entry("13")->points == 3);
  // Rotation: ceil(4 / 3) = 2 stalest (all 2024; more points first): 11 (5), 13 (3).
  BOOST_TEST(e11->selected_by == "rotation");
  BOOST_TEST(p.entry("13")->selected_by == "rotation");
  BOOST_TEST(!p.entry("12")->selected);
  BOOST_TEST(p.selected() == 2u);
  // 兼務の禁止: 監査11 (of 11) is never assigned to 11.
  BOOST_TEST(e11->auditor != "監査11");
  BOOST_TEST(!e11->auditor.empty());
  BOOST_TEST(e11->scheduled->to_string() == "2025-07-01");
  BOOST_TEST(p.entry("13")->scheduled->to_string() == "2025-07-02");
  BOOST_TEST(plan_json(plans.compute({2025, 3, {}, {}})) == plan_json(p));
}

BOOST_AUTO_TEST_CASE(rotation_due_sections_are_always_selected) {
  libaudit::testing::World w;
  const AuditPlan p = AuditPlans(w.s).compute({2027, 3, {}, {}});
  for (const PlanEntry& e : p.entries) {
    BOOST_TEST(e.selected);  // 2027 - 2024 >= 3
    BOOST_TEST(has_reason(e, "rotation_due", "3"));
  }
}

BOOST_AUTO_TEST_CASE(an_auditor_is_never_assigned_to_their_own_section_and_nothing_is_written) {
  libaudit::testing::World w;
  AuditPlans plans(w.s);
  const AuditPlan p = plans.propose("監査A", {2025, 3, {}, {}});
  BOOST_TEST(p.id > 0);
  const std::size_t trail = w.s.trail().size();
  const std::string before = plan_json(plans.get(p.id));
  try {
    plans.assign("監査A", p.id, "11", "監査11");
    BOOST_FAIL("an auditor of 11 was assigned to audit 11");
  } catch (const RoleError& e) {
    BOOST_TEST(std::string(e.what()).find("監査11") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("11") != std::string::npos);
  }
  BOOST_TEST(w.s.trail().size() == trail);
  BOOST_TEST(plan_json(plans.get(p.id)) == before);
  BOOST_CHECK_THROW(plans.assign("課長11", p.id, "11", "監査B"), RoleError);  // not on the audit team
  BOOST_CHECK_THROW(plans.assign("監査A", p.id, "11", "課長12"), RoleError);  // not an auditor
  plans.assign("監査A", p.id, "11", "監査B");
  BOOST_TEST(plans.get(p.id).entry("11")->auditor == "監査B");
  // A pool of only 監査11: 11 gets no auditor, and the plan cannot be approved until it has one.
  const AuditPlan q = plans.propose("監査A", {2025, 3, {"監査11"}, {}});
  BOOST_TEST(q.entry("11")->auditor.empty());
  BOOST_CHECK_THROW(plans.approve("統括", q.id), ValidationError);
  BOOST_TEST(w.s.verify().ok());
}

BOOST_AUTO_TEST_CASE(overrides_schedule_and_approval_are_in_the_trail_with_the_actor) {
  libaudit::testing::World w;
  AuditPlans plans(w.s);
  const AuditPlan p = plans.propose("監査A", {2025, 3, {}, {}});
  BOOST_TEST(p.entry("11")->selected);  // rotation: 11 and 12 (all last audited 2024; by code)
  BOOST_TEST(p.entry("12")->selected);
  BOOST_CHECK_THROW(plans.add("監査A", p.id, "13", " "), ValidationError);
  BOOST_CHECK_THROW(plans.add("監査A", p.id, "1", "部"), NotFoundError);  // a 部 is not in the plan
  BOOST_CHECK_THROW(plans.add("監査A", p.id, "12", "二度目"), ValidationError);
  plans.add("監査B", p.id, "13", "人事異動が多い");
  plans.remove("監査B", p.id, "12", "前年度に外部監査を受けた");
  // 12 is no longer selected: remove, assign and schedule refuse it by name and write nothing.
  const std::int64_t head = w.head();
  const auto not_in_plan = [&](const ValidationError& e) {
    return std::string(e.what()).find("department 12 is not in audit plan " + std::to_string(p.id)) !=
           std::string::npos;
  };
  BOOST_CHECK_EXCEPTION(plans.remove("監査B", p.id, "12", "再度"), ValidationError, not_in_plan);
  BOOST_CHECK_EXCEPTION(plans.assign("監査B", p.id, "12", "監査A"), ValidationError, not_in_plan);
  BOOST_CHECK_EXCEPTION(plans.schedule("監査B", p.id, "12", Date{2025, 9, 1}), ValidationError, not_in_plan);
  BOOST_TEST(w.head() == head);
  BOOST_CHECK_THROW(plans.schedule("監査B", p.id, "13", Date{2026, 4, 1}), ValidationError);
  plans.schedule("監査B", p.id, "13", Date{2025, 9, 1});
  const AuditPlan q = plans.get(p.id);
  BOOST_TEST(q.entry("13")->selected_by == "added");
  BOOST_TEST(q.entry("13")->override_reason == "人事異動が多い");
  BOOST_TEST(q.entry("13")->scheduled->to_string() == "2025-09-01");
  BOOST_TEST(!q.entry("13")->auditor.empty());
  BOOST_TEST(!q.entry("12")->selected);
  BOOST_TEST(q.entry("12")->selected_by == "removed");
  BOOST_TEST(q.entry("12")->auditor.empty());
  BOOST_CHECK_THROW(plans.approve("監査A", p.id), RoleError);
  plans.approve("統括", p.id);
  BOOST_TEST((plans.get(p.id).state == PlanState::approved));
  BOOST_TEST(plans.approved(2025)->id == p.id);
  BOOST_CHECK_THROW(plans.add("監査B", p.id, "12", "やはり"), TransitionError);
  const std::vector<TrailRecord> t = w.s.trail();
  BOOST_TEST(t.back().entity == "audit_plan");
  BOOST_TEST(t.back().actor == "統括");
  BOOST_TEST(w.s.verify().ok());
  // Approved plans count as audited: next year's proposal sees 11 and 13 planned in 2025.
  const AuditPlan next = plans.compute({2026, 3, {}, {}});
  BOOST_TEST(next.entry("13")->last_audited == 2025);
  BOOST_TEST(next.entry("12")->last_audited == 2024);
  BOOST_TEST(next.entry("12")->selected_by == "rotation");  // the removed one is the stalest now
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused) {
  libaudit::testing::World w;
  AuditPlans plans(w.s);
  BOOST_CHECK_THROW(plans.compute({2025, 0, {}, {}}), ValidationError);
  BOOST_CHECK_THROW(plans.compute({2025, 3, {"誰か"}, {}}), NotFoundError);
  BOOST_CHECK_THROW(plans.compute({2025, 3, {"課長11"}, {}}), RoleError);
  BOOST_CHECK_THROW(plans.compute({2025, 3, {}, Date{2024, 5, 1}}), ValidationError);
  BOOST_CHECK_THROW(plans.propose("課長11", {2025, 3, {}, {}}), RoleError);
  BOOST_CHECK_THROW(AuditPlans(static_cast<const Store&>(w.s)).propose("監査A", {2025, 3, {}, {}}), StoreError);
}

BOOST_AUTO_TEST_CASE(coverage_counts_audit_cycles_and_approved_plans_over_the_rotation) {
  libaudit::testing::World w;  // the internal audit of 2024 targets every 課 (11, 12, 13, 21)
  PlanCoverage c = plan_coverage(w.s, 2025);
  BOOST_TEST(c.has_plan);
  BOOST_TEST(c.rotation == kDefaultRotationYears);
  BOOST_TEST(c.departments == (std::vector<std::string>{"11", "12", "13", "21"}));
  BOOST_TEST(c.this_year.empty());
  BOOST_TEST(c.in_period == c.departments);  // 2024 is within 2023–2025
  AuditPlans plans(w.s);
  const AuditPlan p = plans.propose("監査A", {2025, 2, {}, {}});
  plans.approve("統括", p.id);
  std::vector<std::string> selected;
  for (const PlanEntry& e : p.entries)
    if (e.selected) selected.push_back(e.department);
  c = plan_coverage(w.s, 2025);
  BOOST_TEST(c.rotation == 2);  // the approved plan's
  BOOST_TEST(c.this_year == selected);
  c = plan_coverage(w.s, 2027);  // 2026–2027: nothing audited
  BOOST_TEST(c.this_year.empty());
  BOOST_TEST(c.in_period.empty());
  BOOST_TEST(c.not_in_period == c.departments);
  c = plan_coverage(w.s, 2026);  // 2025–2026: the 2025 plan's selection
  BOOST_TEST(c.in_period == selected);
}
