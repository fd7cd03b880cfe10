// The follow-up component's rules (findings_internal.h, followup_rules; docs/store.md, "verify
// replays the rules"): what move(), raise(), promote(), answer_check(), approve()/reject() and a
// reopening guarantee, checked again on the trail. People, findings and 部 are judged as the
// trail had them just before the record (RuleContext::at).
#include <nlohmann/json.hpp>
#include <optional>

#include "followup/findings_internal.h"
#include "store/rule_state.h"

namespace libaudit::detail {

namespace {

using nlohmann::json;

json parse(const std::string* state) { return schema::parse_state(state); }
std::string text_of(const json& o, const char* key) { return schema::text_field(o, key); }
std::int64_t int_of(const json& o, const char* key) { return schema::int_field(o, key); }
std::string by(const schema::TrailGroup& g) { return schema::by_actor(g); }

// The person `name` as of record `i` of `g`; nullopt when the register did not have them.
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

std::string roles_of(const Person& p) {
  return p.roles.empty() ? std::string("役割なし") : "役割 " + join_words(p.roles);
}

const TransitionRule* rule_of(std::string_view from, std::string_view to) {
  for (const TransitionRule& r : transition_rules())
    if (to_string(r.from) == from && to_string(r.to) == to) return &r;
  return nullptr;
}

std::string roles_text_of(const TransitionRule& rule) {
  std::string need;
  for (std::string_view r : rule.roles) need += (need.empty() ? "" : " か ") + std::string(r);
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
      return p.name + " は課 " + f.department + " の所属で、自らの課を監査できない（兼務の禁止）";
    case MoverVerdict::remediator:
      return p.name + " は是正を報告した者で、自らの是正を確認できない（確認者は是正者以外）";
    case MoverVerdict::other_department:
      return p.name + " は " + p.department + " の " + std::string(v.role) + " で、課 " + f.department +
             " の者ではない";
    default: return p.name + "（" + roles_of(p) + "）はこの遷移の役割（" + roles_text_of(rule) + "）を持たない";
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
    schema::forged(problems, r.seq, "指摘 " + r.key + " の更新の前に登録の記録がない" + by(g));
    return;
  }
  if (!now.is_object()) return;
  const std::string from = text_of(was, "state"), to = text_of(now, "state");
  if (from == to) {
    schema::forged(problems, r.seq, "指摘 " + r.key + " が状態の遷移なしに更新されている" + by(g));
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
  const std::string move = "指摘 " + r.key + " の状態 " + from + " → " + to;
  if (!rule) {
    schema::forged(problems, r.seq, move + " は状態遷移表にない遷移" + (t ? "" : "で、遷移の記録もない") + by(g));
    return;
  }
  if (!t) {
    schema::forged(problems, r.seq, move + " に遷移の記録がない" + by(g));
    return;
  }
  std::string changed;
  for (auto it = now.begin(); it != now.end(); ++it)
    if (it.key() != "state" && it.key() != "updated_at" && it.key() != "remediated_by" &&
        (!was.contains(it.key()) || was[it.key()] != it.value()))
      changed += (changed.empty() ? "" : ", ") + it.key();
  if (!changed.empty())
    schema::forged(problems, r.seq, move + " の更新で状態以外（" + changed + "）も変わっている" + by(g));
  const bool reports = from == "in_remediation" && to == "remediation_reported";
  const std::string remediator = reports ? t->by : text_of(was, "remediated_by");
  if (text_of(now, "remediated_by") != remediator)
    schema::forged(problems, r.seq,
                   move + " で是正者が " + text_of(now, "remediated_by") + " になっている（" +
                       (remediator.empty() ? std::string("空") : remediator) + " のはず）" + by(g));
  const std::int64_t tseq = g.records[t->index].seq;
  if (t->by != g.actor) {
    schema::forged(problems, tseq, move + " の遷移を行った " + t->by + " が記録の実行者 " + g.actor + " と違う");
    return;
  }
  const std::optional<Person> p = person_at(ctx, g, i, t->by);
  if (!p) {
    schema::forged(problems, tseq, move + " の遷移を行った " + t->by + " はその時点で名簿にない");
    return;
  }
  Finding f;
  f.department = text_of(was, "department");
  f.remediated_by = text_of(was, "remediated_by");
  f.state = rule->from;
  const std::string parent = text_of(parse(ctx.at(g, i, "department", f.department)), "parent_code");
  if (const std::string why = refusal(*p, f, *rule, parent); !why.empty())
    schema::forged(problems, tseq, move + " の遷移は認められない: " + why);
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
  const std::string what = "例外措置 " + r.key + " を " + to + " にした";
  if (from != "requested" && from != "reported")
    schema::forged(problems, r.seq,
                   "例外措置 " + r.key + " が " + (from.empty() ? std::string("(記録なし)") : from) + " から " + to +
                       " になっている（決定できるのは requested か reported のみ）" + by(g));
  const std::string decider = text_of(now, "decided_by");
  if (decider != g.actor) {
    schema::forged(problems, r.seq, what + "決定者 " + decider + " が記録の実行者 " + g.actor + " と違う");
    return;
  }
  const std::optional<Person> p = person_at(ctx, g, i, decider);
  if (!p)
    schema::forged(problems, r.seq, what + " " + decider + " はその時点で名簿にない");
  else if (!p->has("ciso"))
    schema::forged(problems, r.seq, what + " " + decider + "（" + roles_of(*p) + "）は ciso ではない");
}

// A reopening: by a chief_auditor or the CISO of the time, who wrote the record.
void check_reopening(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                     std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json st = json::parse(r.state, nullptr, false);
  const std::string who = text_of(st, "by"), what = "サイクル " + std::to_string(int_of(st, "cycle")) + " を再開した ";
  if (who != g.actor) {
    schema::forged(problems, r.seq, what + who + " が記録の実行者 " + g.actor + " と違う");
    return;
  }
  const std::optional<Person> p = person_at(ctx, g, i, who);
  if (!p)
    schema::forged(problems, r.seq, what + who + " はその時点で名簿にない");
  else if (!p->has("chief_auditor") && !p->has("ciso"))
    schema::forged(problems, r.seq, what + who + "（" + roles_of(*p) + "）は chief_auditor でも ciso でもない");
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
          schema::forged(
              problems, r.seq,
              "指摘 " + r.key + " が状態 " + state + " で登録されている（登録時は open か draft）" + by(group));
        if (raiser != group.actor)
          schema::forged(problems, r.seq,
                         "指摘 " + r.key + " の登録者 " + raiser + " が記録の実行者 " + group.actor + " と違う");
      } else if (r.action == "update") {
        check_finding_update(context, group, i, transitions, problems);
      } else {
        schema::forged(problems, r.seq, "指摘 " + r.key + " の削除の記録（libaudit は指摘を削除しない）" + by(group));
      }
    } else if (r.entity == "finding_transition" && r.action != "insert") {
      schema::forged(problems, r.seq,
                     "遷移 " + r.key + " の " + r.action + " の記録（libaudit は遷移の記録を変えない）" + by(group));
    } else if (r.entity == "exception" && r.action == "update") {
      check_exception_update(context, group, i, problems);
    } else if (r.entity == "reopening") {
      check_reopening(context, group, i, problems);
    }
  }
  for (const TransitionRecord& t : transitions)
    if (!t.used)
      schema::forged(problems, group.records[t.index].seq,
                     "指摘 " + t.finding + " の遷移 " + t.from + " → " + t.to +
                         " の記録に、対応する指摘の状態の変更がない" + by(group));
}

}  // namespace libaudit::detail
