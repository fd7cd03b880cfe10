// The store: opening and migrating the database, organisation, checklists and cycles.
// Bulk imports are in import.cpp, the trail in trail.cpp, verify() in verify.cpp, the
// registry of schema components in schema.cpp.
#include "libaudit/store/store.h"

#include <openssl/rand.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/store/applicability.h"
#include "store/evidence_targets.h"
#include "store/schema.h"
#include "store/store_internal.h"
#include "store/verify.h"

namespace libaudit {

using namespace detail;

namespace {

// The store component's migrations (schema.h): kStoreMigrations[v] takes its tables from
// version v to v + 1.
constexpr const char* kStoreMigrations[] = {
    // 0 -> 1: the first schema (global user_version 1). (CHECKs list values with OR, not IN: SQLite builds a temporary
    // index for a constant IN list of more than two values on every execution of an INSERT.)
    R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE departments(
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  parent_id INTEGER REFERENCES departments(id),
  security_officer TEXT NOT NULL DEFAULT '',
  security_manager TEXT NOT NULL DEFAULT ''
);
CREATE INDEX departments_parent ON departments(parent_id);
CREATE TABLE systems(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  department_id INTEGER NOT NULL REFERENCES departments(id),
  tier TEXT NOT NULL CHECK (tier = 'mynumber' OR tier = 'lgwan' OR tier = 'internet'),
  important_assets INTEGER NOT NULL DEFAULT 0 CHECK (important_assets IN (0, 1))
);
CREATE INDEX systems_department ON systems(department_id);
CREATE TABLE checklists(
  id INTEGER PRIMARY KEY,
  checklist_id TEXT NOT NULL,
  version TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  content TEXT NOT NULL,
  yaml TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  UNIQUE (checklist_id, version)
);
CREATE TABLE items(
  checklist INTEGER NOT NULL REFERENCES checklists(id),
  item_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  chapter_id TEXT NOT NULL,
  section_id TEXT NOT NULL,
  clause TEXT NOT NULL,
  weight REAL NOT NULL,
  self_inspection INTEGER NOT NULL,
  audit INTEGER NOT NULL,
  departments TEXT NOT NULL CHECK (departments IN ('all', 'system_owners')),
  tiers TEXT NOT NULL,
  important_assets INTEGER NOT NULL,
  PRIMARY KEY (checklist, item_id)
) WITHOUT ROWID;
CREATE TABLE cycles(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'self_inspection' OR kind = 'internal_audit' OR kind = 'external_audit'),
  fiscal_year INTEGER NOT NULL,
  checklist INTEGER NOT NULL REFERENCES checklists(id),
  status TEXT NOT NULL CHECK (status = 'planned' OR status = 'open' OR status = 'closed'),
  created_at TEXT NOT NULL
);
CREATE TABLE cycle_departments(
  cycle INTEGER NOT NULL REFERENCES cycles(id),
  department INTEGER NOT NULL REFERENCES departments(id),
  PRIMARY KEY (cycle, department)
) WITHOUT ROWID;
CREATE TABLE responses(
  cycle INTEGER NOT NULL,
  department INTEGER NOT NULL,
  item_id TEXT NOT NULL,
  answer TEXT NOT NULL CHECK (answer = 'implemented' OR answer = 'partial' OR answer = 'not_implemented' OR answer = 'not_applicable' OR answer = 'unknown'),
  comment TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '',
  answered_by TEXT NOT NULL,
  answered_at TEXT NOT NULL,
  PRIMARY KEY (cycle, department, item_id),
  FOREIGN KEY (cycle, department) REFERENCES cycle_departments(cycle, department)
) WITHOUT ROWID;
CREATE TABLE trail(
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  entity TEXT NOT NULL,
  key TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action = 'insert' OR action = 'update' OR action = 'delete' OR action = 'batch'),
  state TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER trail_append_only_update BEFORE UPDATE ON trail
  BEGIN SELECT RAISE(ABORT, 'the trail is append-only'); END;
CREATE TRIGGER trail_append_only_delete BEFORE DELETE ON trail
  BEGIN SELECT RAISE(ABORT, 'the trail is append-only'); END;
)sql",
    // 1 -> 2 (global user_version 3): a trail record's state may be stored deflated (zlib): state_size is then the
    // length of its JSON, 0 when `state` is the JSON text (docs/store.md, "The trail").
    R"sql(
ALTER TABLE trail ADD COLUMN state_size INTEGER NOT NULL DEFAULT 0;
)sql",
    // 2 -> 3: a record written with a trail key carries its MAC, '' without one; the seal records (whose last one a
    // keyed writer looks up on every write) are indexed on their own (docs/store.md, "Threat model"). The records of
    // one entity (one key) are indexed in trail order: reading the store as it stood at a point (as_of.cpp, history)
    // walks one entity's records, not the whole trail.
    R"sql(
ALTER TABLE trail ADD COLUMN mac TEXT NOT NULL DEFAULT '';
CREATE INDEX trail_seals ON trail(seq) WHERE entity = 'trail_seal';
CREATE INDEX trail_entity ON trail(entity, key, seq);
)sql",
    // 3 -> 4: the 課 that answers a cycle's body-level items (全庁共通事項), by code; '' for the cycles created
    // before it, which keep the rule they were created under (every target 課 answers every item).
    R"sql(
ALTER TABLE cycles ADD COLUMN secretariat TEXT NOT NULL DEFAULT '';
)sql",
};

constexpr const char* kStoreTables[] = {"meta",   "departments",       "systems",   "checklists", "items",
                                        "cycles", "cycle_departments", "responses", "trail"};
