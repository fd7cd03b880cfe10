// The audit stage's schema component (store/schema.h): its tables' migrations, the tables and
// entities it owns, the reader verify() replays them with (audit_rows) and the rules it replays
// their trail records against (audit_rules, rules.cpp). Registered by register_audit_schema(),
// which plan.cpp calls at static initialisation.
#include "audit/audit_internal.h"
#include "store/evidence_targets.h"

namespace libaudit::detail {

namespace {

constexpr const char* kAuditMigrations[] = {
    // 0 -> 1: the audit plan (監査計画) of a 年度 and its entries, one per 課 (plan.h).
    R"sql(
CREATE TABLE audit_plans(
  id INTEGER PRIMARY KEY,
  fiscal_year INTEGER NOT NULL,
  rotation INTEGER NOT NULL,
  state TEXT NOT NULL,
  basis_cycle INTEGER NOT NULL,
  reference_day TEXT NOT NULL,
  auditors TEXT NOT NULL,
  proposed_by TEXT NOT NULL,
  proposed_at TEXT NOT NULL,
  approved_by TEXT NOT NULL DEFAULT '',
  approved_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_plans_year ON audit_plans(fiscal_year);
CREATE TABLE audit_plan_entries(
  plan INTEGER NOT NULL REFERENCES audit_plans(id),
  department TEXT NOT NULL,
  name TEXT NOT NULL,
  selected INTEGER NOT NULL,
  selected_by TEXT NOT NULL,
  points INTEGER NOT NULL,
  last_audited INTEGER NOT NULL,
  reasons TEXT NOT NULL,
  auditor TEXT NOT NULL,
  scheduled TEXT NOT NULL,
  override_reason TEXT NOT NULL,
  PRIMARY KEY (plan, department)
) WITHOUT ROWID;
)sql",
    // 1 -> 2: working papers (監査調書) and the findings raised from them (workpapers.h).
    R"sql(
CREATE TABLE audit_workpapers(
  id INTEGER PRIMARY KEY,
  cycle INTEGER NOT NULL REFERENCES cycles(id),
  department TEXT NOT NULL,
  item TEXT NOT NULL,
  method TEXT NOT NULL,
  observed TEXT NOT NULL,
  judgement TEXT NOT NULL,
  auditor TEXT NOT NULL,
  examined_on TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  reviewed_by TEXT NOT NULL DEFAULT '',
  reviewed_at TEXT NOT NULL DEFAULT '',
  review_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_workpapers_cycle ON audit_workpapers(cycle, department, item);
CREATE TABLE audit_workpaper_findings(
  workpaper INTEGER NOT NULL REFERENCES audit_workpapers(id),
  finding INTEGER NOT NULL REFERENCES findings(id),
  PRIMARY KEY (workpaper, finding)
) WITHOUT ROWID;
CREATE INDEX audit_workpaper_findings_finding ON audit_workpaper_findings(finding);
)sql",
};

constexpr const char* kAuditTables[] = {"audit_plans", "audit_plan_entries", "audit_workpapers",
                                        "audit_workpaper_findings"};
constexpr schema::EntityTable kAuditEntities[] = {{"audit_plan", "audit_plans"},
                                                  {"audit_plan_entry", "audit_plan_entries"},
                                                  {"audit_workpaper", "audit_workpapers"},
                                                  {"audit_workpaper_finding", "audit_workpaper_findings"}};

constexpr schema::Component kAuditComponent{"audit",        6,           kAuditMigrations, kAuditTables,
                                            kAuditEntities, &audit_rows, nullptr,          &audit_rules};

}  // namespace

bool register_audit_schema() noexcept {
  evidence::register_target("working_paper", &working_paper_target);  // workpapers.cpp
  return schema::register_component(kAuditComponent);
}

}  // namespace libaudit::detail
