// Store::verify() and its phases (verify.h): the chain replay, the row checks of every
// registered component, missing rows, unowned tables and the trail anchor.
#include "store/verify.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "store/batch_reader.h"
#include "store/evidence_targets.h"

namespace libaudit::detail::verify {

namespace {

std::array<unsigned char, 32> digest_of(Sha256& sha, std::string_view s) {
  sha.begin();
  sha.update(s);
  return sha.finish();
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// One row of a "responses" batch record as the object a responses row compares with, or null
// when the row is malformed.
nlohmann::json batch_row_state(const nlohmann::json& batch, const nlohmann::json& row) {
  if (!row.is_array() || (row.size() != 6 && row.size() != 8)) return nullptr;
  for (const auto& f : row)
    if (!f.is_string()) return nullptr;
  nlohmann::json o = nlohmann::json::object();
  o["answer"] = row[3];
  o["comment"] = row[4];
  o["evidence"] = row[5];
  o["answered_by"] = row.size() == 8 ? row[6] : batch["answered_by"];
  o["answered_at"] = row.size() == 8 ? row[7] : batch["answered_at"];
  return o;
}

// One trail row (columns as replay_chain selects them) whose state is `state` (inflated, or
// "null" when `inflated` is false): what it leaves expected.
void expect_record(ChainReplay& r, Sha256& sha, const sql::Stmt& s, const std::string& state, bool inflated) {
  const std::int64_t seq = s.i64(0);
  if (s.text(3) == "responses" && s.text(5) == "batch") {
    // Its rows are check_responses' (phase 2b); here only whether it is a batch at all.
    thread_local BatchReader reader;
    if (inflated && !reader.read(state))
      r.problems.push_back(
          {"trail", std::to_string(seq), "altered", tr("the record's state is not a valid batch of responses")});
    if (!inflated) r.unreadable_batches[s.str(4)] = seq;
    return;
  }
  Expected& e = r.expected[s.str(3)][s.str(4)];
  e.seq = seq;
  e.deleted = s.text(5) == "delete";
  e.digest = digest_of(sha, state);
}

// The link from the record before (`last_seq`, `prev`) to this one.
void check_link(ChainReplay& r, std::int64_t seq, std::int64_t last_seq, std::string_view prev_hash,
                std::string_view prev) {
  const std::string seq_s = std::to_string(seq);
  if (seq != last_seq + 1)
    r.problems.push_back({"trail", seq_s, "deleted",
                          seq == last_seq + 2 ? message("record {seq} is missing", fmt::arg("seq", last_seq + 1))
                                              : message("records {first}-{last} are missing",
                                                        fmt::arg("first", last_seq + 1), fmt::arg("last", seq - 1))});
  else if (prev_hash != prev)
    r.problems.push_back({"trail", seq_s, "broken_chain",
                          message("prev_hash does not match the hash of record {seq}", fmt::arg("seq", last_seq))});
}

}  // namespace

std::string diff_states(std::string_view trail_state, std::string_view row_state) {
  nlohmann::json a = nlohmann::json::parse(trail_state, nullptr, false);
  nlohmann::json b = nlohmann::json::parse(row_state, nullptr, false);
  if (!a.is_object() || !b.is_object())
    return message("trail says {trail}, table has {table}", fmt::arg("trail", trail_state),
                   fmt::arg("table", row_state));
  std::string out;
  for (auto it = a.begin(); it != a.end(); ++it) {
    auto jt = b.find(it.key());
    const std::string now = jt == b.end() ? tr("(absent)") : jt->dump();
    if (jt == b.end() || *jt != it.value()) {
      if (!out.empty()) out += "; ";
      out += message("{field}: trail {trail}, table {table}", fmt::arg("field", it.key()),
                     fmt::arg("trail", it.value().dump()), fmt::arg("table", now));
    }
  }
  return out.empty() ? tr("the row differs from its last trail record") : out;
}

std::string response_state_json(std::string_view answer, std::string_view comment, std::string_view evidence,
                                std::string_view answered_by, std::string_view answered_at) {
  // nlohmann's canonical dump (sorted keys), as the batch rows are read (batch_row_state).
  nlohmann::json o = nlohmann::json::object();
  o["answer"] = std::string(answer);
  o["comment"] = std::string(comment);
  o["evidence"] = std::string(evidence);
  o["answered_by"] = std::string(answered_by);
  o["answered_at"] = std::string(answered_at);
  return dump(o);
}

std::string response_trail_state(sql::Db& db, std::int64_t seq, std::uint32_t index) {
  sql::Stmt t = db.prepare("SELECT state, state_size FROM trail WHERE seq = ?");
  t.bind(1, seq);
  std::string state;
  if (!t.step() || !stored_state(t, 0, state)) return "null";
  const nlohmann::json st = nlohmann::json::parse(state, nullptr, false);
  return st.is_object() && st.contains("rows") && st["rows"].is_array() && st["rows"].size() > index
             ? dump(batch_row_state(st, st["rows"][index]))
             : std::string("null");
}

std::string response_unrecorded_detail(const std::map<std::string, std::int64_t>& unreadable, const std::string& key) {
  if (!unreadable.empty()) {
    const std::string cycle = key.substr(1, key.find(',') - 1);  // key: [cycle,"課","item"]
    if (auto d = unreadable.find(cycle); d != unreadable.end())
      return message("the row has no readable trail record: trail record {seq} of its cycle is damaged",
                     fmt::arg("seq", d->second));
  }
  return tr("the row has no trail record (written outside libaudit)");
}

std::string checkpoint_state(std::int64_t head_seq, std::string_view head_hash, std::size_t records, std::size_t rows) {
  return JsonObject()
      .num("head_seq", head_seq)
      .str("head_hash", head_hash)
      .num("records", std::int64_t(records))
      .num("rows", std::int64_t(rows))
      .done();
}

bool parse_checkpoint(std::string_view state, TrailAnchor& head) {
  const nlohmann::json st = nlohmann::json::parse(state, nullptr, false);
  if (!st.is_object() || !st.contains("head_seq") || !st["head_seq"].is_number_integer() || !st.contains("head_hash") ||
      !st["head_hash"].is_string())
    return false;
  head.seq = st["head_seq"].get<std::int64_t>();
  head.hash = st["head_hash"].get<std::string>();
  return head.hash.size() == 64;
}

namespace {

// The seq of the first valid seal record of the key at or before `upto` (0: none).
std::int64_t first_seal(sql::Db& db, HmacSha256& mac, std::string_view key_id, std::int64_t upto) {
  sql::Stmt s = db.prepare(
      "SELECT seq, at, actor, entity, key, action, state, state_size, prev_hash, hash, mac FROM trail "
      "WHERE entity = 'trail_seal' AND seq <= ? ORDER BY seq");
  s.bind(1, upto);
  while (s.step())
    if (is_seal_of(s, mac, key_id)) return s.i64(0);
  return 0;
}

// A checkpoint record names as its head an earlier record of the chain, with that record's hash.
void check_checkpoint(sql::Db& db, std::int64_t seq, const std::string& state, std::vector<Problem>& problems) {
  TrailAnchor head;
  std::string held;
  if (parse_checkpoint(state, head) && head.seq > 0 && head.seq < seq) {
    sql::Stmt s = db.prepare("SELECT hash FROM trail WHERE seq = ?");
    s.bind(1, head.seq);
    if (s.step() && s.text(0) == head.hash) return;
  }
  problems.push_back({"trail", std::to_string(seq), "forged",
                      message("checkpoint record {seq} does not seal a head of the chain (its state names record "
                              "{head} with a hash the trail does not hold there)",
                              fmt::arg("seq", seq), fmt::arg("head", head.seq))});
}

}  // namespace

ChainReplay replay_chain(sql::Db& db, Sha256& sha, std::string_view trail_key, const TrailAnchor& from) {
  ChainReplay r;
  r.partial = from.seq > 0;
  std::string prev(r.partial ? from.hash : std::string(kGenesisHash));
  std::int64_t last_seq = r.partial ? from.seq : 0;
  std::vector<std::pair<std::int64_t, std::string>> checkpoints;
  std::string record, state;
  char computed[64];
  std::unique_ptr<HmacSha256> mac;
  std::vector<std::string> other_seals;  // key ids of seal records that are not this key's
  if (!trail_key.empty()) {
    mac = std::make_unique<HmacSha256>(trail_key);
    r.key_id = trail_key_id(trail_key);
    if (r.partial) r.sealed_from = first_seal(db, *mac, r.key_id, from.seq);
  }
  sql::Stmt s = db.prepare(
      "SELECT seq, at, actor, entity, key, action, state, state_size, prev_hash, hash, mac FROM trail WHERE seq > ? "
      "ORDER BY seq");
  s.bind(1, last_seq);
  while (s.step()) {
    const std::int64_t seq = s.i64(0);
    const std::string_view prev_hash = s.text(8), hash = s.text(9);
    check_link(r, seq, last_seq, prev_hash, prev);
    const bool inflated = stored_state(s, 6, state);
    if (!inflated) {
      r.problems.push_back({"trail", std::to_string(seq), "altered",
                            message("the record's deflated state does not inflate to its state_size (entity "
                                    "{entity}, key {key})",
                                    fmt::arg("entity", s.text(3)), fmt::arg("key", s.text(4)))});
      state = "null";
    } else {
      record_json(record, seq, s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), state);
      sha.begin();
      sha.update(prev_hash);
      sha.update(record);
      sha.finish_hex(computed);
      if (std::string_view(computed, 64) != hash)
        r.problems.push_back({"trail", std::to_string(seq), "altered",
                              message("the record's content does not match its hash (entity {entity}, key {key})",
                                      fmt::arg("entity", s.text(3)), fmt::arg("key", s.text(4)))});
    }
    if (mac && !r.sealed_from) {
      if (is_seal_of(s, *mac, r.key_id)) {
        r.sealed_from = seq;
      } else if (s.text(3) == kSealEntity) {
        const nlohmann::json st = nlohmann::json::parse(state, nullptr, false);
        other_seals.push_back(st.is_object() && st.contains("key_id") && st["key_id"].is_string()
                                  ? st["key_id"].get<std::string>()
                                  : "?");
      }
    } else if (mac) {
      // A state that does not inflate is "altered" already; its MAC cannot be recomputed.
      const std::string_view stored_mac = s.text(10);
      const std::string seq_s = std::to_string(seq);
      if (stored_mac.empty()) {
        r.problems.push_back(
            {"trail", seq_s, "unsealed",
             message("record {seq} has no MAC: it was appended without the key", fmt::arg("seq", seq))});
      } else if (inflated) {
        trail_mac(*mac, prev_hash, record, computed);
        if (stored_mac.size() != 64 || CRYPTO_memcmp(computed, stored_mac.data(), 64) != 0)
          r.problems.push_back(
              {"trail", seq_s, "forged",
               message("the MAC of record {seq} does not match the key: someone without the key rewrote it",
                       fmt::arg("seq", seq))});
      }
    }
    if (s.text(3) == kCheckpointEntity)
      checkpoints.emplace_back(seq, state);
    else if (s.text(3) != kSealEntity)
      expect_record(r, sha, s, state, inflated);
    prev = std::string(hash);
    last_seq = seq;
    ++r.records;
  }
  r.head_hash = last_seq ? prev : std::string();
  r.head_seq = last_seq;
  for (const auto& [seq, state] : checkpoints) check_checkpoint(db, seq, state, r.problems);
  if (mac && !r.sealed_from) {
    std::string others;
    for (const std::string& id : other_seals) others += (others.empty() ? "" : " ") + id;
    r.problems.push_back(
        {"trail", "seal", "unsealed",
         other_seals.empty()
             ? message("no record is sealed with this key (the key's key_id {key_id})", fmt::arg("key_id", r.key_id))
             : message("no record is sealed with this key (the key's key_id {key_id}): the trail's seal records have "
                       "key_id {others} (another key, or the seal records were rewritten)",
                       fmt::arg("key_id", r.key_id), fmt::arg("others", others))});
  }
  return r;
}

std::string RowCheck::unrecorded_detail(std::string_view entity, const std::string& key) const {
  if (entity == "response") return response_unrecorded_detail(replay_.unreadable_batches, key);
  return tr("the row has no trail record (written outside libaudit)");
}

std::string RowCheck::trail_state_of(std::string_view entity, const Expected& e) {
  if (entity == "response") return response_trail_state(db_, e.seq, e.index);
  sql::Stmt t = db_.prepare("SELECT state, state_size FROM trail WHERE seq = ?");
  t.bind(1, e.seq);
  std::string state;
  if (!t.step() || !stored_state(t, 0, state)) return "null";
  return state;
}

void RowCheck::operator()(const char* table, const char* entity, const std::string& key, const std::string& state) {
  ++rows_;
  auto& m = replay_.expected[entity];
  auto it = m.find(key);
  if (it == m.end() && replay_.partial) {
    --rows_;  // not written since the checkpoint: the full verify's
    return;
  }
  if (it == m.end() || it->second.deleted) {
    problems_.push_back({table, key, "inserted", unrecorded_detail(entity, key)});
    return;
  }
  it->second.seen = true;
  if (digest_of(sha_, state) != it->second.digest)
    problems_.push_back({table, key, "altered",
                         message("{differences} (last trail record {seq})",
                                 fmt::arg("differences", diff_states(trail_state_of(entity, it->second), state)),
                                 fmt::arg("seq", it->second.seq))});
}

void report_missing(const ChainReplay& replay, const std::vector<const schema::Component*>& components,
                    std::vector<Problem>& problems) {
  auto table_of = [&](const std::string& entity) {
    for (const schema::Component* c : components)
      for (const schema::EntityTable& e : c->entities)
        if (entity == e.entity) return std::string(e.table);
    return entity;
  };
  auto report = [&](const std::string& entity, const std::vector<std::pair<std::int64_t, std::string>>& missing) {
    const std::string table = table_of(entity);
    for (const auto& [seq, key] : missing)
      problems.push_back(
          {table, key, "deleted",
           message("the trail says the row exists (record {seq}) but it is not in the table", fmt::arg("seq", seq))});
  };
  bool responses_done = replay.missing_responses.empty();
  for (const auto& [entity, rows] : replay.expected) {
    if (!responses_done && entity >= "response") {
      report("response", replay.missing_responses);
      responses_done = true;
    }
    std::vector<std::pair<std::int64_t, std::string>> missing;
    for (const auto& [key, e] : rows)
      if (!e.seen && !e.deleted) missing.emplace_back(e.seq, key);
    std::sort(missing.begin(), missing.end());
    report(entity, missing);
  }
  if (!responses_done) report("response", replay.missing_responses);
}

void report_unchecked(sql::Db& db, const std::vector<const schema::Component*>& components,
                      std::vector<Problem>& problems) {
  sql::Stmt s = db.prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
      "AND name <> 'schema_versions' ORDER BY name");
  while (s.step()) {
    const std::string_view name = s.text(0);
    const bool owned = std::any_of(components.begin(), components.end(), [&](const schema::Component* c) {
      return std::find(c->tables.begin(), c->tables.end(), name) != c->tables.end();
    });
    if (!owned)
      problems.push_back({std::string(name), "", "unchecked",
                          tr("no component registered for it (no stage of this program owns this table, so it was "
                             "not checked)")});
  }
}