constexpr schema::EntityTable kStoreEntities[] = {{"body", "meta"},      {"department", "departments"},
                                                  {"system", "systems"}, {"checklist", "checklists"},
                                                  {"cycle", "cycles"},   {"response", "responses"}};
constexpr schema::Component kStoreComponent{"store",
                                            4,
                                            kStoreMigrations,
                                            kStoreTables,
                                            kStoreEntities,
                                            &verify::store_rows,
                                            &verify::store_checks,
                                            &verify::store_rules};
// Here, beside Store::open, so that every program that opens a store registers it.
const bool kStoreRegistered = schema::register_component(kStoreComponent);
// The evidence component (evidence.cpp) too: every store knows the evidence tables.
const bool kEvidenceRegistered = evidence::register_schema();

// Counts an upsert's rows and names the trail action of the one in hand.
struct UpsertCounter {
  ImportResult result;
  bool update = false;
  explicit UpsertCounter(std::size_t rows) { result.rows = rows; }
  // Whether a row (stored before or not, equal to it or not) is to be written.
  bool changes(bool exists, bool equal) {
    if (equal) {
      ++result.unchanged;
      return false;
    }
    update = exists;
    ++(exists ? result.updated : result.inserted);
    return true;
  }
  const char* action() const { return update ? "update" : "insert"; }
};

void check_text(std::vector<Diagnostic>& diags, const std::string& source, int line, std::string_view value) {
  if (text::find_invalid_utf8(value)) diags.push_back({source, line, 1, tr("a field is not valid UTF-8")});
}

}  // namespace

// ---- Imports' shared steps ---------------------------------------------------------------

std::vector<int> detail::csv_columns(const csv::Table& t, std::span<const char* const> cols, std::size_t required,
                                     std::string_view expected) {
  std::vector<Diagnostic> diags;
  std::vector<int> col;
  for (std::size_t k = 0; k < cols.size(); ++k) {
    col.push_back(csv::column(t.header, cols[k]));
    if (col.back() < 0 && k < required)
      diags.push_back({t.source, 1, 1, message("missing column '{column}'", fmt::arg("column", cols[k]))});
  }
  for (const std::string& h : t.header) {
    bool known = false;
    for (const char* c : cols) known |= csv::column({h}, c) == 0;
    if (!known)
      diags.push_back({t.source, 1, 1,
                       message("unknown column '{column}' (expected {expected})", fmt::arg("column", h),
                               fmt::arg("expected", expected))});
  }
  if (!diags.empty()) throw ImportValidationError(std::move(diags));
  return col;
}

std::string detail::csv_field(const csv::Record& r, const std::vector<int>& col, std::size_t k) {
  return col[k] < 0 ? std::string() : r.fields[std::size_t(col[k])];
}

void detail::throw_import_errors(std::vector<Diagnostic>& diags) {
  if (diags.empty()) return;
  std::stable_sort(diags.begin(), diags.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  throw ImportValidationError(std::move(diags));
}

// ---- Enumerations ------------------------------------------------------------------------

std::string_view to_string(CycleKind k) noexcept { return enum_id(Vocabulary::cycle_kind, k, "self_inspection"); }

std::string_view to_string(CycleStatus s) noexcept { return enum_id(Vocabulary::cycle_status, s, "planned"); }

CycleKind parse_cycle_kind(std::string_view s) {
  if (const auto k = enum_of<CycleKind>(Vocabulary::cycle_kind, normalise_key(s))) return *k;
  throw ValidationError(
      {Diagnostic{"<kind>", 1, 1,
                  message("unknown cycle kind '{kind}' (self_inspection, internal_audit or external_audit)",
                          fmt::arg("kind", s))}});
}

namespace {
CycleStatus parse_status(std::string_view s) {
  return enum_of_id<CycleStatus>(Vocabulary::cycle_status, s).value_or(CycleStatus::planned);
}
}  // namespace

std::string_view to_string(Answer a) noexcept { return enum_id(Vocabulary::answer, a, "unknown"); }

std::string_view answer_label(Answer a) noexcept { return label_of(Vocabulary::answer, to_string(a)); }

std::optional<Answer> parse_answer(std::string_view s) {
  if (const auto a = enum_of<Answer>(Vocabulary::answer, s)) return a;
  return enum_of<Answer>(Vocabulary::answer, normalise_key(s));
}

// ---- Opening -----------------------------------------------------------------------------

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Store Store::open(const std::filesystem::path& path, const OpenOptions& options) {
  const std::string p = path.string();
  if ((!options.create || options.read_only) && p != ":memory:" && !std::filesystem::exists(path))
    throw StoreError(message("no store at {path} (create one with `libaudit init {path}`)", fmt::arg("path", p)));
  if (options.read_only && p == ":memory:") throw StoreError(tr("a read-only store must be a file, not :memory:"));
  if (!options.trail_key.empty() && options.trail_key.size() < kTrailKeyBytes)
    throw ValidationError(
        {Diagnostic{"<trail_key>", 1, 1,
                    message("the trail key is too short: {size} bytes ({minimum} bytes or more)",
                            fmt::arg("size", options.trail_key.size()), fmt::arg("minimum", kTrailKeyBytes))}});
  auto impl = std::make_unique<Impl>(p, options);
  impl->trail_key = options.trail_key;
  sql::Db& db = impl->db;
  db.exec("PRAGMA foreign_keys = ON");
  if (options.read_only) {
    db.exec("PRAGMA cache_size = -65536");
    db.exec("PRAGMA temp_store = MEMORY");
    schema::require_current(db, p);
    return Store(std::move(impl));
  }
  if (p != ":memory:") {
    // Switching to WAL needs a moment of exclusive access; Db::exec retries while busy.
    db.exec("PRAGMA journal_mode = WAL");
  }
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA cache_size = -65536");
  db.exec("PRAGMA temp_store = MEMORY");
  schema::migrate(db, p);
  return Store(std::move(impl));
}

void Store::close() noexcept { impl_.reset(); }
bool Store::is_open() const noexcept { return impl_ != nullptr; }

const std::string& Store::path() const noexcept {
  static const std::string kClosed;
  return impl_ ? impl_->path : kClosed;
}

namespace {
Store::Impl& live(const std::unique_ptr<Store::Impl>& p) {
  if (!p) throw StoreError(tr("the store is closed"));
  return *p;
}
}  // namespace

int Store::schema_version() const { return int(live(impl_).db.query_int("PRAGMA user_version")); }

std::map<std::string, int> Store::schema_versions() const { return schema::recorded_versions(live(impl_).db); }

std::string Store::body() const {
  sql::Stmt s = live(impl_).db.prepare("SELECT value FROM meta WHERE key = 'body'");
  return s.step() ? s.str(0) : std::string();
}

void Store::set_body(std::string_view actor, std::string_view body) {
  require_actor(actor);
  Impl& im = live(impl_);
  const std::string b(text::trim(body));
  if (b.empty() || text::find_invalid_utf8(b))
    throw ValidationError({Diagnostic{"<body>", 1, 1, tr("the body's name must be non-empty UTF-8")}});
  sql::WriteTxn txn(im.db);
  std::string old;
  bool had = false;
  {
    sql::Stmt s = im.db.prepare("SELECT value FROM meta WHERE key = 'body'");
    if (s.step()) {
      had = true;
      old = s.str(0);
    }
  }
  if (had && old == b) return;
  im.db.prepare("INSERT INTO meta(key, value) VALUES ('body', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, b)
      .run();
  TrailWriter trail(im.db, im.sha, im.trail_key, actor, now_utc_iso());
  trail.append("body", "body", had ? "update" : "insert", body_state(b));
  txn.commit();
}

std::string Store::exchange_secret() {
  Impl& im = live(impl_);
  auto read = [&] {
    sql::Stmt s = im.db.prepare("SELECT value FROM meta WHERE key = 'exchange_secret'");
    return s.step() ? s.str(0) : std::string();
  };
  if (std::string v = read(); !v.empty()) return v;
  sql::WriteTxn txn(im.db);
  if (std::string v = read(); !v.empty()) return v;  // another writer created it first
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) throw StoreError(tr("cannot draw a random exchange secret (RAND_bytes)"));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : key) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  im.db.prepare("INSERT INTO meta(key, value) VALUES ('exchange_secret', ?)").bind(1, hex).run();
  txn.commit();
  return hex;
}

