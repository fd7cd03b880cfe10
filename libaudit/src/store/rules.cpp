// The store component's rules (verify.h, store_rules; docs/store.md, "verify replays the
// rules"): what Store's own writes guarantee, checked again on the trail as it stands.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "store/verify.h"

namespace libaudit::detail::verify {

namespace {

using nlohmann::json;

json parse(const std::string* state) { return state ? json::parse(*state, nullptr, false) : json(nullptr); }

std::string text_of(const json& o, const char* key) {
  if (!o.is_object()) return {};
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string by(const schema::TrailGroup& g) { return "（実行者 " + g.actor + "）"; }

// A "responses" batch: into a cycle open at the time, and only for its target 課.
void check_batch(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                 std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json st = json::parse(r.state, nullptr, false);
  if (!st.is_object() || !st.contains("cycle") || !st["cycle"].is_number_integer()) return;  // replay_chain: altered
  const std::string cycle = std::to_string(st["cycle"].get<std::int64_t>());
  const json c = parse(ctx.at(g, i, "cycle", cycle));
  if (!c.is_object()) {
    schema::forged(problems, r.seq, "回答の一括記録のサイクル " + cycle + " は、その時点で証跡にない" + by(g));
    return;
  }
  const std::string status = text_of(c, "status");
  if (status != "open")
    schema::forged(problems, r.seq,
                   "回答の一括記録がサイクル " + cycle + " に書かれているが、サイクルはその時点で " +
                       (status.empty() ? std::string("(状態なし)") : status) +
                       " だった（回答を受け付けるのは open のみ）" + by(g));
  std::set<std::string> targets;
  if (const auto d = c.find("departments"); d != c.end() && d->is_array())
    for (const json& code : *d)
      if (code.is_string()) targets.insert(code.get<std::string>());
  std::set<std::string> outside;
  if (const auto rows = st.find("rows"); rows != st.end() && rows->is_array())
    for (const json& row : *rows)
      if (row.is_array() && !row.empty() && row[0].is_string() && !targets.count(row[0].get<std::string>()))
        outside.insert(row[0].get<std::string>());
  if (outside.empty()) return;
  std::string list;
  for (const std::string& code : outside) list += (list.empty() ? "" : ", ") + code;
  schema::forged(problems, r.seq, "サイクル " + cycle + " の対象でない課 " + list + " の回答がある" + by(g));
}

// A cycle's record: created planned; updated only in its status, planned → open → closed, and
// closed → open only beside a "reopening" record of the cycle in the same group.
void check_cycle(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                 std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json now = json::parse(r.state, nullptr, false);
  if (r.action == "insert") {
    if (const std::string status = text_of(now, "status"); status != "planned")
      schema::forged(problems, r.seq,
                     "サイクル " + r.key + " が状態 " + status + " で作成されている（作成時は planned）" + by(g));
    return;
  }
  if (r.action == "delete") {
    schema::forged(problems, r.seq, "サイクル " + r.key + " の削除の記録（libaudit はサイクルを削除しない）" + by(g));
    return;
  }
  const json was = parse(ctx.at(g, i, "cycle", r.key));
  if (!was.is_object()) {
    schema::forged(problems, r.seq, "サイクル " + r.key + " の更新の前に作成の記録がない" + by(g));
    return;
  }
  if (!now.is_object()) return;
  std::string changed;
  for (auto it = now.begin(); it != now.end(); ++it)
    if (it.key() != "status" && (!was.contains(it.key()) || was[it.key()] != it.value()))
      changed += (changed.empty() ? "" : ", ") + it.key();
  if (!changed.empty())
    schema::forged(problems, r.seq, "サイクル " + r.key + " の更新が状態以外（" + changed + "）を変えている" + by(g));
  const std::string from = text_of(was, "status"), to = text_of(now, "status");
  if ((from == "planned" && to == "open") || (from == "open" && to == "closed")) return;
  if (from == "closed" && to == "open") {
    const bool reopened = std::any_of(g.records.begin(), g.records.end(), [&](const schema::TrailEntry& e) {
      if (e.entity != "reopening" || e.action != "insert") return false;
      const json st = json::parse(e.state, nullptr, false);
      return st.is_object() && st.contains("cycle") && st["cycle"].is_number_integer() &&
             std::to_string(st["cycle"].get<std::int64_t>()) == r.key;
    });
    if (!reopened)
      schema::forged(problems, r.seq,
                     "サイクル " + r.key + " の状態 closed → open に再開（reopening）の記録がない" + by(g));
    return;
  }
  schema::forged(problems, r.seq,
                 "サイクル " + r.key + " の状態 " + from + " → " + to +
                     " は認められない遷移（planned → open、open → closed、再開の記録を伴う closed → open のみ）" +
                     by(g));
}

}  // namespace

void store_rules(const schema::RuleContext& context, const schema::TrailGroup& group, std::vector<Problem>& problems) {
  for (std::size_t i = 0; i < group.records.size(); ++i) {
    const schema::TrailEntry& r = group.records[i];
    if (r.entity == "responses" && r.action == "batch")
      check_batch(context, group, i, problems);
    else if (r.entity == "cycle")
      check_cycle(context, group, i, problems);
  }
}

}  // namespace libaudit::detail::verify