std::optional<Problem> check_anchor(sql::Db& db, const TrailAnchor& anchor) {
  std::string hash(text::trim(anchor.hash));
  std::transform(hash.begin(), hash.end(), hash.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; });
  if (hash.empty()) return std::nullopt;
  if (anchor.seq <= 0) {
    sql::Stmt s = db.prepare("SELECT 1 FROM trail WHERE hash = ? LIMIT 1");
    s.bind(1, hash);
    if (s.step()) return std::nullopt;
    return Problem{
        "trail", "anchor", "deleted",
        message("no record has the anchored hash {hash}: the trail was cut back or rewritten since it was taken",
                fmt::arg("hash", hash))};
  }
  sql::Stmt s = db.prepare("SELECT hash FROM trail WHERE seq = ?");
  s.bind(1, anchor.seq);
  const std::string seq = std::to_string(anchor.seq);
  if (!s.step())
    return Problem{"trail", "anchor", "deleted",
                   message("the anchor's record {seq} is not in the trail: the trail was cut back after the anchor was "
                           "taken",
                           fmt::arg("seq", seq))};
  if (s.text(0) != hash)
    return Problem{
        "trail", "anchor", "altered",
        message("the hash of record {seq} differs from the anchor {hash}: the trail was rewritten after the anchor "
                "was taken",
                fmt::arg("seq", seq), fmt::arg("hash", hash))};
  return std::nullopt;
}