// ---- Organisation ------------------------------------------------------------------------

std::int64_t detail::department_id(sql::Db& db, std::string_view code) {
  sql::Stmt s = db.prepare("SELECT id FROM departments WHERE code = ?");
  s.bind(1, code);
  return s.step() ? s.i64(0) : 0;
}

std::vector<Department> Store::departments() const {
  sql::Stmt s = live(impl_).db.prepare(
      "SELECT d.code, d.name, coalesce(p.code, ''), d.security_officer, d.security_manager, "
      "NOT EXISTS (SELECT 1 FROM departments c WHERE c.parent_id = d.id) "
      "FROM departments d LEFT JOIN departments p ON p.id = d.parent_id ORDER BY d.code");
  std::vector<Department> out;
  while (s.step()) out.push_back({s.str(0), s.str(1), s.str(2), s.str(3), s.str(4), s.i64(5) != 0});
  return out;
}

Department Store::department(std::string_view code) const {
  const std::string c = normalise_key(code);
  for (Department& d : departments())
    if (d.code == c) return d;
  throw NotFoundError(message("no department with code '{code}'", fmt::arg("code", code)));
}

void Store::put_department(std::string_view actor, const Department& d) {
  import_departments(actor, {DepartmentRow{d, 1}}, ImportOptions{"<department>", {}});
}

