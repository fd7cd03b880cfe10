// The audit plan (監査計画, docs/audit.md): per 年度, which 課 are audited and why, who audits
// each and when. A proposal is computed from what the store knows (the latest self-inspection's
// 実施率, open and overdue findings, the 年度 each 課 was last audited, its systems), by the rules
// of docs/audit.md, deterministically: the same store and 年度 give the same plan. The audit team
// (auditor, chief_auditor) may then add or remove a 課 with a reason, assign auditors and move
// dates; the chief_auditor approves it (proposed -> approved), after which it no longer changes.
// Auditors are assigned under 兼務の禁止 (an auditor never audits their own 課, 小牧市 8(1)イ: the
// rule `independent_of`, libaudit/followup/findings.h), at proposal and at every assignment.
//
// AuditPlans is a light facade over a Store (it borrows it; the Store must outlive it) with the
// Store's thread-safety (none). Built from a const Store it is read-only. Every write is one
// transaction with its trail records (entities audit_plan, audit_plan_entry), actor the person
// who acts. Errors: ValidationError (bad input: an unknown 課, an empty reason, a date outside the
// 年度), NotFoundError (unknown plan, person, 課), RoleError (the person lacks the role, or the
// assignment breaks 兼務の禁止), TransitionError (a change to an approved plan). A failed write
// changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/store/store.h"

namespace libaudit {

// Every 課 is planned at least once within this many 年度 unless told otherwise (docs/audit.md).
inline constexpr int kDefaultRotationYears = 3;
// A 実施率 below this (percent) is a reason to audit (low_rate).
inline constexpr double kLowRateThreshold = 80.0;
// A 課 whose risk points reach this is selected for risk (docs/audit.md, "Selection").
inline constexpr int kRiskPointsThreshold = 4;

enum class PlanState { proposed, approved };  // Vocabulary::plan_state
std::string_view to_string(PlanState s) noexcept;

// One reason considered for a 課, with its figure: reason is a Vocabulary::plan_reason id
// (rotation_due, never_audited, last_audited, low_rate, overdue_findings, open_findings, mynumber,
// important_assets, added, removed); figure the number behind it as text ("72.5", "2", "2023").
struct PlanReason {
  std::string reason;
  std::string figure;
  int points = 0;  // what it adds to the risk points (docs/audit.md)
};

struct PlanEntry {
  std::string department;  // 課 code
  std::string name;
  bool selected = false;
  // How it was selected: "rotation", "risk", "added" (by the audit team); "" when not selected
  // (then "removed" when the audit team took it out).
  std::string selected_by;
  int points = 0;        // the risk points (sum of the reasons' points)
  int last_audited = 0;  // the 年度 it was last audited or planned; 0: never
  std::vector<PlanReason> reasons;
  std::string auditor;            // assigned ("" none)
  std::optional<Date> scheduled;  // the day of the audit
  std::string override_reason;    // why the audit team added or removed it
};

struct AuditPlan {
  std::int64_t id = 0;  // 0 until written
  int fiscal_year = 0;
  int rotation = kDefaultRotationYears;
  PlanState state = PlanState::proposed;
  std::int64_t basis_cycle = 0;       // the self-inspection cycle whose 実施率 it read (0: none)
  Date reference_day;                 // findings are counted as open/overdue on this day
  std::vector<std::string> auditors;  // the pool it assigned from, by name
  std::string proposed_by, proposed_at, approved_by, approved_at;
  std::vector<PlanEntry> entries;  // every 課, by code
  std::size_t selected() const noexcept;
  const PlanEntry* entry(std::string_view department) const noexcept;
};

struct PlanOptions {
  int fiscal_year = 0;
  int rotation = kDefaultRotationYears;
  // The auditors to assign from (names in the register holding auditor or chief_auditor);
  // empty: every such person.
  std::vector<std::string> auditors;
  // The first day of the schedule (default: July 1 of the 年度); one 課 per weekday after it.
  std::optional<Date> start;
};

class AuditPlans {
 public:
  explicit AuditPlans(Store& store) : store_(store) {}
  explicit AuditPlans(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}

  // The proposal the rules make for options.fiscal_year, nothing written (docs/audit.md).
  AuditPlan compute(const PlanOptions& options) const;
  // compute(), written as a new plan in state proposed by `by` (auditor or chief_auditor).
  AuditPlan propose(std::string_view by, const PlanOptions& options);
  // The audit team overrides the selection: adds or removes a 課, with a reason (kept).
  void add(std::string_view by, std::int64_t plan, std::string_view department, std::string_view reason);
  void remove(std::string_view by, std::int64_t plan, std::string_view department, std::string_view reason);
  // Assigns `auditor` to a selected 課; RoleError when they are not an auditor or chief_auditor,
  // or belong to that 課 (兼務の禁止), and nothing is written.
  void assign(std::string_view by, std::int64_t plan, std::string_view department, std::string_view auditor);
  // Moves a selected 課's audit to `day` (within the plan's 年度).
  void schedule(std::string_view by, std::int64_t plan, std::string_view department, const Date& day);
  // proposed -> approved, by a chief_auditor; every selected 課 must have an auditor and a day,
  // and no other plan of the 年度 be approved.
  void approve(std::string_view by, std::int64_t plan);

  AuditPlan get(std::int64_t plan) const;  // NotFoundError
  std::vector<AuditPlan> list() const;     // by id
  std::optional<AuditPlan> approved(int fiscal_year) const;

 private:
  Store& writable() const;
  Store& store_;
  bool read_only_ = false;
};

// The plan's coverage (監査実施状況) for the committee report: the 課 audited in `fiscal_year`
// and in the `rotation` 年度 ending with it (the approved plan's rotation, else the latest
// approved plan's, else kDefaultRotationYears). A 課 counts as audited in a 年度 when an audit
// cycle of that 年度 targets it or that 年度's approved plan selects it. Every list is of the
// body's 課 (leaves), by code.
struct PlanCoverage {
  int fiscal_year = 0;
  int rotation = kDefaultRotationYears;
  bool has_plan = false;                   // an approved plan or an audit cycle exists at all
  std::vector<std::string> departments;    // every 課
  std::vector<std::string> this_year;      // audited in fiscal_year
  std::vector<std::string> in_period;      // audited in the rotation period
  std::vector<std::string> not_in_period;  // never audited in the period
};
PlanCoverage plan_coverage(const Store& store, int fiscal_year);

// The plan as JSON (the CLI's --json, the report's view model, the Python layer): every field,
// reasons with their labels.
std::string plan_json(const AuditPlan& plan);

}  // namespace libaudit