// ---- The store component's rows ---------------------------------------------------------

void store_rows(sql::Db& db, const schema::RowVisitor& row) {
  {
    sql::Stmt s = db.prepare("SELECT value FROM meta WHERE key = 'body'");
    if (s.step()) row("meta", "body", "body", body_state(s.text(0)));
  }
  {
    sql::Stmt s = db.prepare(
        "SELECT d.code, d.name, coalesce(p.code, ''), d.security_officer, d.security_manager "
        "FROM departments d LEFT JOIN departments p ON p.id = d.parent_id");
    while (s.step()) {
      Department d{s.str(0), s.str(1), s.str(2), s.str(3), s.str(4)};
      row("departments", "department", d.code, department_state(d));
    }
  }
  {
    sql::Stmt s = db.prepare(
        "SELECT s.name, coalesce(d.code, ''), s.tier, s.important_assets FROM systems s "
        "LEFT JOIN departments d ON d.id = s.department_id");
    while (s.step()) {
      System x{s.str(0), s.str(1), s.str(2), s.i64(3) != 0};
      row("systems", "system", x.name, system_state(x));
    }
  }
  {
    sql::Stmt s = db.prepare("SELECT id, checklist_id, version, title, sha256 FROM checklists");
    while (s.step()) {
      const StoredChecklist c{s.i64(0), s.str(1), s.str(2), s.str(3), {}, s.str(4), {}, 0};
      row("checklists", "checklist", checklist_key(c.checklist_id, c.version), checklist_state(c));
    }
  }
  std::vector<std::int64_t> ids;
  {
    sql::Stmt s = db.prepare("SELECT id FROM cycles ORDER BY id");
    while (s.step()) ids.push_back(s.i64(0));
  }
  for (std::int64_t id : ids) row("cycles", "cycle", std::to_string(id), cycle_state(load_cycle(db, id)));
  // The responses rows are check_responses' (phase 2b).
}

