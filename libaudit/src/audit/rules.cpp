// The audit component's rules (audit_internal.h, audit_rules; docs/store.md, "verify replays the
// rules"): what AuditPlans guarantees, checked again on the trail. People are judged as the trail
// had them just before the record (RuleContext::at).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit_internal.h"
#include "libaudit/base/messages.h"
#include "store/rule_state.h"

namespace libaudit::detail {

namespace {

using nlohmann::json;

// The person's 課 and roles as of record `i` of `g`; nullopt when the register lacked them.
std::optional<Person> person_at(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                                const std::string& name) {
  const json st = schema::parse_state(ctx.at(g, i, "person", name));
  if (!st.is_object()) return std::nullopt;
  Person p{name, schema::text_field(st, "department"), {}};
  if (const auto r = st.find("roles"); r != st.end() && r->is_array())
    for (const json& role : *r)
      if (role.is_string()) p.roles.push_back(role.get<std::string>());
  return p;
}

// An entry's auditor is an auditor or chief_auditor not of the 課 (兼務の禁止), and the record was
// written by a member of the audit team.
void check_entry(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                 std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json st = json::parse(r.state, nullptr, false);
  const std::string auditor = schema::text_field(st, "auditor"), dept = schema::text_field(st, "department");
  const std::optional<Person> writer = person_at(ctx, g, i, g.actor);
  if (!writer || (!writer->has("auditor") && !writer->has("chief_auditor")))
    schema::forged(problems, r.seq,
                   message("audit plan entry {entry} was written by {actor}, who is not on the audit team",
                           fmt::arg("entry", r.key), fmt::arg("actor", g.actor)));
  if (auditor.empty()) return;
  const std::optional<Person> a = person_at(ctx, g, i, auditor);
  if (!a || (!a->has("auditor") && !a->has("chief_auditor")))
    schema::forged(problems, r.seq,
                   message("audit plan entry {entry} assigns {auditor}, who is not an auditor",
                           fmt::arg("entry", r.key), fmt::arg("auditor", auditor)));
  else if (!independent_of(*a, dept))
    schema::forged(problems, r.seq,
                   message("audit plan entry {entry} assigns {auditor} to audit their own department {department}",
                           fmt::arg("entry", r.key), fmt::arg("auditor", auditor), fmt::arg("department", dept)));
}

// A working paper is written by a member of the audit team independent of its 課; a link to a
// finding is written with that finding's raising, in the same transaction.
void check_paper(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                 std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  if (r.entity == "audit_workpaper_finding") {
    const json st = json::parse(r.state, nullptr, false);
    const std::string finding = std::to_string(schema::int_field(st, "finding"));
    const bool raised = std::any_of(g.records.begin(), g.records.end(), [&](const schema::TrailEntry& e) {
      return e.entity == "finding" && e.action == "insert" && e.key == finding;
    });
    if (!raised)
      schema::forged(problems, r.seq,
                     message("working paper link {link} names finding {finding}, which was not raised with it",
                             fmt::arg("link", r.key), fmt::arg("finding", finding)));
    return;
  }
  const json st = json::parse(r.state, nullptr, false);
  const std::optional<Person> writer = person_at(ctx, g, i, g.actor);
  if (!writer || (!writer->has("auditor") && !writer->has("chief_auditor")))
    schema::forged(problems, r.seq,
                   message("working paper {paper} was written by {actor}, who is not on the audit team",
                           fmt::arg("paper", r.key), fmt::arg("actor", g.actor)));
  else if (!independent_of(*writer, schema::text_field(st, "department")))
    schema::forged(problems, r.seq,
                   message("working paper {paper} was written by {actor}, who belongs to its department",
                           fmt::arg("paper", r.key), fmt::arg("actor", g.actor)));
}

}  // namespace

void audit_rules(const schema::RuleContext& context, const schema::TrailGroup& group, std::vector<Problem>& problems) {
  for (std::size_t i = 0; i < group.records.size(); ++i) {
    const schema::TrailEntry& r = group.records[i];
    if ((r.entity == "audit_workpaper" || r.entity == "audit_workpaper_finding") && r.action != "delete") {
      check_paper(context, group, i, problems);
    } else if (r.entity == "audit_plan_entry" && r.action != "delete") {
      check_entry(context, group, i, problems);
    } else if (r.entity == "audit_plan" && r.action == "update") {
      const json st = json::parse(r.state, nullptr, false);
      const std::optional<Person> p = person_at(context, group, i, group.actor);
      if (schema::text_field(st, "state") == "approved" && (!p || !p->has("chief_auditor")))
        schema::forged(problems, r.seq,
                       message("audit plan {plan} was approved by {actor}, who is not a chief_auditor",
                               fmt::arg("plan", r.key), fmt::arg("actor", group.actor)));
    } else if (r.entity.rfind("audit_", 0) == 0 && r.action == "delete") {
      schema::forged(problems, r.seq,
                     message("a record deleting {entity} {key} (libaudit deletes no audit plan or working paper)",
                             fmt::arg("entity", r.entity), fmt::arg("key", r.key)));
    }
  }
}

}  // namespace libaudit::detail
