// The follow-up stage's schema component (store/schema.h): its tables' migrations, the tables
// and entities it owns, the reader verify() replays them with (followup_rows, findings.cpp) and
// the rules it replays their trail records against (followup_rules, rules.cpp).
// Registered by register_followup_schema(), which findings.cpp calls at static initialisation:
// any program that uses People, Findings or Exceptions links findings.cpp, hence this file.
#include "store/schema.h"
#include "followup/findings_internal.h"

namespace libaudit::detail {

namespace {

constexpr const char* kFollowupMigrations[] = {
    // 0 -> 1 (global user_version 2): people, findings (指摘事項) with their transitions and
    // 横展開 check requests, and exceptions (例外措置): findings.h, docs/findings.md.
    R"sql(
CREATE TABLE people(
  name TEXT PRIMARY KEY,
  department TEXT NOT NULL,
  roles TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE findings(
  id INTEGER PRIMARY KEY,
  cycle INTEGER NOT NULL REFERENCES cycles(id),
  department TEXT NOT NULL,
  items TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  condition TEXT NOT NULL,
  criterion TEXT NOT NULL,
  evidence TEXT NOT NULL,
  recommendation TEXT NOT NULL,
  due TEXT NOT NULL,
  raised_by TEXT NOT NULL,
  raised_at TEXT NOT NULL,
  source_finding INTEGER NOT NULL DEFAULT 0,
  promoted_from INTEGER NOT NULL DEFAULT 0,
  remediated_by TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL
);
CREATE INDEX findings_cycle ON findings(cycle, department);
CREATE INDEX findings_department ON findings(department);
CREATE INDEX findings_due ON findings(due) WHERE state <> 'verified' AND state <> 'risk_accepted' AND state <> 'discarded' AND state <> 'draft';
CREATE TABLE finding_transitions(
  id INTEGER PRIMARY KEY,
  finding INTEGER NOT NULL REFERENCES findings(id),
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX finding_transitions_finding ON finding_transitions(finding);
CREATE TABLE check_requests(
  id INTEGER PRIMARY KEY,
  finding INTEGER NOT NULL REFERENCES findings(id),
  department TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  answer TEXT NOT NULL DEFAULT '',
  answered_by TEXT NOT NULL DEFAULT '',
  answered_at TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  linked_finding INTEGER NOT NULL DEFAULT 0,
  UNIQUE (finding, department)
);
CREATE TABLE exceptions(
  id INTEGER PRIMARY KEY,
  department TEXT NOT NULL,
  item TEXT NOT NULL,
  system TEXT NOT NULL,
  reason TEXT NOT NULL,
  compensating_measure TEXT NOT NULL,
  start TEXT NOT NULL,
  end TEXT NOT NULL,
  emergency INTEGER NOT NULL,
  status TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  decided_by TEXT NOT NULL DEFAULT '',
  decided_at TEXT NOT NULL DEFAULT '',
  decision_note TEXT NOT NULL DEFAULT '',
  reported_at TEXT NOT NULL DEFAULT ''
);
)sql",
};

constexpr const char* kFollowupTables[] = {"people", "findings", "finding_transitions", "check_requests", "exceptions"};

constexpr schema::EntityTable kFollowupEntities[] = {{"person", "people"},
                                                     {"finding", "findings"},
                                                     {"finding_transition", "finding_transitions"},
                                                     {"check_request", "check_requests"},
                                                     {"exception", "exceptions"}};

constexpr schema::Component kFollowupComponent{
    "followup", 4, kFollowupMigrations, kFollowupTables, kFollowupEntities, &followup_rows, nullptr, &followup_rules};

}  // namespace

bool register_followup_schema() noexcept { return schema::register_component(kFollowupComponent); }

}  // namespace libaudit::detail