namespace {

// "position: checklist 1, table 2; …" for the fields in which two items rows differ.
std::string item_differences(const ItemRow& w, const ItemRow& r) {
  std::string what;
  auto field = [&](const char* name, const std::string& a, const std::string& b) {
    if (a != b)
      what +=
          (what.empty() ? "" : "; ") + message("{field}: checklist {checklist}, table {table}", fmt::arg("field", name),
                                               fmt::arg("checklist", a), fmt::arg("table", b));
  };
  auto flag = [](bool b) { return std::string(b ? "1" : "0"); };
  field("position", std::to_string(w.position), std::to_string(r.position));
  field("chapter_id", w.chapter_id, r.chapter_id);
  field("section_id", w.section_id, r.section_id);
  field("clause", w.clause, r.clause);
  field("weight", nlohmann::json(w.weight).dump(), nlohmann::json(r.weight).dump());
  field("self_inspection", flag(w.self_inspection), flag(r.self_inspection));
  field("audit", flag(w.audit), flag(r.audit));
  field("departments", w.departments, r.departments);
  field("tiers", w.tiers, r.tiers);
  field("important_assets", flag(w.important_assets), flag(r.important_assets));
  return what;
}

// The items rows of checklist `id` against `want` (derived from its content).
void check_items(sql::Db& db, std::int64_t id, const std::string& key, const std::vector<ItemRow>& want,
                 std::vector<Problem>& problems, std::size_t& rows) {
  std::map<std::string, const ItemRow*> expected_items;
  for (const ItemRow& r : want) expected_items.emplace(r.item_id, &r);
  sql::Stmt t = db.prepare(
      "SELECT item_id, position, chapter_id, section_id, clause, weight, self_inspection, audit, departments, tiers, "
      "important_assets FROM items WHERE checklist = ? ORDER BY position");
  t.bind(1, id);
  while (t.step()) {
    const ItemRow r{t.str(0),      t.i64(1),      t.str(2), t.str(3), t.str(4),      t.real(5),
                    t.i64(6) != 0, t.i64(7) != 0, t.str(8), t.str(9), t.i64(10) != 0};
    ++rows;
    auto it = expected_items.find(r.item_id);
    const std::string item_key = key + "/" + r.item_id;
    if (it == expected_items.end()) {
      problems.push_back({"items", item_key, "inserted", tr("the item is not in the stored checklist")});
      continue;
    }
    if (!(*it->second == r)) problems.push_back({"items", item_key, "altered", item_differences(*it->second, r)});
    expected_items.erase(it);
  }
  for (const auto& [item_id, r] : expected_items)
    problems.push_back({"items", key + "/" + item_id, "deleted", tr("the stored checklist has this item")});
}

}  // namespace

