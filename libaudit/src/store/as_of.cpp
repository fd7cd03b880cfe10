// Points of the trail and the store as it stood at one (store.h, "Points of the trail"): the
// trail is the history, so every state as of a record is its entity's last record up to it.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_set>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "libaudit/store/store.h"
#include "store/access.h"
#include "store/store_internal.h"

namespace libaudit {

using namespace detail;

namespace {

TrailPoint point_of(const sql::Stmt& s) { return TrailPoint{s.i64(0), s.str(1), s.str(2)}; }

nlohmann::json parse_state(const std::string& state) { return nlohmann::json::parse(state, nullptr, false); }

std::string text_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string trail_short_hash(std::string_view hash) { return std::string(hash.substr(0, 12)); }

std::string trail_anchor_text(std::int64_t seq, std::string_view hash) {
  return seq ? "証跡 " + std::to_string(seq) + ":" + trail_short_hash(hash) : std::string("証跡なし");
}

TrailPoint Store::trail_head() const {
  const Snapshot snap(*this);
  sql::Stmt s = snap.db.prepare("SELECT seq, at, hash FROM trail ORDER BY seq DESC LIMIT 1");
  return s.step() ? point_of(s) : TrailPoint{};
}

TrailPoint Store::trail_point_before(std::string_view utc) const {
  const Snapshot snap(*this);
  // `at` is now_utc_iso's fixed-width form, so text order is time order; seq breaks no ties
  // (records of one transaction share their time and the last of them is the point).
  sql::Stmt s = snap.db.prepare("SELECT seq, at, hash FROM trail WHERE at < ? ORDER BY seq DESC LIMIT 1");
  s.bind(1, std::string(utc));
  return s.step() ? point_of(s) : TrailPoint{};
}

std::vector<TrailPoint> Store::cycle_closes(std::int64_t cycle) const {
  const Snapshot snap(*this);
  snap.load_cycle(cycle);  // NotFoundError
  sql::Stmt s = snap.db.prepare(
      "SELECT seq, at, hash, state, state_size FROM trail WHERE entity = 'cycle' AND key = ? ORDER BY seq");
  s.bind(1, std::to_string(cycle));
  std::vector<TrailPoint> out;
  std::string state, last = "planned";
  while (s.step()) {
    if (!stored_state(s, 3, state)) continue;  // verify reports it
    const std::string status = text_field(parse_state(state), "status");
    if (status == "closed" && last != "closed") out.push_back(point_of(s));
    last = status;
  }
  return out;
}

TrailPoint Store::cycle_point(std::int64_t cycle, std::optional<std::string> as_of_utc) const {
  const Snapshot snap(*this);
  if (snap.load_cycle(cycle).status == CycleStatus::closed) {
    const std::vector<TrailPoint> closes = cycle_closes(cycle);
    if (!closes.empty()) return closes.back();
    // A closed cycle whose closing record is unreadable: as it stands (verify names the damage).
    return trail_head();
  }
  if (!as_of_utc) return trail_head();
  const TrailPoint point = trail_point_before(*as_of_utc);
  sql::Stmt s = snap.db.prepare("SELECT min(seq) FROM trail WHERE entity = 'cycle' AND key = ?");
  s.bind(1, std::to_string(cycle));
  if (s.step() && !s.is_null(0) && point.seq < s.i64(0))
    throw ValidationError({Diagnostic{"<as-of>", 1, 1,
                                      message("cycle {cycle} did not exist yet at that time (before {time}): give a "
                                              "day after it was created",
                                              fmt::arg("cycle", cycle), fmt::arg("time", *as_of_utc))}});
  return point;
}

std::map<std::string, std::string> Store::states_at(std::string_view entity, std::int64_t seq) const {
  const Snapshot snap(*this);
  sql::Stmt s = snap.db.prepare(
      "SELECT seq, key, action, state, state_size FROM trail WHERE entity = ? AND seq <= ? ORDER BY seq");
  s.bind(1, std::string(entity)).bind(2, seq);
  std::map<std::string, std::string> out;
  std::string state;
  while (s.step()) {
    require_stored_state(s, 3, state, path());
    if (s.text(2) == "delete")
      out.erase(s.str(1));
    else
      out.insert_or_assign(s.str(1), state);
  }
  return out;
}

std::vector<Department> Store::departments_at(std::int64_t seq) const {
  std::vector<Department> out;
  for (const auto& [code, state] : states_at("department", seq)) {
    const nlohmann::json j = parse_state(state);
    if (!j.is_object()) continue;
    out.push_back(Department{code, text_field(j, "name"), text_field(j, "parent_code"),
                             text_field(j, "security_officer"), text_field(j, "security_manager"), true});
  }
  // A leaf is nobody's parent: one set of the parents, not a search of every department for each
  // (40,000 課 took seconds).
  std::unordered_set<std::string_view> parents;
  for (const Department& d : out) parents.insert(d.parent_code);
  for (Department& d : out) d.is_leaf = !parents.contains(d.code);
  return out;  // by code: the map's order
}

std::vector<System> Store::systems_at(std::int64_t seq) const {
  std::vector<System> out;
  for (const auto& [name, state] : states_at("system", seq)) {
    const nlohmann::json j = parse_state(state);
    if (!j.is_object()) continue;
    const auto assets = j.find("important_assets");
    out.push_back(System{name, text_field(j, "department"), text_field(j, "tier"),
                         assets != j.end() && assets->is_boolean() && assets->get<bool>()});
  }
  return out;  // by name
}

}  // namespace libaudit
