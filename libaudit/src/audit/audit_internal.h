// Internal to the audit stage: its schema component (schema.cpp: tables, migrations, the reader
// verify() replays them with, the rules of rules.cpp), the trail states of its rows, and the
// checks plan.cpp and workpapers.cpp share. Registered by register_audit_schema(), which
// plan.cpp calls at static initialisation: every program that uses the audit stage links it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/audit/plan.h"
#include "libaudit/audit/workpapers.h"
#include "libaudit/followup/findings.h"
#include "store/access.h"
#include "store/schema.h"

namespace libaudit::detail {

bool register_audit_schema() noexcept;

// The trail states (canonical: nlohmann's ordered dump of the keys in a fixed order).
std::string plan_state(const AuditPlan& p);
std::string plan_entry_state(std::int64_t plan, const PlanEntry& e);
std::string pair_key(std::int64_t plan, std::string_view department);  // [plan,"code"]

// Plans as stored (entries by code); NotFoundError naming the plan.
AuditPlan load_plan(sql::Db& db, std::int64_t id);
std::vector<std::int64_t> plan_ids(sql::Db& db);

// What a member of the audit team does (for the refusal's words).
enum class TeamAct { propose, change, audit, write };
// The person `name`, who must hold auditor or chief_auditor (RoleError saying what `act` needs).
Person audit_team_member(sql::Db& db, std::string_view name, TeamAct act);
// RoleError unless `auditor` may audit `department` (independent_of, followup), saying so.
void require_independent(const Person& auditor, std::string_view department);

// Working papers (workpapers.cpp): trail states, the link's key [paper,finding], rows.
std::string workpaper_state(const WorkingPaper& p);
std::string workpaper_link_key(std::int64_t paper, std::int64_t finding);
WorkingPaper load_paper(sql::Db& db, std::int64_t id);  // NotFoundError
void workpaper_rows(sql::Db& db, const schema::RowVisitor& row);
// The evidence target "working_paper" (store/evidence_targets.h): an entry by its number, which
// must exist; registered with the schema by register_audit_schema().
std::string working_paper_target(sql::Db& db, std::string_view key);

// verify()'s reader and the rules (rules.cpp).
void audit_rows(sql::Db& db, const schema::RowVisitor& row);
void audit_rules(const schema::RuleContext& context, const schema::TrailGroup& group, std::vector<Problem>& problems);

}  // namespace libaudit::detail
