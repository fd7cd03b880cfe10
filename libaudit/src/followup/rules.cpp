// The follow-up component's rules (findings_internal.h, followup_rules; docs/store.md, "verify
// replays the rules"): what move(), raise(), promote(), answer_check(), approve()/reject() and a
// reopening guarantee, checked again on the trail. People, findings and 部 are judged as the
// trail had them just before the record (RuleContext::at).
#include <nlohmann/json.hpp>
#include <optional>

#include "followup/findings_internal.h"
#include "libaudit/base/messages.h"
#include "store/rule_state.h"

namespace libaudit::detail {

namespace {

using nlohmann::json;

json parse(const std::string* state) { return schema::parse_state(state); }
std::string text_of(const json& o, const char* key) { return schema::text_field(o, key); }
std::int64_t int_of(const json& o, const char* key) { return schema::int_field(o, key); }
std::string by(const schema::TrailGroup& g) { return schema::by_actor(g); }

}  // namespace

std::optional<Person> person_at(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                                const std::string& name) {
  const json st = parse(ctx.at(g, i, "person", name));
  if (!st.is_object()) return std::nullopt;
  Person p{name, text_of(st, "department"), {}};
  if (const auto r = st.find("roles"); r != st.end() && r->is_array())
    for (const json& role : *r)
      if (role.is_string()) p.roles.push_back(role.get<std::string>());
  return p;
}

namespace {

std::string roles_of(const Person& p) { return roles_text(p); }

const TransitionRule* rule_of(std::string_view from, std::string_view to) {
  for (const TransitionRule& r : transition_rules())
    if (to_string(r.from) == from && to_string(r.to) == to) return &r;
  return nullptr;
}

std::string roles_text_of(const TransitionRule& rule) {
  std::string need;
  for (std::string_view r : rule.roles)
    need = need.empty() ? std::string(r) : message("{roles} or {role}", fmt::arg("roles", need), fmt::arg("role", r));
  return need;
}

// The group's finding_transition inserts, each matched with at most one finding update.
struct TransitionRecord {
  std::size_t index;
  std::string finding, from, to, by;
  bool used = false;
};

std::vector<TransitionRecord> transitions_of(const schema::TrailGroup& g) {
  std::vector<TransitionRecord> out;
  for (std::size_t i = 0; i < g.records.size(); ++i) {
    const schema::TrailEntry& r = g.records[i];
    if (r.entity != "finding_transition" || r.action != "insert") continue;
    const json st = json::parse(r.state, nullptr, false);
    out.push_back(
        {i, std::to_string(int_of(st, "finding")), text_of(st, "from"), text_of(st, "to"), text_of(st, "by")});
  }
  return out;
}

// Why the mover may not make the move, in words (empty: they may).
std::string refusal(const Person& p, const Finding& f, const TransitionRule& rule, std::string_view parent) {
  const MoverVerdict v = judge_mover(p, f, rule, parent);
  switch (v.why) {
    case MoverVerdict::ok: return {};
    case MoverVerdict::own_department:
      return message("{name} belongs to department {department} and may not audit their own department (no dual role)",
                     fmt::arg("name", p.name), fmt::arg("department", f.department));
    case MoverVerdict::remediator:
      return message("{name} reported the remediation and may not verify it (the verifier is not the remediator)",
                     fmt::arg("name", p.name));
    case MoverVerdict::other_department:
      return message("{name} is a {role} of {own}, not of department {department}", fmt::arg("name", p.name),
                     fmt::arg("role", v.role), fmt::arg("own", p.department), fmt::arg("department", f.department));
    default:
      return message("{name} ({roles}) holds none of the roles of this move ({need})", fmt::arg("name", p.name),
                     fmt::arg("roles", roles_of(p)), fmt::arg("need", roles_text_of(rule)));
  }
}

// A finding update: a state change legal per transition_rules(), beside its finding_transition
// insert, by a person who may make it and who wrote the record; nothing else changed but what
// move() changes.
void check_finding_update(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                          std::vector<TransitionRecord>& transitions, std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json was = parse(ctx.at(g, i, "finding", r.key));
  const json now = json::parse(r.state, nullptr, false);
  if (!was.is_object()) {
    schema::forged(problems, r.seq,
                   message("finding {finding} is updated with no record of its raising before{by}",
                           fmt::arg("finding", r.key), fmt::arg("by", by(g))));
    return;
  }
  if (!now.is_object()) return;
  const std::string from = text_of(was, "state"), to = text_of(now, "state");
  if (from == to) {
    schema::forged(problems, r.seq,
                   message("finding {finding} is updated without a change of state{by}", fmt::arg("finding", r.key),
                           fmt::arg("by", by(g))));
    return;
  }
  TransitionRecord* t = nullptr;
  for (TransitionRecord& x : transitions)
    if (!x.used && x.finding == r.key && x.from == from && x.to == to) {
      t = &x;
      break;
    }
  if (t) t->used = true;
  const TransitionRule* rule = rule_of(from, to);
  const auto finding = fmt::arg("finding", r.key);
  const auto from_arg = fmt::arg("from", from);
  const auto to_arg = fmt::arg("to", to);
  if (!rule) {
    schema::forged(
        problems, r.seq,
        t ? message("finding {finding}: the move {from} -> {to} is not in the state table{by}", finding, from_arg,
                    to_arg, fmt::arg("by", by(g)))
          : message("finding {finding}: the move {from} -> {to} is not in the state table, and has no transition "
                    "record{by}",
                    finding, from_arg, to_arg, fmt::arg("by", by(g))));
    return;
  }
  if (!t) {
    schema::forged(problems, r.seq,
                   message("finding {finding}: the move {from} -> {to} has no transition record{by}", finding, from_arg,
                           to_arg, fmt::arg("by", by(g))));
    return;
  }
  std::string changed;
  for (auto it = now.begin(); it != now.end(); ++it)
    if (it.key() != "state" && it.key() != "updated_at" && it.key() != "remediated_by" &&
        (!was.contains(it.key()) || was[it.key()] != it.value()))
      changed += (changed.empty() ? "" : ", ") + it.key();
  if (!changed.empty())
    schema::forged(problems, r.seq,
                   message("finding {finding}: the move {from} -> {to} also changes what is not its state "
                           "({fields}){by}",
                           finding, from_arg, to_arg, fmt::arg("fields", changed), fmt::arg("by", by(g))));
  const bool reports = from == "in_remediation" && to == "remediation_reported";
  const std::string remediator = reports ? t->by : text_of(was, "remediated_by");
  if (text_of(now, "remediated_by") != remediator)
    schema::forged(
        problems, r.seq,
        remediator.empty()
            ? message("finding {finding}: the move {from} -> {to} makes {got} the remediator (it should be "
                      "empty){by}",
                      finding, from_arg, to_arg, fmt::arg("got", text_of(now, "remediated_by")), fmt::arg("by", by(g)))
            : message("finding {finding}: the move {from} -> {to} makes {got} the remediator (it should be "
                      "{want}){by}",
                      finding, from_arg, to_arg, fmt::arg("got", text_of(now, "remediated_by")),
                      fmt::arg("want", remediator), fmt::arg("by", by(g))));
  const std::int64_t tseq = g.records[t->index].seq;
  if (t->by != g.actor) {
    schema::forged(problems, tseq,
                   message("finding {finding}: the move {from} -> {to} was made by {mover}, not by the record's "
                           "writer {actor}",
                           finding, from_arg, to_arg, fmt::arg("mover", t->by), fmt::arg("actor", g.actor)));
    return;
  }
  const std::optional<Person> p = person_at(ctx, g, i, t->by);
  if (!p) {
    schema::forged(
        problems, tseq,
        message("finding {finding}: the move {from} -> {to} was made by {mover}, who was not in the register "
                "then",
                finding, from_arg, to_arg, fmt::arg("mover", t->by)));
    return;
  }
  Finding f;
  f.department = text_of(was, "department");
  f.remediated_by = text_of(was, "remediated_by");
  f.state = rule->from;
  const std::string parent = text_of(parse(ctx.at(g, i, "department", f.department)), "parent_code");
  if (const std::string why = refusal(*p, f, *rule, parent); !why.empty())
    schema::forged(problems, tseq,
                   message("finding {finding}: the move {from} -> {to} is not allowed: {why}", finding, from_arg,
                           to_arg, fmt::arg("why", why)));
}

// An exception decided (approved or rejected): from requested or reported, by the CISO of the
// time, who wrote the record.
void check_exception_update(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                            std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json was = parse(ctx.at(g, i, "exception", r.key));
  const json now = json::parse(r.state, nullptr, false);
  const std::string to = text_of(now, "status"), from = text_of(was, "status");
  if ((to != "approved" && to != "rejected") || from == to) return;
  const auto exception = fmt::arg("exception", r.key);
  const auto to_arg = fmt::arg("to", to);
  if (from != "requested" && from != "reported")
    schema::forged(problems, r.seq,
                   from.empty()
                       ? message("exception {exception} becomes {to} from no record (only a requested or reported one "
                                 "can be decided){by}",
                                 exception, to_arg, fmt::arg("by", by(g)))
                       : message("exception {exception} becomes {to} from {from} (only a requested or reported one "
                                 "can be decided){by}",
                                 exception, to_arg, fmt::arg("from", from), fmt::arg("by", by(g))));
  const std::string decider = text_of(now, "decided_by");
  const auto decider_arg = fmt::arg("decider", decider);
  if (decider != g.actor) {
    schema::forged(problems, r.seq,
                   message("exception {exception} made {to}: the decider {decider} is not the record's writer {actor}",
                           exception, to_arg, decider_arg, fmt::arg("actor", g.actor)));
    return;
  }
  const std::optional<Person> p = person_at(ctx, g, i, decider);
  if (!p)
    schema::forged(problems, r.seq,
                   message("exception {exception} made {to}: {decider} was not in the register then", exception, to_arg,
                           decider_arg));
  else if (!p->has("ciso"))
    schema::forged(problems, r.seq,
                   message("exception {exception} made {to}: {decider} ({roles}) is not the ciso", exception, to_arg,
                           decider_arg, fmt::arg("roles", roles_of(*p))));
}

// A reopening: by a chief_auditor or the CISO of the time, who wrote the record.
void check_reopening(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                     std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json st = json::parse(r.state, nullptr, false);
  const std::string who = text_of(st, "by");
  const std::int64_t cycle_id = int_of(st, "cycle");
  const auto cycle = fmt::arg("cycle", cycle_id);  // a reference: cycle_id lives here
  const auto who_arg = fmt::arg("who", who);
  if (who != g.actor) {
    schema::forged(problems, r.seq,
                   message("{who}, who reopened cycle {cycle}, is not the record's writer {actor}", cycle, who_arg,
                           fmt::arg("actor", g.actor)));
    return;
  }
  const std::optional<Person> p = person_at(ctx, g, i, who);
  if (!p)
    schema::forged(problems, r.seq,
                   message("{who}, who reopened cycle {cycle}, was not in the register then", cycle, who_arg));
  else if (!p->has("chief_auditor") && !p->has("ciso"))
    schema::forged(problems, r.seq,
                   message("{who} ({roles}), who reopened cycle {cycle}, is neither a chief_auditor nor the ciso",
                           cycle, who_arg, fmt::arg("roles", roles_of(*p))));
}

}  // namespace

void followup_rules(const schema::RuleContext& context, const schema::TrailGroup& group,
                    std::vector<Problem>& problems) {
  std::vector<TransitionRecord> transitions = transitions_of(group);
  for (std::size_t i = 0; i < group.records.size(); ++i) {
    const schema::TrailEntry& r = group.records[i];
    if (r.entity == "finding") {
      if (r.action == "insert") {
        const json st = json::parse(r.state, nullptr, false);
        const std::string state = text_of(st, "state"), raiser = text_of(st, "raised_by");
        if (state != "open" && state != "draft")
          schema::forged(problems, r.seq,
                         message("finding {finding} is raised in state {state} (a finding is raised open or draft){by}",
                                 fmt::arg("finding", r.key), fmt::arg("state", state), fmt::arg("by", by(group))));
        if (raiser != group.actor)
          schema::forged(
              problems, r.seq,
              message("finding {finding} was raised by {raiser}, not by the record's writer {actor}",
                      fmt::arg("finding", r.key), fmt::arg("raiser", raiser), fmt::arg("actor", group.actor)));
      } else if (r.action == "update") {
        check_finding_update(context, group, i, transitions, problems);
      } else {
        schema::forged(problems, r.seq,
                       message("a record deleting finding {finding} (libaudit deletes no finding){by}",
                               fmt::arg("finding", r.key), fmt::arg("by", by(group))));
      }
    } else if (r.entity == "finding_transition" && r.action != "insert") {
      schema::forged(problems, r.seq,
                     message("a record of {action} of transition {transition} (libaudit never changes a transition "
                             "record){by}",
                             fmt::arg("transition", r.key), fmt::arg("action", r.action), fmt::arg("by", by(group))));
    } else if (r.entity == "exception" && r.action == "update") {
      check_exception_update(context, group, i, problems);
    } else if (r.entity == "reopening") {
      check_reopening(context, group, i, problems);
    }
  }
  for (const TransitionRecord& t : transitions)
    if (!t.used)
      schema::forged(problems, group.records[t.index].seq,
                     message("the record of the move {from} -> {to} of finding {finding} has no matching change of "
                             "the finding's state{by}",
                             fmt::arg("finding", t.finding), fmt::arg("from", t.from), fmt::arg("to", t.to),
                             fmt::arg("by", by(group))));
}

}  // namespace libaudit::detail