void store_checks(sql::Db& db, std::vector<Problem>& problems, std::size_t& rows) {
  Sha256 sha;
  sql::Stmt s = db.prepare("SELECT id, checklist_id, version, sha256, content, yaml FROM checklists");
  while (s.step()) {
    const std::string key = checklist_key(s.text(1), s.text(2));
    if (sha.hex_of(s.text(4)) != s.text(3)) {
      problems.push_back({"checklists", key, "altered", tr("the stored content does not match its sha256")});
      continue;
    }
    // A checklist's YAML must load back to its content, and its items rows (which scoring
    // joins) must be the ones derived from it.
    std::vector<ItemRow> want;
    try {
      const Checklist c = Checklist::from_yaml(s.text(5), "store:" + s.str(1) + "@" + s.str(2));
      if (c.to_json() != s.text(4)) {
        problems.push_back({"checklists", key, "altered", tr("the stored YAML does not match the stored content")});
        continue;
      }
      want = item_rows(c);
    } catch (const Error& e) {
      problems.push_back({"checklists", key, "altered",
                          message("the stored YAML does not load: {reason}", fmt::arg("reason", e.what()))});
      continue;
    }
    check_items(db, s.i64(0), key, want, problems, rows);
  }
}

// ---- Phase 6: the rules ---------------------------------------------------------------------