namespace {

// Each row on its own, normalised into `in` (line_of: code -> line).
std::vector<Department> clean_departments(const std::vector<DepartmentRow>& rows, const std::string& src,
                                          std::vector<Diagnostic>& diags,
                                          std::unordered_map<std::string, int>& line_of) {
  std::vector<Department> in;
  in.reserve(rows.size());
  for (const DepartmentRow& r : rows) {
    Department d = r.department;
    for (auto* f : {&d.code, &d.name, &d.parent_code, &d.security_officer, &d.security_manager})
      check_text(diags, src, r.line, *f);
    if (!diags.empty() && diags.back().line == r.line) continue;
    d.code = normalise_key(d.code);
    d.parent_code = normalise_key(d.parent_code);
    d.name = std::string(text::trim(d.name));
    d.security_officer = std::string(text::trim(d.security_officer));
    d.security_manager = std::string(text::trim(d.security_manager));
    if (d.code.empty())
      diags.push_back({src, r.line, 1, tr("code is empty")});
    else if (d.code.find_first_of("/\"\\") != std::string::npos)
      diags.push_back({src, r.line, 1, message("code '{code}' contains '/', '\"' or '\\'", fmt::arg("code", d.code))});
    if (d.name.empty()) diags.push_back({src, r.line, 1, tr("the department's name is empty")});
    if (!d.code.empty() && d.code == d.parent_code)
      diags.push_back({src, r.line, 1, message("department {code} is its own parent", fmt::arg("code", d.code))});
    if (auto [it, fresh] = line_of.emplace(d.code, r.line); !fresh)
      diags.push_back({src, r.line, 1,
                       message("department {code} is listed twice (also on line {line})", fmt::arg("code", d.code),
                               fmt::arg("line", it->second))});
    in.push_back(std::move(d));
  }
  return in;
}

// Parents of the stored and the incoming departments (code -> parent code): every parent
// exists, in the file or stored, and no loops.
std::unordered_map<std::string, std::string> check_parents(const std::vector<Department>& in,
                                                           const std::unordered_map<std::string, Department>& stored,
                                                           std::unordered_map<std::string, int>& line_of,
                                                           const std::string& src, std::vector<Diagnostic>& diags) {
  std::unordered_map<std::string, std::string> parent;
  for (const auto& [code, d] : stored) parent[code] = d.parent_code;
  for (const Department& d : in) parent[d.code] = d.parent_code;
  for (const Department& d : in) {
    const int line = line_of[d.code];
    if (!d.parent_code.empty() && !parent.count(d.parent_code))
      diags.push_back(
          {src, line, 1, message("parent_code '{code}' names no department", fmt::arg("code", d.parent_code))});
    std::set<std::string> seen{d.code};
    for (std::string p = d.parent_code; !p.empty(); p = parent.count(p) ? parent[p] : std::string()) {
      if (!seen.insert(p).second) {
        diags.push_back(
            {src, line, 1, message("department {code} is part of a parent loop", fmt::arg("code", d.code))});
        break;
      }
    }
  }
  return parent;
}

// Indices of `in` ordered parents before children (by depth).
std::vector<std::size_t> parents_first(const std::vector<Department>& in,
                                       std::unordered_map<std::string, std::string>& parent) {
  auto depth = [&](const std::string& code) {
    int n = 0;
    for (std::string p = parent[code]; !p.empty() && n < 10000; p = parent[p]) ++n;
    return n;
  };
  std::vector<std::pair<int, std::size_t>> order;
  for (std::size_t k = 0; k < in.size(); ++k) order.emplace_back(depth(in[k].code), k);
  std::stable_sort(order.begin(), order.end());
  std::vector<std::size_t> out;
  for (const auto& [d, k] : order) out.push_back(k);
  return out;
}

void upsert_department(sql::Db& db, const Department& d) {
  const std::int64_t parent_id = d.parent_code.empty() ? 0 : department_id(db, d.parent_code);
  sql::Stmt s = db.prepare(
      "INSERT INTO departments(code, name, parent_id, security_officer, security_manager) VALUES (?,?,?,?,?) "
      "ON CONFLICT(code) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id, "
      "security_officer = excluded.security_officer, security_manager = excluded.security_manager");
  s.bind(1, d.code).bind(2, d.name).bind(4, d.security_officer).bind(5, d.security_manager);
  if (parent_id)
    s.bind(3, parent_id);
  else
    s.bind_null(3);
  s.run();
}

}  // namespace

ImportResult Store::import_departments(std::string_view actor, const std::vector<DepartmentRow>& rows,
                                       const ImportOptions& options) {
  require_actor(actor);
  Impl& im = live(impl_);
  std::vector<Diagnostic> diags;
  std::unordered_map<std::string, int> line_of;
  const std::vector<Department> in = clean_departments(rows, options.source, diags, line_of);
  sql::WriteTxn txn(im.db);
  std::unordered_map<std::string, Department> stored;
  for (Department& d : departments()) stored.emplace(d.code, std::move(d));
  auto parent = check_parents(in, stored, line_of, options.source, diags);
  throw_import_errors(diags);
  auto same = [](const Department& a, const Department& b) {
    return a.name == b.name && a.parent_code == b.parent_code && a.security_officer == b.security_officer &&
           a.security_manager == b.security_manager;
  };
  UpsertCounter count(rows.size());
  TrailWriter trail(im.db, im.sha, im.trail_key, actor, now_utc_iso());
  for (std::size_t k : parents_first(in, parent)) {
    const Department& d = in[k];
    const auto it = stored.find(d.code);
    if (!count.changes(it != stored.end(), it != stored.end() && same(it->second, d))) continue;
    upsert_department(im.db, d);
    trail.append("department", d.code, count.action(), department_state(d));
  }
  txn.commit();
  return count.result;
}

ImportResult Store::import_departments_csv(std::string_view actor, const std::filesystem::path& file,
                                           csv::Encoding encoding) {
  const csv::Table t = csv::read(file, encoding);
  static constexpr const char* kCols[] = {"code", "name", "parent_code", "security_officer", "security_manager"};
  const auto rows = csv_rows<DepartmentRow>(t, kCols, 2, "code,name,parent_code,security_officer,security_manager",
                                            [](const auto& f, int line) {
                                              return DepartmentRow{Department{f(0), f(1), f(2), f(3), f(4)}, line};
                                            });
  return import_departments(actor, rows, ImportOptions{t.source, {}});
}

// ---- Systems -----------------------------------------------------------------------------

std::vector<System> Store::systems() const {
  sql::Stmt s = live(impl_).db.prepare(
      "SELECT s.name, d.code, s.tier, s.important_assets FROM systems s JOIN departments d ON d.id = s.department_id "
      "ORDER BY s.name");
  std::vector<System> out;
  while (s.step()) out.push_back({s.str(0), s.str(1), s.str(2), s.i64(3) != 0});
  return out;
}

void Store::put_system(std::string_view actor, const System& x) {
  import_systems(actor, {SystemRow{x, "", 1}}, ImportOptions{"<system>", {}});
}

