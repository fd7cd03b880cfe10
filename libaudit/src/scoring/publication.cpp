// Publications (publication.h): close = publish, reopen, and the scoring stage's schema component
// (its tables publications and reopenings, and the reader verify() replays them with).
#include "libaudit/scoring/publication.h"

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/followup/findings.h"
#include "scoring/publication_internal.h"
#include "store/access.h"
#include "store/schema.h"

namespace libaudit {

using json = nlohmann::ordered_json;

namespace {

// ---- The schema component ------------------------------------------------------------------

constexpr const char* kScoringMigrations[] = {
    // 0 -> 1: the editions of each closed cycle and the reopenings between them (publication.h).
    R"sql(
CREATE TABLE publications(
  cycle INTEGER NOT NULL REFERENCES cycles(id),
  edition INTEGER NOT NULL,
  closed_by TEXT NOT NULL,
  closed_at TEXT NOT NULL,
  close_seq INTEGER NOT NULL,
  close_hash TEXT NOT NULL,
  results TEXT NOT NULL,
  changes TEXT NOT NULL,
  PRIMARY KEY (cycle, edition)
) WITHOUT ROWID;
CREATE TABLE reopenings(
  cycle INTEGER NOT NULL REFERENCES cycles(id),
  number INTEGER NOT NULL,
  reason TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (cycle, number)
) WITHOUT ROWID;
)sql",
};

constexpr const char* kScoringTables[] = {"publications", "reopenings"};
constexpr schema::EntityTable kScoringEntities[] = {{"publication", "publications"}, {"reopening", "reopenings"}};

std::string pair_key(std::int64_t cycle, int n) { return "[" + std::to_string(cycle) + "," + std::to_string(n) + "]"; }

// The trail states (canonical: keys in this order, no white space; results and changes are
// canonical JSON already and go in as they are).
std::string publication_state(const Publication& p) {
  std::string s = "{\"cycle\":" + std::to_string(p.cycle) + ",\"edition\":" + std::to_string(p.edition);
  s += ",\"closed_by\":";
  detail::json_string(s, p.closed_by);
  s += ",\"closed_at\":";
  detail::json_string(s, p.closed_at);
  s += ",\"head\":{\"seq\":" + std::to_string(p.close.seq) + ",\"hash\":";
  detail::json_string(s, p.close.hash);
  s += "},\"results\":" + p.results + ",\"changes\":" + p.changes + "}";
  return s;
}

std::string reopening_state(const Reopening& r) {
  return detail::JsonObject()
      .num("cycle", r.cycle)
      .num("number", r.number)
      .str("reason", r.reason)
      .str("by", r.by)
      .done();
}

constexpr const char* kSelectPublications =
    "SELECT cycle, edition, closed_by, closed_at, close_seq, close_hash, results, changes FROM publications";

Publication read_publication(const sql::Stmt& s) {
  Publication p;
  p.cycle = s.i64(0);
  p.edition = int(s.i64(1));
  p.closed_by = s.str(2);
  p.closed_at = s.str(3);
  p.close = TrailPoint{s.i64(4), p.closed_at, s.str(5)};
  p.results = s.str(6);
  p.changes = s.str(7);
  return p;
}

constexpr const char* kSelectReopenings = "SELECT cycle, number, reason, by, at FROM reopenings";

Reopening read_reopening(const sql::Stmt& s) {
  return Reopening{s.i64(0), int(s.i64(1)), s.str(2), s.str(3), s.str(4)};
}

void scoring_rows(sql::Db& db, const schema::RowVisitor& row) {
  {
    sql::Stmt s = db.prepare(kSelectPublications);
    while (s.step()) {
      const Publication p = read_publication(s);
      row("publications", "publication", pair_key(p.cycle, p.edition), publication_state(p));
    }
  }
  sql::Stmt s = db.prepare(kSelectReopenings);
  while (s.step()) {
    const Reopening r = read_reopening(s);
    row("reopenings", "reopening", pair_key(r.cycle, r.number), reopening_state(r));
  }
}

constexpr schema::Component kScoringComponent{
    "scoring", 5, kScoringMigrations, kScoringTables, kScoringEntities, &scoring_rows, nullptr};

// ---- Results ---------------------------------------------------------------------------------

json number_or_null(double x) { return std::isnan(x) ? json(nullptr) : json(x); }

json group_json(const GroupScore& g) {
  const Counts& c = g.counts;
  return json{{"group", g.group},
              {"name", g.name},
              {"score", number_or_null(g.score)},
              {"maximum", number_or_null(g.maximum)},
              {"band", g.band},
              {"counts", json{{"pairs", c.pairs},
                              {"not_applicable", c.not_applicable},
                              {"excepted", c.excepted},
                              {"unanswered", c.unanswered},
                              {"implemented", c.implemented},
                              {"partial", c.partial},
                              {"not_implemented", c.not_implemented},
                              {"unknown", c.unknown}}}};
}

constexpr GroupBy kPublished[] = {GroupBy::body, GroupBy::parent, GroupBy::department, GroupBy::chapter};

json results_json(const CycleAt& at) {
  json models = json::object();
  for (const std::string& name : model_names()) {
    ScoreOptions o = at.options;
    o.model = name;
    json m = json::object();
    for (GroupBy by : kPublished) {
      json rows = json::array();
      const ScoreTable t = score(at.data, by, o);
      for (const GroupScore& g : t.rows) rows.push_back(group_json(g));
      m[std::string(to_string(by))] = std::move(rows);
      // 全庁共通事項, only for a cycle that has it: the publications of the others keep their form.
      if (by == GroupBy::body && t.body_level)
        m[std::string(kBodyLevelGroup)] = json::array({group_json(*t.body_level)});
    }
    models[name] = std::move(m);
  }
  return json{{"models", std::move(models)}};
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

// What edition `edition` (>= 2) changed since the one before: the reopening, the answers written
// after the previous close, the exceptions that count now and did not then, and the rate scores
// (body and 課) that moved.
json changes_json(const Store& store, std::int64_t cycle, const Publication& previous, const json& results,
                  const std::set<std::pair<std::string, std::string>>& now_excepted, const Reopening& reopening) {
  json out = json::object();
  out["reopening"] =
      json{{"number", reopening.number}, {"reason", reopening.reason}, {"by", reopening.by}, {"at", reopening.at}};
  // The last write of each (課, item) after the previous close, against its answer then.
  std::map<std::pair<std::string, std::string>, std::string> last;
  for (const ResponseWrite& w : store.responses_written_after(cycle, previous.close.seq))
    last[{w.department, w.item}] = w.version.answer;
  json late = json::array();
  for (const auto& [key, answer] : last) {
    std::string before;
    for (const ResponseVersion& v : store.response_history(cycle, key.first, key.second))
      if (v.seq <= previous.close.seq) before = v.answer;
    if (before != answer) late.push_back(json::array({key.first, key.second, before, answer}));
  }
  out["late_answers"] = std::move(late);
  // Exceptions that began or ceased to count between the closes (approved since: counted now).
  const std::set<std::pair<std::string, std::string>> was = Exceptions(store).for_scoring(cycle, previous.close);
  json began = json::array();
  for (const auto& [dept, item] : now_excepted)
    if (!was.count({dept, item})) began.push_back(json::array({dept, item}));
  out["exceptions"] = std::move(began);
  json moved = json::array();
  const json old = json::parse(previous.results, nullptr, false);
  for (const char* by : {"body", "department"}) {
    std::map<std::string, json> was;
    if (old.is_object() && old.contains("models") && old["models"].contains("rate"))
      for (const auto& r : old["models"]["rate"][by]) was[r["group"].get<std::string>()] = r["score"];
    for (const auto& r : results["models"]["rate"][by]) {
      const auto it = was.find(r["group"].get<std::string>());
      const json before = it == was.end() ? json(nullptr) : it->second;
      if (before != r["score"])
        moved.push_back(
            json{{"by", by}, {"group", r["group"]}, {"name", r["name"]}, {"before", before}, {"after", r["score"]}});
    }
  }
  out["scores"] = std::move(moved);
  return out;
}

std::vector<Publication> publications_of(sql::Db& db, std::int64_t cycle) {
  static const std::string text = std::string(kSelectPublications) + " WHERE cycle = ? ORDER BY edition";
  sql::Stmt s = db.prepare(text.c_str());
  s.bind(1, cycle);
  std::vector<Publication> out;
  while (s.step()) out.push_back(read_publication(s));
  for (Publication& p : out) {
    sql::Stmt t = db.prepare(
        "SELECT seq, at, hash FROM trail WHERE entity = 'publication' AND key = ? ORDER BY seq DESC LIMIT 1");
    t.bind(1, pair_key(p.cycle, p.edition));
    if (t.step()) p.record = TrailPoint{t.i64(0), t.str(1), t.str(2)};
  }
  return out;
}

std::vector<Reopening> reopenings_of(sql::Db& db, std::int64_t cycle) {
  static const std::string text = std::string(kSelectReopenings) + " WHERE cycle = ? ORDER BY number";
  sql::Stmt s = db.prepare(text.c_str());
  s.bind(1, cycle);
  std::vector<Reopening> out;
  while (s.step()) out.push_back(read_reopening(s));
  return out;
}

}  // namespace

bool detail::register_scoring_schema() noexcept { return schema::register_component(kScoringComponent); }

Store& Publications::writable() const {
  if (read_only_) throw StoreError(tr("this Publications was made from a read-only Store"));
  return store_;
}

Publication Publications::close(std::string_view by, std::int64_t cycle) {
  Store& store = writable();
  Store::Transaction txn(store);
  if (const Cycle c = txn.load_cycle(cycle); c.status != CycleStatus::open)  // NotFoundError
    throw CycleStateError(c.status == CycleStatus::closed
                              ? message("cycle {cycle} ({name}) is closed already: only an open cycle can be closed",
                                        fmt::arg("cycle", cycle), fmt::arg("name", c.name))
                              : message("cycle {cycle} ({name}) is not started yet: only an open cycle can be closed",
                                        fmt::arg("cycle", cycle), fmt::arg("name", c.name)));
  txn.move_cycle(by, cycle, CycleStatus::open, CycleStatus::closed);
  detail::TrailWriter& trail = txn.trail(by, now_utc_iso());
  const std::vector<Publication> before = publications_of(txn.db, cycle);
  Publication p;
  p.cycle = cycle;
  p.edition = before.empty() ? 1 : before.back().edition + 1;
  p.closed_by = std::string(by);
  p.closed_at = trail.at();
  p.close = TrailPoint{trail.chain().head_seq(), trail.at(), std::string(trail.chain().head_hash())};
  // Inside the transaction: the reads see the close, so the cycle is read at it (CycleAt).
  const CycleAt at = CycleAt::load(store, cycle);
  const json results = results_json(at);
  p.results = dump(results);
  json changes = json::object();
  if (!before.empty()) {
    const std::vector<Reopening> r = reopenings_of(txn.db, cycle);
    changes =
        changes_json(store, cycle, before.back(), results, at.options.exceptions, r.empty() ? Reopening{} : r.back());
  }
  p.changes = dump(changes);
  txn.db
      .prepare(
          "INSERT INTO publications(cycle, edition, closed_by, closed_at, close_seq, close_hash, results, changes) "
          "VALUES (?,?,?,?,?,?,?,?)")
      .bind_all(p.cycle, std::int64_t(p.edition), p.closed_by, p.closed_at, p.close.seq, p.close.hash, p.results,
                p.changes)
      .run();
  trail.append("publication", pair_key(p.cycle, p.edition), "insert", publication_state(p));
  p.record = TrailPoint{trail.chain().head_seq(), trail.at(), std::string(trail.chain().head_hash())};
  txn.commit();
  return p;
}

Reopening Publications::reopen(std::string_view by, std::int64_t cycle, std::string_view reason) {
  Store& store = writable();
  const std::string why(text::trim(reason));
  if (why.empty() || text::find_invalid_utf8(why))
    throw ValidationError(
        {Diagnostic{"<reopen>", 1, 1, tr("write the reason for reopening (--reason): it is kept in the trail")}});
  Store::Transaction txn(store);
  const Person p = People(static_cast<const Store&>(store)).get(by);  // NotFoundError
  if (!p.has("chief_auditor") && !p.has("ciso"))
    throw RoleError(
        message("{name} cannot reopen a closed cycle: a cycle is reopened by the {chief_auditor} or the "
                "{ciso} (CISO)",
                fmt::arg("name", p.name), fmt::arg("chief_auditor", label_of(Vocabulary::role, "chief_auditor")),
                fmt::arg("ciso", label_of(Vocabulary::role, "ciso"))));
  if (const Cycle c = txn.load_cycle(cycle); c.status != CycleStatus::closed)  // NotFoundError
    throw CycleStateError(message("cycle {cycle} ({name}) is not closed: only a closed cycle can be reopened",
                                  fmt::arg("cycle", cycle), fmt::arg("name", c.name)));
  txn.move_cycle(p.name, cycle, CycleStatus::closed, CycleStatus::open);
  detail::TrailWriter& trail = txn.trail(p.name, now_utc_iso());
  const std::vector<Reopening> before = reopenings_of(txn.db, cycle);
  Reopening r{cycle, before.empty() ? 1 : before.back().number + 1, why, p.name, trail.at()};
  txn.db.prepare("INSERT INTO reopenings(cycle, number, reason, by, at) VALUES (?,?,?,?,?)")
      .bind_all(r.cycle, std::int64_t(r.number), r.reason, r.by, r.at)
      .run();
  trail.append("reopening", pair_key(r.cycle, r.number), "insert", reopening_state(r));
  txn.commit();
  return r;
}

std::vector<Publication> Publications::list(std::int64_t cycle) const {
  const Store::Snapshot snap(store_);
  snap.load_cycle(cycle);  // NotFoundError
  return publications_of(snap.db, cycle);
}

std::optional<Publication> Publications::latest(std::int64_t cycle) const {
  std::vector<Publication> all = list(cycle);
  if (all.empty()) return std::nullopt;
  return std::move(all.back());
}

std::vector<Reopening> Publications::reopenings(std::int64_t cycle) const {
  const Store::Snapshot snap(store_);
  snap.load_cycle(cycle);  // NotFoundError
  return reopenings_of(snap.db, cycle);
}

}  // namespace libaudit