namespace {

// The states of every entity but responses after the groups absorbed so far.
class RuleStates final : public schema::RuleContext {
 public:
  const std::string* before(std::string_view entity, std::string_view key) const override {
    const auto e = states_.find(entity);
    if (e == states_.end()) return nullptr;
    const auto k = e->second.find(std::string(key));
    return k == e->second.end() ? nullptr : &k->second;
  }
  void absorb(const schema::TrailGroup& group) {
    for (const schema::TrailEntry& r : group.records) {
      if (r.entity == "responses" || r.entity == "response") continue;
      auto& m = states_[r.entity];
      if (r.action == "delete")
        m.erase(r.key);
      else
        m[r.key] = r.state;
    }
  }

 private:
  std::map<std::string, std::unordered_map<std::string, std::string>, std::less<>> states_;
};

}  // namespace

void replay_rules(sql::Db& db, const std::vector<const schema::Component*>& components, std::vector<Problem>& problems,
                  std::int64_t after) {
  std::vector<schema::RuleCheck> rules;
  for (const schema::Component* c : components)
    if (c->rules) rules.push_back(c->rules);
  if (rules.empty()) return;
  RuleStates states;
  schema::TrailGroup group;
  std::size_t bytes = 0;
  auto flush = [&] {
    if (group.records.empty()) return;
    if (group.records.front().seq > after)
      for (schema::RuleCheck check : rules) check(states, group, problems);
    states.absorb(group);
    group.records.clear();
    bytes = 0;
  };
  // Up to `after`, only what the states absorb: the responses batches are not read.
  sql::Stmt s = db.prepare(
      "SELECT seq, at, actor, entity, key, action, state, state_size FROM trail "
      "WHERE seq > ?1 OR entity NOT IN ('responses', 'response') ORDER BY seq");
  s.bind(1, after);
  while (s.step()) {
    if (!group.records.empty() && (s.text(1) != group.at || s.text(2) != group.actor ||
                                   bytes >= schema::kRuleGroupBytes || s.i64(0) == after + 1))
      flush();
    if (group.records.empty()) {
      group.at = s.str(1);
      group.actor = s.str(2);
    }
    schema::TrailEntry& r = group.records.emplace_back();
    r.seq = s.i64(0);
    r.entity = s.str(3);
    r.key = s.str(4);
    r.action = s.str(5);
    if (!stored_state(s, 6, r.state)) r.state = "null";  // replay_chain reports it
    bytes += r.state.size();
  }
  flush();
}

}  // namespace libaudit::detail::verify