namespace {
std::optional<bool> parse_flag(std::string_view s) {
  const std::string n = normalise_key(s);
  std::string lower = n;
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  for (const char* t : {"1", "true", "yes", "y", "はい", "有", "あり", "○", "◯"})
    if (lower == t) return true;
  for (const char* f : {"0", "false", "no", "n", "いいえ", "無", "なし", "×", "-", ""})
    if (lower == f) return false;
  return std::nullopt;
}

std::optional<std::string> parse_tier(std::string_view s) {
  const std::string n = normalise_key(s);
  for (const Term& t : tiers())
    if (n == t.id || n == text::nfkc(t.label)) return std::string(t.id);
  // The seeds' other names for the tiers (DOMAIN.md).
  static const std::pair<const char*, const char*> kAliases[] = {{"個人番号利用事務系", "mynumber"},
                                                                 {"業務系", "mynumber"},
                                                                 {"基幹系", "mynumber"},
                                                                 {"情報系", "lgwan"},
                                                                 {"公開系", "internet"}};
  for (const auto& [alias, id] : kAliases)
    if (n == alias) return std::string(id);
  return std::nullopt;
}
}  // namespace

ImportResult Store::import_systems(std::string_view actor, const std::vector<SystemRow>& rows,
                                   const ImportOptions& options) {
  require_actor(actor);
  Impl& im = live(impl_);
  const std::string& src = options.source;
  std::vector<Diagnostic> diags;
  std::vector<System> in;
  std::unordered_map<std::string, int> line_of;
  sql::WriteTxn txn(im.db);
  for (const SystemRow& r : rows) {
    System x = r.system;
    const std::size_t before = diags.size();
    for (std::string_view f : {std::string_view(x.name), std::string_view(x.department_code), std::string_view(x.tier),
                               std::string_view(r.important_assets_text)})
      check_text(diags, src, r.line, f);
    if (diags.size() != before) continue;
    x.name = std::string(text::trim(x.name));
    x.department_code = normalise_key(x.department_code);
    if (x.name.empty()) diags.push_back({src, r.line, 1, tr("the system's name is empty")});
    if (x.department_code.empty())
      diags.push_back({src, r.line, 1, tr("the system's department is empty")});
    else if (!department_id(im.db, x.department_code))
      diags.push_back(
          {src, r.line, 1, message("department '{code}' names no department", fmt::arg("code", x.department_code))});
    if (auto t = parse_tier(x.tier))
      x.tier = *t;
    else
      diags.push_back(
          {src, r.line, 1, message("tier '{tier}' is not one of mynumber, lgwan, internet", fmt::arg("tier", x.tier))});
    if (!r.important_assets_text.empty()) {
      if (auto f = parse_flag(r.important_assets_text))
        x.important_assets = *f;
      else
        diags.push_back({src, r.line, 1,
                         message("important_assets '{value}' is not true/false (1/0)",
                                 fmt::arg("value", r.important_assets_text))});
    }
    if (auto [it, fresh] = line_of.emplace(x.name, r.line); !fresh)
      diags.push_back({src, r.line, 1,
                       message("system '{name}' is listed twice (also on line {line})", fmt::arg("name", x.name),
                               fmt::arg("line", it->second))});
    in.push_back(std::move(x));
  }
  if (!diags.empty()) throw ImportValidationError(std::move(diags));
  std::unordered_map<std::string, System> stored;
  for (System& x : systems()) stored.emplace(x.name, std::move(x));
  UpsertCounter count(rows.size());
  TrailWriter trail(im.db, im.sha, im.trail_key, actor, now_utc_iso());
  for (const System& x : in) {
    const auto it = stored.find(x.name);
    const bool exists = it != stored.end();
    if (!count.changes(exists, exists && it->second.department_code == x.department_code && it->second.tier == x.tier &&
                                   it->second.important_assets == x.important_assets))
      continue;
    im.db
        .prepare(
            "INSERT INTO systems(name, department_id, tier, important_assets) VALUES (?,?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET department_id = excluded.department_id, tier = excluded.tier, "
            "important_assets = excluded.important_assets")
        .bind_all(x.name, department_id(im.db, x.department_code), x.tier, x.important_assets)
        .run();
    trail.append("system", x.name, count.action(), system_state(x));
  }
  txn.commit();
  return count.result;
}

ImportResult Store::import_systems_csv(std::string_view actor, const std::filesystem::path& file,
                                       csv::Encoding encoding) {
  const csv::Table t = csv::read(file, encoding);
  static constexpr const char* kCols[] = {"name", "department", "tier", "important_assets"};
  const auto rows =
      csv_rows<SystemRow>(t, kCols, 3, "name,department,tier,important_assets", [](const auto& f, int line) {
        return SystemRow{System{f(0), f(1), f(2), false}, f(3), line};
      });
  return import_systems(actor, rows, ImportOptions{t.source, {}});
}

// ---- Checklists --------------------------------------------------------------------------

