// The schema registry (internal to libaudit: the store stage and the stages after it include
// it; a C++ user of the library never does). Each stage that keeps tables in a store registers
// one component: its name, its ordered migrations (numbered in its own versions), the tables it
// owns, the entity → table names of its trail records, the reader verify() replays its rows
// with, and the rules it replays the trail against (RuleCheck). The store stage registers its
// own component ("store") the same way; verify() walks what is registered and knows no later
// stage's tables.
//
// Versions are kept per component in the database: table schema_versions(component, version),
// with PRAGMA user_version = kPerComponentSchema. Files of the global versions before it
// (user_version 1, 2, 3) are read as the component versions they stand for and recorded at the
// first write-open. migrate() runs the pending migrations of every registered component, in
// rank order, in one write transaction; a component recorded in the file that this program has
// not registered, or a newer version of one it has, is refused with SchemaVersionError.
//
// Registration is reliable because it sits in a translation unit every user of the stage
// links: the store's in store.cpp (beside Store::open); a later stage's in its own schema.cpp,
// called from the static initialiser of the file that defines its classes (each stage's
// schema.cpp says which). A table in the file that no registered component owns is a verify()
// problem ("unchecked: no component registered for it"): a missing registration is loud, never
// silent.
//
// Thread-safety: components register during static initialisation (single-threaded); the
// registry is only read afterwards. Errors: register_component() never throws (a second
// registration of the same name is ignored); migrate() throws SchemaVersionError or StoreError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/messages.h"
#include "libaudit/store/store.h"
#include "store/sqlite.h"

namespace libaudit::schema {

// PRAGMA user_version of a store whose versions are kept per component (schema_versions).
inline constexpr int kPerComponentSchema = kStoreSchemaVersion;

// Calls row(table, entity, key, state) with the current state of a row, in the canonical form
// its last trail record carries (docs/store.md, "verify").
using RowVisitor =
    std::function<void(const char* table, const char* entity, const std::string& key, const std::string& state)>;
// Visits every current row of a component's tables (one call per row).
using RowReader = void (*)(sql::Db& db, const RowVisitor& row);
// Checks of a component's own invariants beyond the replay (e.g. rows derived from other rows):
// appends what is wrong to `problems` and counts the rows it compared in `rows`.
using ExtraCheck = void (*)(sql::Db& db, std::vector<Problem>& problems, std::size_t& rows);

// ---- Rule replay (verify.cpp, replay_rules; docs/store.md, "verify replays the rules") -------
// verify() walks the trail in seq order once more and cuts it into groups: consecutive records
// with the same `at` and `actor` (a TrailWriter gives every record of one transaction both). A
// group larger than kRuleGroupBytes of states is passed in consecutive parts, each a group of
// its own to the rules (only bulk imports of responses write such transactions).

// One trail record of a group; `state` is its JSON ("null" when it does not inflate).
struct TrailEntry {
  std::int64_t seq = 0;
  std::string entity, key, action, state;
};

struct TrailGroup {
  std::string at, actor;
  std::vector<TrailEntry> records;  // in seq order, never empty
};

// What the trail says about entities other than responses just before a group: the state
// (JSON) of entity `entity` key `key` after its last record before the group; nullptr when it
// has none or its last was a delete. Response rows' states are not kept (memory stays bounded
// by the other entities). Valid during the RuleCheck call it is passed to.
class RuleContext {
 public:
  virtual const std::string* before(std::string_view entity, std::string_view key) const = 0;
  // The state just before record `index` of `group`: its earlier records first, then before().
  const std::string* at(const TrailGroup& group, std::size_t index, std::string_view entity,
                        std::string_view key) const;

 protected:
  ~RuleContext() = default;
};

// Checks one group against a component's rules: appends a Problem of kind "forged" (table
// "trail", key the seq of the record, detail in the catalogue's language naming the rule and the record) for
// every rule the group breaks. Never throws for what the records say (malformed states are
// problems or ignored); StoreError only for the database.
using RuleCheck = void (*)(const RuleContext& context, const TrailGroup& group, std::vector<Problem>& problems);

// Appends the "forged" problem of record `seq`: detail "record <seq>: <what>" (記録 <seq>: <what>).
inline void forged(std::vector<Problem>& problems, std::int64_t seq, const std::string& what) {
  problems.push_back({"trail", std::to_string(seq), "forged",
                      message("record {seq}: {what}", fmt::arg("seq", seq), fmt::arg("what", what))});
}

inline constexpr std::size_t kRuleGroupBytes = std::size_t(8) << 20;

struct EntityTable {
  const char* entity;  // TrailRecord::entity
  const char* table;   // the table its rows live in
};

struct Component {
  const char* name;  // "store", "followup": the key in schema_versions
  int rank;          // the stage's place in the data flow; migrations run in rank order
  // migrations[v] takes the component's tables from version v to v + 1; its version is their
  // number. Each is SQL text run with sql::Db::exec.
  std::span<const char* const> migrations;
  std::span<const char* const> tables;    // every table the migrations create
  std::span<const EntityTable> entities;  // for verify's "deleted" problems
  RowReader reader = nullptr;
  ExtraCheck check = nullptr;
  RuleCheck rules = nullptr;  // called for every group of the trail
  int version() const noexcept { return int(migrations.size()); }
};

// Registers `c` (which must outlive the program: a namespace-scope constant). Returns true, so
// that `const bool registered = register_component(kComponent);` registers at static init.
bool register_component(const Component& c) noexcept;
// The registered components, by rank (then name).
std::vector<const Component*> components();
const Component* find_component(std::string_view name);

// The versions the file records (legacy user_versions mapped), by component; components at
// version 0 are absent.
std::map<std::string, int> recorded_versions(sql::Db& db);
// Refuses a file of a newer libaudit or not a libaudit store, and brings every registered
// component to its version. An up-to-date file is only read, so opening it waits for no writer.
void migrate(sql::Db& db, const std::string& path);
// What migrate() refuses, and a file not up to date (a read-only open cannot migrate): throws
// StoreError saying it needs an upgrade. Only reads.
void require_current(sql::Db& db, const std::string& path);

}  // namespace libaudit::schema
