// Internal to the store: the phases of Store::verify() (verify.cpp), each usable on its own so
// that tests can drive them one by one. All read through the caller's connection inside the
// caller's read snapshot; none writes. Problems are appended, never thrown; StoreError only
// for the database itself.
//
//   1. replay_chain     walk the trail: every link and hash, and what each entity's current row
//                       must be (its last state's digest)
//   2. RowCheck         compare one current row with that expectation
//      (each registered component's reader feeds its rows to a RowCheck, then its own check)
//   3. report_missing   entities the trail says exist but no reader visited
//   4. report_unchecked tables no registered component owns
//   5. check_anchor     an anchor {seq, hash} taken earlier is still in the chain
//   6. replay_rules     walk the trail again in groups (one transaction each) and call every
//                       registered component's RuleCheck (schema.h): "forged" problems
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/schema.h"
#include "store/store_internal.h"

namespace libaudit::detail::verify {

// What the trail says an entity's current row is: the digest of its last state (none when its
// last action was a delete) and the seq of that record.
struct Expected {
  std::array<unsigned char, 32> digest{};
  std::int64_t seq = 0;
  std::uint32_t index = 0;  // row in a "responses" batch record
  bool deleted = false;
  bool seen = false;  // set by RowCheck
};

struct ChainReplay {
  std::size_t records = 0;  // trail records walked
  std::string head_hash;    // of the last record; empty for an empty trail
  std::vector<Problem> problems;
  // entity -> key -> expectation.
  std::map<std::string, std::unordered_map<std::string, Expected>> expected;
  // Cycle key -> seq of a "responses" batch whose state does not inflate: its rows cannot be
  // checked, which the problems for them say.
  std::map<std::string, std::int64_t> unreadable_batches;
  // With a trail key: its id, and the seq of the first valid seal record of it (0: none).
  std::string key_id;
  std::int64_t sealed_from = 0;
};

// Phase 1: the chain (consecutive seqs, each prev_hash the hash before it, each hash its
// content's) and the expectations it leaves (seal records leave none). With a trail key (raw
// bytes; empty: none), also the MACs: every record after the first valid seal record of the key
// must carry its MAC ("unsealed" when it has none, "forged" when it is wrong), and a trail
// without such a seal record is a problem ("trail", "seal", "unsealed").
ChainReplay replay_chain(sql::Db& db, Sha256& sha, std::string_view trail_key = {});

// Phase 2: one current row against the replay; marks the expectation seen, counts the row in
// `rows` and appends "inserted" / "altered" problems.
class RowCheck {
 public:
  RowCheck(sql::Db& db, Sha256& sha, ChainReplay& replay, std::vector<Problem>& problems, std::size_t& rows)
      : db_(db), sha_(sha), replay_(replay), problems_(problems), rows_(rows) {}
  void operator()(const char* table, const char* entity, const std::string& key, const std::string& state);

 private:
  std::string unrecorded_detail(std::string_view entity, const std::string& key) const;
  std::string trail_state_of(std::string_view entity, const Expected& e);
  sql::Db& db_;
  Sha256& sha_;
  ChainReplay& replay_;
  std::vector<Problem>& problems_;
  std::size_t& rows_;
};

// Phase 3: a "deleted" problem for every expectation no row matched, in seq order per entity;
// the table is the one a registered component names for the entity (else the entity).
void report_missing(const ChainReplay& replay, const std::vector<const schema::Component*>& components,
                    std::vector<Problem>& problems);

// Phase 4: an "unchecked" problem for every table of the file that none of `components` owns
// (SQLite's own tables and the registry's schema_versions aside).
void report_unchecked(sql::Db& db, const std::vector<const schema::Component*>& components,
                      std::vector<Problem>& problems);

// Phase 5: a problem when the anchor is not in the chain: no record at anchor.seq, or one with
// another hash, or (seq 0) no record with the hash at all. Nothing for an empty hash.
std::optional<Problem> check_anchor(sql::Db& db, const TrailAnchor& anchor);

// Phase 6: the trail in groups (schema.h, "Rule replay"), each passed to the RuleCheck of every
// component in `components` that has one, with the states before it; then absorbed.
void replay_rules(sql::Db& db, const std::vector<const schema::Component*>& components, std::vector<Problem>& problems);

// The store component's rules (rules.cpp): responses batches only into an open cycle and its
// target 課; cycles created planned and moved planned → open → closed (closed → open only with
// a "reopening" record in the same group).
void store_rules(const schema::RuleContext& context, const schema::TrailGroup& group, std::vector<Problem>& problems);

// The store component's reader and check (registered in store.cpp): body, departments,
// systems, checklists, cycles and responses; the checklists' content and items rows.
void store_rows(sql::Db& db, const schema::RowVisitor& row);
void store_checks(sql::Db& db, std::vector<Problem>& problems, std::size_t& rows);

}  // namespace libaudit::detail::verify