std::int64_t Store::import_checklist(std::string_view actor, const Checklist& c) {
  require_actor(actor);
  Impl& im = live(impl_);
  const std::string content = c.to_json();
  const std::string sha = im.sha.hex_of(content);
  sql::WriteTxn txn(im.db);
  {
    sql::Stmt s = im.db.prepare("SELECT id, sha256 FROM checklists WHERE checklist_id = ? AND version = ?");
    s.bind(1, c.id()).bind(2, c.version());
    if (s.step()) {
      if (s.text(1) == sha) return s.i64(0);
      throw ValidationError({Diagnostic{c.origin(), 1, 1,
                                        message("the store already holds checklist {id} version {version} with "
                                                "different content; give the changed checklist a new version",
                                                fmt::arg("id", c.id()), fmt::arg("version", c.version()))}});
    }
  }
  StoredChecklist sc;
  sc.checklist_id = c.id();
  sc.version = c.version();
  sc.title = c.title();
  sc.body = c.body();
  sc.sha256 = sha;
  sc.imported_at = now_utc_iso();
  // What load_checklist() will give back. Its document order is the one the items rows keep:
  // YAML lists a section's items before its subsections, so a source that interleaves them
  // comes back in that (tree) order, and verify() compares against the reloaded checklist.
  const std::string yaml = c.to_yaml();
  const Checklist stored = Checklist::from_yaml(yaml, c.origin());
  im.db
      .prepare(
          "INSERT INTO checklists(checklist_id, version, title, body, content, yaml, sha256, imported_at) "
          "VALUES (?,?,?,?,?,?,?,?)")
      .bind_all(sc.checklist_id, sc.version, sc.title, sc.body, content, yaml, sha, sc.imported_at)
      .run();
  sc.id = sqlite3_last_insert_rowid(im.db.handle());
  for (const ItemRow& r : item_rows(stored)) {
    im.db
        .prepare(
            "INSERT INTO items(checklist, item_id, position, chapter_id, section_id, clause, weight, self_inspection, "
            "audit, departments, tiers, important_assets) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
        .bind_all(sc.id, r.item_id, r.position, r.chapter_id, r.section_id, r.clause, r.weight, r.self_inspection,
                  r.audit, r.departments, r.tiers, r.important_assets)
        .run();
  }
  TrailWriter trail(im.db, im.sha, im.trail_key, actor, sc.imported_at);
  trail.append("checklist", checklist_key(sc.checklist_id, sc.version), "insert", checklist_state(sc));
  txn.commit();
  return sc.id;
}

std::vector<StoredChecklist> Store::checklists() const {
  sql::Stmt s = live(impl_).db.prepare(
      "SELECT c.id, c.checklist_id, c.version, c.title, c.body, c.sha256, c.imported_at, "
      "(SELECT count(*) FROM items i WHERE i.checklist = c.id) FROM checklists c ORDER BY c.id");
  std::vector<StoredChecklist> out;
  while (s.step())
    out.push_back({s.i64(0), s.str(1), s.str(2), s.str(3), s.str(4), s.str(5), s.str(6), std::size_t(s.i64(7))});
  return out;
}

StoredChecklist Store::stored_checklist(std::int64_t id) const {
  for (StoredChecklist& c : checklists())
    if (c.id == id) return c;
  throw NotFoundError(message("no checklist with id {id} in the store", fmt::arg("id", id)));
}

std::shared_ptr<const Checklist> detail::cached_checklist(sql::Db& db, std::int64_t id) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Checklist>> cache;  // by content sha256
  sql::Stmt s = db.prepare("SELECT sha256, yaml, checklist_id, version FROM checklists WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) throw NotFoundError(message("no checklist with id {id} in the store", fmt::arg("id", id)));
  const std::string sha = s.str(0);
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(sha); it != cache.end()) return it->second;
  }
  auto c = std::make_shared<const Checklist>(Checklist::from_yaml(s.text(1), "store:" + s.str(2) + "@" + s.str(3)));
  std::lock_guard lock(mu);
  if (cache.size() >= 64) cache.clear();
  cache[sha] = c;
  return c;
}

