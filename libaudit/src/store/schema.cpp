// The schema registry and the migration of a store's file (schema.h).
#include "store/schema.h"

#include "libaudit/base/messages.h"

#include <algorithm>

namespace libaudit::schema {

namespace {

// "LAUD" in PRAGMA application_id marks a libaudit database.
constexpr std::int64_t kApplicationId = 0x4c415544;
static_assert(kApplicationId == 1279350084);

std::vector<const Component*>& registry() {
  static std::vector<const Component*> components;
  return components;
}

// The global schema versions before per-component ones, as the component versions each stood
// for (index: user_version).
struct LegacyVersion {
  int store, followup;
};
constexpr LegacyVersion kLegacy[] = {{0, 0}, {1, 0}, {1, 1}, {2, 1}};

struct FileSchema {
  std::int64_t user_version = 0;
  std::int64_t application_id = 0;
  std::map<std::string, int> versions;  // component -> version; 0 omitted
};

bool has_table(sql::Db& db, const char* name) {
  sql::Stmt s = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
  s.bind(1, name);
  return s.step();
}

FileSchema read_file(sql::Db& db) {
  FileSchema f;
  f.user_version = db.query_int("PRAGMA user_version");
  f.application_id = db.query_int("PRAGMA application_id");
  if (f.user_version >= 0 && f.user_version < std::int64_t(std::size(kLegacy))) {
    const LegacyVersion& v = kLegacy[f.user_version];
    if (v.store) f.versions["store"] = v.store;
    if (v.followup) f.versions["followup"] = v.followup;
  } else if (f.user_version == kPerComponentSchema && has_table(db, "schema_versions")) {
    sql::Stmt s = db.prepare("SELECT component, version FROM schema_versions WHERE version > 0");
    while (s.step()) f.versions.emplace(s.str(0), int(s.i64(1)));
  }
  return f;
}

// Throws when this program cannot open the file; returns whether it is up to date.
bool check(sql::Db& db, const FileSchema& f, const std::string& path) {
  if (f.user_version > kPerComponentSchema)
    throw SchemaVersionError(
        message("the store {path} has schema version {version}, written by a newer libaudit; "
                "this libaudit knows versions up to {known}. Upgrade libaudit to open it.",
                fmt::arg("path", path), fmt::arg("version", f.user_version), fmt::arg("known", kPerComponentSchema)));
  if (f.application_id != kApplicationId &&
      (f.application_id != 0 || f.user_version != 0 || db.query_int("SELECT count(*) FROM sqlite_schema") != 0))
    throw StoreError(message("{path} is an SQLite database but not a libaudit store", fmt::arg("path", path)));
  for (const auto& [name, version] : f.versions) {
    const Component* c = find_component(name);
    if (!c)
      throw SchemaVersionError(
          message("the store {path} records a schema component this program does not know, "
                  "'{component}' (version {version}): it was written by a newer libaudit or by a "
                  "program that links more stages. Upgrade libaudit or link libaudit::libaudit.",
                  fmt::arg("path", path), fmt::arg("component", name), fmt::arg("version", version)));
    if (version > c->version())
      throw SchemaVersionError(
          message("the store {path} has schema component '{component}' at version {version}, "
                  "written by a newer libaudit; this libaudit knows versions up to {known}. "
                  "Upgrade libaudit to open it.",
                  fmt::arg("path", path), fmt::arg("component", name), fmt::arg("version", version),
                  fmt::arg("known", c->version())));
  }
  if (f.user_version != kPerComponentSchema) return false;
  for (const Component* c : components()) {
    auto it = f.versions.find(c->name);
    if ((it == f.versions.end() ? 0 : it->second) != c->version()) return false;
  }
  return true;
}

void record_versions(sql::Db& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_versions(component TEXT PRIMARY KEY, version INTEGER NOT NULL) "
      "WITHOUT ROWID");
  db.exec("DELETE FROM schema_versions");
  for (const Component* c : components())
    db.prepare("INSERT INTO schema_versions(component, version) VALUES (?, ?)")
        .bind(1, c->name)
        .bind(2, c->version())
        .run();
}

}  // namespace

bool register_component(const Component& c) noexcept {
  auto& r = registry();
  if (std::none_of(r.begin(), r.end(), [&](const Component* k) { return std::string_view(k->name) == c.name; }))
    r.push_back(&c);
  return true;
}

std::vector<const Component*> components() {
  std::vector<const Component*> out = registry();
  std::sort(out.begin(), out.end(), [](const Component* a, const Component* b) {
    return a->rank != b->rank ? a->rank < b->rank : std::string_view(a->name) < b->name;
  });
  return out;
}

const Component* find_component(std::string_view name) {
  for (const Component* c : registry())
    if (name == c->name) return c;
  return nullptr;
}

std::map<std::string, int> recorded_versions(sql::Db& db) { return read_file(db).versions; }

void migrate(sql::Db& db, const std::string& path) {
  if (check(db, read_file(db), path)) return;
  sql::WriteTxn txn(db);
  const FileSchema f = read_file(db);  // again: another process may have migrated
  if (check(db, f, path)) return;
  for (const Component* c : components()) {
    const auto it = f.versions.find(c->name);
    for (int v = it == f.versions.end() ? 0 : it->second; v < c->version(); ++v) db.exec(c->migrations[std::size_t(v)]);
  }
  record_versions(db);
  db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
  db.exec(("PRAGMA user_version = " + std::to_string(kPerComponentSchema)).c_str());
  txn.commit();
}

void require_current(sql::Db& db, const std::string& path) {
  const FileSchema f = read_file(db);
  if (check(db, f, path)) return;
  if (f.user_version == 0 && f.versions.empty() && db.query_int("SELECT count(*) FROM sqlite_schema") == 0)
    throw StoreError(message("{path} is empty, not a libaudit store (create one with `libaudit init {path}`)",
                             fmt::arg("path", path)));
  throw StoreError(
      message("the store {path} was written by an older libaudit (schema version {version}) and needs an "
              "upgrade before it can be read read-only: open it writable once (e.g. `libaudit init "
              "{path}`, which upgrades it and changes nothing else)",
              fmt::arg("path", path), fmt::arg("version", f.user_version)));
}

}  // namespace libaudit::schema
