// Internal to the store: the phases of Store::verify() (verify.cpp), each usable on its own so
// that tests can drive them one by one. All read through the caller's connection inside the
// caller's read snapshot; none writes. Problems are appended, never thrown; StoreError only
// for the database itself.
//
//   1. replay_chain     walk the trail: every link and hash, and what each entity's current row
//                       must be (its last state's digest); responses aside
//   2. RowCheck         compare one current row with that expectation
//      (each registered component's reader feeds its rows to a RowCheck, then its own check)
//   2b. check_responses the responses table against the "responses" batch records, streamed in
//                       key ranges of a fixed budget (verify_responses.cpp; on a second
//                       connection in the same snapshot, beside phases 1-6, when it can)
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
  std::int64_t head_seq = 0;
  std::vector<Problem> problems;
  // entity -> key -> expectation.
  std::map<std::string, std::unordered_map<std::string, Expected>> expected;
  // Cycle key -> seq of a "responses" batch whose state does not inflate: its rows cannot be
  // checked, which the problems for them say.
  std::map<std::string, std::int64_t> unreadable_batches;
  // With a trail key: its id, and the seq of the first valid seal record of it (0: none).
  std::string key_id;
  std::int64_t sealed_from = 0;
  bool partial = false;  // walked from a checkpoint: rows of keys no walked record wrote are not checked
  // Responses the trail has but the table lacks (seq, key), from check_responses: report_missing
  // reports them under the entity "response".
  std::vector<std::pair<std::int64_t, std::string>> missing_responses;
};

// Phase 2b: what check_responses found. Problems "inserted" / "altered" in the table's key order.
struct ResponseCheck {
  std::vector<Problem> problems;
  std::vector<std::pair<std::int64_t, std::string>> missing;  // (seq, key), sorted
  std::map<std::string, std::int64_t> unreadable;             // as ChainReplay::unreadable_batches
  std::size_t rows = 0;
  std::size_t passes = 0;
};

// The responses a pass holds at most (about 40 bytes each), unless LIBAUDIT_VERIFY_BUDGET says
// another number (tests force many passes with it).
inline constexpr std::size_t kVerifyBudget = 8'000'000;
std::size_t verify_budget();

// Phase 2b: the responses rows against the batch records of the trail. With `after` 0, every
// row, in key ranges holding at most `budget` responses each (cycle_departments × the items of
// the cycle's checklist), each range's expectations sorted, the last write of each key kept, and
// merged with the table's primary-key order: "inserted", "altered", and the missing rows. With
// `after` > 0 (the incremental verify), only the keys written by records after it, each looked
// read from the table, 課 by 課 (a row no such record names is not checked).
ResponseCheck check_responses(sql::Db& db, std::size_t budget, std::int64_t after = 0);

// Helpers of the row checks: the field differences of two JSON objects in words; a response's
// fields as the JSON object a row compares with; row `index` of batch record `seq` in that form
// ("null" when unreadable); the detail of an "inserted" response row.
std::string diff_states(std::string_view trail_state, std::string_view row_state);
std::string response_state_json(std::string_view answer, std::string_view comment, std::string_view evidence,
                                std::string_view answered_by, std::string_view answered_at);
std::string response_trail_state(sql::Db& db, std::int64_t seq, std::uint32_t index);
std::string response_unrecorded_detail(const std::map<std::string, std::int64_t>& unreadable, const std::string& key);

// Phase 1: the chain (consecutive seqs, each prev_hash the hash before it, each hash its
// content's) and the expectations it leaves (seal records leave none). With a trail key (raw
// bytes; empty: none), also the MACs: every record after the first valid seal record of the key
// must carry its MAC ("unsealed" when it has none, "forged" when it is wrong), and a trail
// without such a seal record is a problem ("trail", "seal", "unsealed").
// From a point `from` (seq > 0: the head a checkpoint sealed, its hash): only the records after
// it, the first after it linking to from.hash, the key's seal looked up before it, and
// `partial` set (RowCheck passes over rows whose key no walked record wrote).
// Checkpoint records leave no expectation either; each must name as its head an earlier record
// with that record's hash ("forged" otherwise).
ChainReplay replay_chain(sql::Db& db, Sha256& sha, std::string_view trail_key = {}, const TrailAnchor& from = {});

// A checkpoint record's state; parse_checkpoint: false when `state` is not one.
std::string checkpoint_state(std::int64_t head_seq, std::string_view head_hash, std::size_t records, std::size_t rows);
bool parse_checkpoint(std::string_view state, TrailAnchor& head);

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

// Phase 3: a "deleted" problem for every expectation no row matched, in seq order per entity
// (and for replay.missing_responses, as the entity "response"); the table is the one a
// registered component names for the entity (else the entity).
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
// With `after` > 0 (the incremental verify) the records up to it are absorbed unchecked (responses
// batches not read at all) and only the groups after it checked.
void replay_rules(sql::Db& db, const std::vector<const schema::Component*>& components, std::vector<Problem>& problems,
                  std::int64_t after = 0);

// The store component's rules (rules.cpp): responses batches only into an open cycle and its
// target 課; cycles created planned and moved planned → open → closed (closed → open only with
// a "reopening" record in the same group).
void store_rules(const schema::RuleContext& context, const schema::TrailGroup& group, std::vector<Problem>& problems);

// The store component's reader and check (registered in store.cpp): body, departments,
// systems, checklists and cycles (the responses are check_responses'); the checklists' content
// and items rows.
void store_rows(sql::Db& db, const schema::RowVisitor& row);
void store_checks(sql::Db& db, std::vector<Problem>& problems, std::size_t& rows);

}  // namespace libaudit::detail::verify