namespace libaudit {

const std::string* schema::RuleContext::at(const TrailGroup& group, std::size_t index, std::string_view entity,
                                           std::string_view key) const {
  for (std::size_t i = std::min(index, group.records.size()); i-- > 0;) {
    const TrailEntry& r = group.records[i];
    if (r.entity == entity && r.key == key) return r.action == "delete" ? nullptr : &r.state;
  }
  return before(entity, key);
}

using namespace detail;

std::string Problem::to_string() const {
  return table + (key.empty() ? "" : " " + key) + ": " + kind + (detail.empty() ? "" : ": " + detail);
}

namespace {

// The trail head a connection sees ("seq:hash"; empty for an empty trail).
std::string head_of(sql::Db& db) {
  sql::Stmt s = db.prepare("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1");
  return s.step() ? s.str(0) + ":" + s.str(1) : std::string();
}

// A second read connection to the store's file in a read transaction that sees the head `head`
// (so the same snapshot: every write of the library appends to the trail); null when there is
// none to be had (an in-memory store, a write in between), and verify runs on one connection.
std::unique_ptr<sql::Db> twin_connection(const sql::Db& db, const std::string& path, const std::string& head) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0 || !db.in_transaction()) return nullptr;
  try {
    auto twin = std::make_unique<sql::Db>(path, sql::OpenMode::read_only, db.busy_timeout_ms());
    twin->exec("BEGIN");
    if (head_of(*twin) == head) return twin;
  } catch (const StoreError&) {
  }
  return nullptr;
}

// The latest checkpoint record (its seq and hash) and the head it sealed (head.seq 0 when its
// state names none: then the whole chain is walked, and replay_chain reports the record).
// Nothing when there is none.
struct LatestCheckpoint {
  TrailAnchor record;
  TrailAnchor head;
};

std::optional<LatestCheckpoint> latest_checkpoint(sql::Db& db) {
  sql::Stmt s = db.prepare(
      "SELECT seq, state, state_size, hash FROM trail WHERE entity = 'checkpoint' ORDER BY seq DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  std::string state;
  TrailAnchor head;
  if (!stored_state(s, 1, state) || !detail::verify::parse_checkpoint(state, head) || head.seq >= s.i64(0))
    head = TrailAnchor{};
  return LatestCheckpoint{TrailAnchor{s.i64(0), s.str(3)}, head};
}

// verify(since_checkpoint) on a trail with no checkpoint: an anchor the chain no longer holds
// (the anchor of a checkpoint since removed) is the answer; else NotFoundError.
VerifyReport no_checkpoint(sql::Db& db, const std::string& path, const VerifyOptions& options) {
  if (auto p = detail::verify::check_anchor(db, options.anchor)) {
    VerifyReport report;
    report.problems.push_back(std::move(*p));
    return report;
  }
  throw NotFoundError(
      message("{path} has no checkpoint: write one with `libaudit verify {path} --checkpoint` "
              "(a full verify that seals the head when it finds no problem)",
              fmt::arg("path", path)));
}

// verify(since_checkpoint): phases 1-6 from the latest checkpoint's head on.
VerifyReport verify_since_checkpoint(sql::Db& db, Sha256& sha, const std::string& path, const VerifyOptions& options) {
  namespace v = detail::verify;
  const std::optional<LatestCheckpoint> latest = latest_checkpoint(db);
  if (!latest) return no_checkpoint(db, path, options);
  const auto& [checkpoint, head] = *latest;
  v::ChainReplay replay = v::replay_chain(db, sha, options.trail_key, head);
  VerifyReport report;
  report.checkpoint = checkpoint.seq;
  report.checkpoint_hash = checkpoint.hash;
  report.since = head.seq;
  report.records = replay.records;
  report.head_hash = replay.records ? replay.head_hash : head.hash;
  report.head_seq = replay.head_seq;
  report.sealed_from = replay.sealed_from;
  report.key_id = replay.key_id;
  report.problems = std::move(replay.problems);
  const std::vector<const schema::Component*> components = schema::components();
  v::RowCheck check(db, sha, replay, report.problems, report.rows);
  std::size_t responses_at = report.problems.size();
  for (const schema::Component* c : components) {
    if (c->reader) c->reader(db, std::ref(check));
    if (std::string_view(c->name) == "store") responses_at = report.problems.size();
    if (c->check) c->check(db, report.problems, report.rows);
  }
  v::ResponseCheck r = v::check_responses(db, v::verify_budget(), head.seq);
  report.rows += r.rows;
  report.problems.insert(report.problems.begin() + std::ptrdiff_t(responses_at),
                         std::make_move_iterator(r.problems.begin()), std::make_move_iterator(r.problems.end()));
  replay.missing_responses = std::move(r.missing);
  v::report_missing(replay, components, report.problems);
  v::report_unchecked(db, components, report.problems);
  if (auto p = v::check_anchor(db, options.anchor)) report.problems.push_back(std::move(*p));
  v::replay_rules(db, components, report.problems, head.seq);
  detail::evidence::check_files(db, path, report.problems, report.rows, report.unreferenced);
  return report;
}

}  // namespace