Checklist Store::load_checklist(std::int64_t id) const {
  sql::Stmt s = live(impl_).db.prepare("SELECT yaml, checklist_id, version FROM checklists WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) throw NotFoundError(message("no checklist with id {id} in the store", fmt::arg("id", id)));
  return Checklist::from_yaml(s.text(0), "store:" + s.str(1) + "@" + s.str(2));
}

// ---- Cycles ------------------------------------------------------------------------------

Cycle detail::load_cycle(sql::Db& db, std::int64_t id) {
  Cycle c;
  {
    sql::Stmt s = db.prepare(
        "SELECT id, name, kind, fiscal_year, checklist, status, created_at, secretariat FROM cycles "
        "WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) throw NotFoundError(message("no cycle with id {id}", fmt::arg("id", id)));
    c.id = s.i64(0);
    c.name = s.str(1);
    c.kind = parse_cycle_kind(s.text(2));
    c.fiscal_year = int(s.i64(3));
    c.checklist = s.i64(4);
    c.status = parse_status(s.text(5));
    c.created_at = s.str(6);
    c.secretariat = s.str(7);
  }
  sql::Stmt s = db.prepare(
      "SELECT d.code FROM cycle_departments cd JOIN departments d ON d.id = cd.department WHERE cd.cycle = ? "
      "ORDER BY d.code");
  s.bind(1, id);
  while (s.step()) c.departments.push_back(s.str(0));
  return c;
}

void Store::Impl::write_cycle_trail(TrailWriter& trail, std::int64_t id, std::string_view action) {
  trail.append("cycle", std::to_string(id), action, cycle_state(load_cycle(db, id)));
}

namespace {

// The secretariat of a new cycle (CycleSpec::secretariat; docs/store.md, "Cycles"): the code of
// the target 課 given, or else of the one target 課 named as the checklist's secretariat; "" when
// none is given and the checklist names none (every 課 then answers every item, as before the
// rule: nothing is dropped). A diagnostic when a given code is no target 課, or when the cycle's
// audience has body-level items and the checklist's secretariat names no target 課 or several.
std::string resolve_secretariat(sql::Db& db, const CycleSpec& spec, const Checklist& checklist,
                                const std::vector<std::int64_t>& targets, std::vector<Diagnostic>& diags) {
  std::vector<std::pair<std::string, std::string>> target_names;  // code, name
  for (std::int64_t id : targets) {
    sql::Stmt s = db.prepare("SELECT code, name FROM departments WHERE id = ?");
    s.bind(1, id);
    if (s.step()) target_names.emplace_back(s.str(0), s.str(1));
  }
  if (!text::trim(spec.secretariat).empty()) {
    const std::string code = normalise_key(spec.secretariat);
    for (const auto& [c, name] : target_names)
      if (c == code) return code;
    diags.push_back({"<cycle>", 1, 1,
                     message("the secretariat '{code}' is not one of the cycle's 課 (it answers the body-level "
                             "items for the whole body)",
                             fmt::arg("code", code))});
    return {};
  }
  std::vector<std::string> named;
  const std::string wanted(text::trim(text::nfkc(checklist.secretariat())));
  for (const auto& [c, name] : target_names)
    if (!wanted.empty() && text::trim(text::nfkc(name)) == wanted) named.push_back(c);
  if (named.size() == 1) return named.front();
  const bool needed = std::any_of(checklist.items().begin(), checklist.items().end(), [&](const Item& it) {
    return it.respondent == Respondent::body && in_audience(it, spec.kind);
  });
  if (!needed || wanted.empty()) return {};
  if (named.empty())
    diags.push_back({"<cycle>", 1, 1,
                     message("the checklist has body-level items (全庁共通事項), which its secretariat '{name}' "
                             "answers for the whole body, and no 課 of the cycle has that name: name the cycle's "
                             "secretariat 課",
                             fmt::arg("name", wanted))});
  else {
    std::string codes;
    for (const std::string& c : named) codes += (codes.empty() ? "" : ", ") + c;
    diags.push_back({"<cycle>", 1, 1,
                     message("the checklist's secretariat '{name}' is the name of several 課 of the cycle ({codes}): "
                             "name the cycle's secretariat 課",
                             fmt::arg("name", wanted), fmt::arg("codes", codes))});
  }
  return {};
}

}  // namespace

std::int64_t Store::create_cycle(std::string_view actor, const CycleSpec& spec) {
  require_actor(actor);
  Impl& im = live(impl_);
  std::vector<Diagnostic> diags;
  const std::string name(text::trim(spec.name));
  if (name.empty() || text::find_invalid_utf8(name)) diags.push_back({"<cycle>", 1, 1, tr("the cycle needs a name")});
  if (spec.fiscal_year < 1900 || spec.fiscal_year > 9999)
    diags.push_back(
        {"<cycle>", 1, 1, message("fiscal year {year} is out of range", fmt::arg("year", spec.fiscal_year))});
  sql::WriteTxn txn(im.db);
  {
    sql::Stmt s = im.db.prepare("SELECT 1 FROM checklists WHERE id = ?");
    s.bind(1, spec.checklist);
    if (!s.step())
      throw NotFoundError(message("no checklist with id {id} in the store", fmt::arg("id", spec.checklist)));
  }
  std::vector<std::int64_t> targets;
  if (spec.departments.empty()) {
    sql::Stmt s = im.db.prepare(
        "SELECT id FROM departments d WHERE NOT EXISTS (SELECT 1 FROM departments c WHERE c.parent_id = d.id)");
    while (s.step()) targets.push_back(s.i64(0));
    if (targets.empty()) diags.push_back({"<cycle>", 1, 1, tr("the store has no 課 yet: import departments first")});
  } else {
    for (const std::string& raw : spec.departments) {
      const std::string code = normalise_key(raw);
      sql::Stmt s = im.db.prepare(
          "SELECT id, EXISTS (SELECT 1 FROM departments c WHERE c.parent_id = d.id) FROM departments d WHERE code = ?");
      s.bind(1, code);
      if (!s.step())
        diags.push_back({"<cycle>", 1, 1, message("department '{code}' names no department", fmt::arg("code", code))});
      else if (s.i64(1))
        diags.push_back({"<cycle>", 1, 1,
                         message("department '{code}' is not a 課 (it has sub-departments)", fmt::arg("code", code))});
      else
        targets.push_back(s.i64(0));
    }
  }
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  const std::string secretariat = resolve_secretariat(im.db, spec, load_checklist(spec.checklist), targets, diags);
  if (!diags.empty()) throw ValidationError(std::move(diags));
  const std::string at = now_utc_iso();
  im.db
      .prepare(
          "INSERT INTO cycles(name, kind, fiscal_year, checklist, status, created_at, secretariat) "
          "VALUES (?,?,?,?,'planned',?,?)")
      .bind_all(name, to_string(spec.kind), spec.fiscal_year, spec.checklist, at, secretariat)
      .run();
  const std::int64_t id = sqlite3_last_insert_rowid(im.db.handle());
  for (std::int64_t d : targets)
    im.db.prepare("INSERT INTO cycle_departments(cycle, department) VALUES (?, ?)").bind(1, id).bind(2, d).run();
  TrailWriter trail(im.db, im.sha, im.trail_key, actor, at);
  im.write_cycle_trail(trail, id, "insert");
  txn.commit();
  return id;
}

void detail::move_cycle_status(sql::Db& db, TrailWriter& trail, std::int64_t id, CycleStatus from, CycleStatus to) {
  const Cycle c = load_cycle(db, id);
  if (c.status != from)
    throw CycleStateError(message("cycle {id} ({name}) is {status}; only a cycle that is {from} can become {to}",
                                  fmt::arg("id", id), fmt::arg("name", c.name), fmt::arg("status", to_string(c.status)),
                                  fmt::arg("from", to_string(from)), fmt::arg("to", to_string(to))));
  db.prepare("UPDATE cycles SET status = ? WHERE id = ?").bind(1, to_string(to)).bind(2, id).run();
  trail.append("cycle", std::to_string(id), "update", cycle_state(load_cycle(db, id)));
}

namespace {
void transition(Store::Impl& im, std::string_view actor, std::int64_t id, CycleStatus from, CycleStatus to) {
  require_actor(actor);
  sql::WriteTxn txn(im.db);
  TrailWriter trail(im.db, im.sha, im.trail_key, actor, now_utc_iso());
  move_cycle_status(im.db, trail, id, from, to);
  txn.commit();
}
}  // namespace

void Store::open_cycle(std::string_view actor, std::int64_t id) {
  transition(live(impl_), actor, id, CycleStatus::planned, CycleStatus::open);
}

void Store::close_cycle(std::string_view actor, std::int64_t id) {
  transition(live(impl_), actor, id, CycleStatus::open, CycleStatus::closed);
}

std::vector<Cycle> Store::cycles() const {
  Impl& im = live(impl_);
  sql::ReadTxn snapshot(im.db);
  std::vector<std::int64_t> ids;
  {
    sql::Stmt s = im.db.prepare("SELECT id FROM cycles ORDER BY id");
    while (s.step()) ids.push_back(s.i64(0));
  }
  std::vector<Cycle> out;
  for (std::int64_t id : ids) out.push_back(load_cycle(im.db, id));
  return out;
}

Cycle Store::cycle(std::int64_t id) const { return load_cycle(live(impl_).db, id); }

std::vector<Response> Store::responses(std::int64_t cycle) const {
  Impl& im = live(impl_);
  sql::ReadTxn snapshot(im.db);
  load_cycle(im.db, cycle);  // NotFoundError for an unknown cycle
  sql::Stmt s = im.db.prepare(
      "SELECT d.code, r.item_id, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at FROM responses r "
      "JOIN departments d ON d.id = r.department WHERE r.cycle = ? ORDER BY d.code, r.item_id");
  s.bind(1, cycle);
  std::vector<Response> out;
  while (s.step())
    out.push_back({cycle, s.str(0), s.str(1), parse_answer(s.text(2)).value_or(Answer::unknown), s.str(3), s.str(4),
                   s.str(5), s.str(6)});
  return out;
}

std::vector<Response> Store::responses(std::int64_t cycle, std::string_view department) const {
  Impl& im = live(impl_);
  sql::ReadTxn snapshot(im.db);
  load_cycle(im.db, cycle);  // NotFoundError for an unknown cycle
  sql::Stmt s = im.db.prepare(
      "SELECT r.item_id, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at FROM responses r "
      "WHERE r.cycle = ?1 AND r.department = (SELECT id FROM departments WHERE code = ?2) ORDER BY r.item_id");
  s.bind(1, cycle).bind(2, department);
  std::vector<Response> out;
  while (s.step())
    out.push_back({cycle, std::string(department), s.str(0), parse_answer(s.text(1)).value_or(Answer::unknown),
                   s.str(2), s.str(3), s.str(4), s.str(5)});
  return out;
}

std::size_t Store::response_count(std::int64_t cycle) const {
  sql::Stmt s = live(impl_).db.prepare("SELECT count(*) FROM responses WHERE cycle = ?");
  s.bind(1, cycle);
  return s.step() ? std::size_t(s.i64(0)) : 0;
}

void Store::scan_responses(std::int64_t cycle,
                           const std::function<void(std::uint32_t, std::uint32_t, Answer)>& row) const {
  Impl& im = live(impl_);
  sql::ReadTxn snapshot(im.db);
  const Cycle c = load_cycle(im.db, cycle);  // NotFoundError for an unknown cycle
  // Department row id -> index in c.departments (same ORDER BY d.code as load_cycle).
  std::unordered_map<std::int64_t, std::uint32_t> dept_index;
  {
    sql::Stmt s = im.db.prepare(
        "SELECT cd.department FROM cycle_departments cd JOIN departments d ON d.id = cd.department "
        "WHERE cd.cycle = ? ORDER BY d.code");
    s.bind(1, cycle);
    while (s.step()) dept_index.emplace(s.i64(0), std::uint32_t(dept_index.size()));
  }
  // Item ids in byte order (the order the primary key returns them within a 課) -> index.
  std::vector<std::pair<std::string, std::uint32_t>> items;
  {
    sql::Stmt s = im.db.prepare("SELECT item_id, position FROM items WHERE checklist = ? ORDER BY item_id");
    s.bind(1, c.checklist);
    while (s.step()) items.emplace_back(s.str(0), std::uint32_t(s.i64(1) - 1));
  }
  sql::Stmt s = im.db.prepare("SELECT department, item_id, answer FROM responses WHERE cycle = ?");
  s.bind(1, cycle);
  std::int64_t last_dept = -1;
  std::uint32_t dept = 0;
  std::size_t next = 0;  // guess: the item after the previous one
  while (s.step()) {
    const std::int64_t d = s.i64(0);
    if (d != last_dept) {
      const auto it = dept_index.find(d);
      if (it == dept_index.end()) continue;  // cannot happen: responses reference cycle_departments
      dept = it->second;
      last_dept = d;
    }
    const std::string_view id = s.text(1);
    if (next >= items.size() || items[next].first != id) {
      const auto it = std::lower_bound(items.begin(), items.end(), id,
                                       [](const auto& e, std::string_view v) { return e.first < v; });
      if (it == items.end() || it->first != id) continue;  // cannot happen: import checks item ids
      next = std::size_t(it - items.begin());
    }
    const std::uint32_t item = items[next++].second;
    const std::string_view a = s.text(2);
    Answer answer = Answer::unknown;
    if (a == "implemented")
      answer = Answer::implemented;
    else if (a == "partial")
      answer = Answer::partial;
    else if (a == "not_implemented")
      answer = Answer::not_implemented;
    else if (a == "not_applicable")
      answer = Answer::not_applicable;
    row(dept, item, answer);
  }
}

}  // namespace libaudit