VerifyReport Store::verify(const VerifyOptions& options) const {
  if (!impl_) throw StoreError(tr("the store is closed"));
  sql::Db& db = impl_->db;
  sql::ReadTxn snapshot(db);
  if (options.since_checkpoint) return verify_since_checkpoint(db, impl_->sha, impl_->path, options);
  const std::size_t budget = detail::verify::verify_budget();
  // Phase 2b on a second core when it can have the same snapshot; else after the others.
  std::unique_ptr<sql::Db> twin = twin_connection(db, impl_->path, head_of(db));
  std::future<detail::verify::ResponseCheck> responses;
  if (twin)
    responses =
        std::async(std::launch::async, [&twin, budget] { return detail::verify::check_responses(*twin, budget); });
  detail::verify::ChainReplay replay = detail::verify::replay_chain(db, impl_->sha, options.trail_key);
  VerifyReport report;
  report.records = replay.records;
  report.head_hash = replay.head_hash;
  report.head_seq = replay.head_seq;
  report.sealed_from = replay.sealed_from;
  report.key_id = replay.key_id;
  report.problems = std::move(replay.problems);
  const std::vector<const schema::Component*> components = schema::components();
  detail::verify::RowCheck check(db, impl_->sha, replay, report.problems, report.rows);
  std::size_t responses_at = report.problems.size();  // where the store's reader visited them
  for (const schema::Component* c : components) {
    if (c->reader) c->reader(db, std::ref(check));
    if (std::string_view(c->name) == "store") responses_at = report.problems.size();
    if (c->check) c->check(db, report.problems, report.rows);
  }
  std::vector<Problem> after;  // the phases after report_missing
  detail::verify::report_unchecked(db, components, after);
  if (auto p = detail::verify::check_anchor(db, options.anchor)) after.push_back(std::move(*p));
  detail::verify::replay_rules(db, components, after);
  detail::evidence::check_files(db, impl_->path, after, report.rows, report.unreferenced);
  detail::verify::ResponseCheck r = twin ? responses.get() : detail::verify::check_responses(db, budget);
  report.rows += r.rows;
  report.problems.insert(report.problems.begin() + std::ptrdiff_t(responses_at),
                         std::make_move_iterator(r.problems.begin()), std::make_move_iterator(r.problems.end()));
  replay.missing_responses = std::move(r.missing);
  detail::verify::report_missing(replay, components, report.problems);
  report.problems.insert(report.problems.end(), std::make_move_iterator(after.begin()),
                         std::make_move_iterator(after.end()));
  return report;
}

VerifyReport Store::checkpoint(std::string_view actor, const VerifyOptions& options) {
  require_actor(actor);
  VerifyOptions full = options;
  full.since_checkpoint = false;
  VerifyReport report = verify(full);
  if (!report.ok()) return report;
  Impl& im = *impl_;
  sql::WriteTxn txn(im.db);
  if (head_of(im.db) != (report.head_seq ? std::to_string(report.head_seq) + ":" + report.head_hash : std::string()))
    throw StoreError(tr("the store changed while it was verified: no checkpoint was written (run it again)"));
  TrailWriter trail(im.db, im.sha, im.trail_key, actor, now_utc_iso());
  trail.append(kCheckpointEntity, std::to_string(report.head_seq), "insert",
               detail::verify::checkpoint_state(report.head_seq, report.head_hash, report.records, report.rows));
  report.checkpoint = trail.chain().head_seq();
  report.checkpoint_hash = std::string(trail.chain().head_hash());
  txn.commit();
  return report;
}

}  // namespace libaudit
