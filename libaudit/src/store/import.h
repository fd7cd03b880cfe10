// Internal to the store: the phases of Store::import_responses() (import.cpp), each usable on
// its own so that tests can drive them one by one. All run inside the caller's write
// transaction; only write_responses() and the caller write.
//
//   1. load_import_context  the cycle (open), its 課, every department code, the item ids
//   2. validate_responses   every row on its own, then duplicates: ImportValidationError listing
//                           every bad row, or the clean rows in primary-key order
//   3. classify_responses   each clean row against the stored one: insert, update or unchanged
//   4. seal_response_batches the trail records for the changed rows (no database access)
//   5. write_responses      the changed rows
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "libaudit/base/large_array.h"
#include "store/store_internal.h"

namespace libaudit::detail {

struct ImportContext {
  ImportContext() = default;
  ImportContext(ImportContext&&) = default;
  ImportContext(const ImportContext&) = delete;  // codes and item_ids point into the maps
  ImportContext& operator=(const ImportContext&) = delete;

  std::int64_t cycle = 0;
  std::int64_t checklist = 0;
  std::unordered_map<std::string, std::int64_t> targets;       // the cycle's 課: code -> id
  std::unordered_map<std::int64_t, const std::string*> codes;  // and back: id -> code
  // Whether a 課 or 部 of this code exists at all (for the message about a row whose 課 is not a
  // target). Asked only on that error path, never per row: reading every code each import would
  // cost time in the number of 課 (40,000 in a prefecture's store). Safe from either validating
  // thread; it uses the import's connection, which nothing else uses while rows are validated.
  std::function<bool(const std::string& code)> department_exists;
  std::unordered_map<std::string, std::uint32_t> items;  // item id -> rank in byte order
  std::vector<const std::string*> item_ids;              // and back: rank -> item id
  // The cycle's secretariat and its checklist's body-level items (applicability.h, body_level):
  // only the secretariat answers those. Both empty for a cycle without a secretariat.
  std::string secretariat;
  std::unordered_set<std::string> body_items;
};

// NotFoundError (no cycle), CycleStateError (not open).
ImportContext load_import_context(sql::Db& db, std::int64_t cycle);

// A validated row: 16 bytes, so that a million of them touch little fresh memory (on a virtual
// machine, first touching a page can cost more than the work done with it).
struct CleanRow {
  std::uint64_t key;  // department id << 32 | item rank: the primary key's order
  std::uint32_t row;  // index into the rows
  Answer answer;
  std::int64_t department() const { return std::int64_t(key >> 32); }
  std::uint32_t item_rank() const { return std::uint32_t(key); }
};
// From a million rows on, huge pages (large_array.h); resize() leaves them uninitialised.
using CleanRows = LargeVector<CleanRow>;

// The clean rows sorted by key; ImportValidationError (every bad row, by line) otherwise.
CleanRows validate_responses(const ImportContext& ctx, std::span<const ResponseRowView> rows,
                             const std::string& source);

enum class RowChange : unsigned char { insert, update, same };
// For each clean row (in order), what writing it would do to the stored responses.
std::vector<RowChange> classify_responses(sql::Db& db, const ImportContext& ctx, const CleanRows& clean,
                                          std::span<const ResponseRowView> rows);

// What an import writes for each changed row: the clean rows, their change, and the defaults
// for answered_by / answered_at.
struct ImportWrite {
  const ImportContext& ctx;
  std::span<const ResponseRowView> rows;
  const CleanRows& clean;
  const std::vector<RowChange>& change;
  std::string_view actor;
  std::string_view now;
  std::string_view answered_by(const ResponseRowView& r) const { return r.answered_by.empty() ? actor : r.answered_by; }
  std::string_view answered_at(const ResponseRowView& r) const;
  std::int64_t cycle() const { return ctx.cycle; }
  const std::string& code(const CleanRow& c) const { return *ctx.codes.at(c.department()); }
  const std::string& item(const CleanRow& c) const { return *ctx.item_ids[c.item_rank()]; }
};

// One "responses" batch record per kResponseBatch changed rows, sealed from the chain head
// (head_seq, head_hash), each with its MAC when `trail_key` is not empty. Touches no database
// (it may run in another thread).
std::vector<SealedRecord> seal_response_batches(const ImportWrite& w, std::int64_t head_seq,
                                                const std::string& head_hash, const std::string& trail_source,
                                                std::string_view trail_key);

// The whole import inside the caller's write transaction on `db`: phases 1-5, the trail records
// appended to trail_of() (called once, only when a row changes). Store::import_responses and
// Store::Transaction::import_responses both run it; neither commits here.
ImportResult import_responses_in(sql::Db& db, const std::function<TrailWriter&()>& trail_of, std::int64_t cycle,
                                 std::span<const ResponseRowView> rows, const ImportOptions& options);

// Writes the changed rows, in order; calls progress(done, changed) now and then.
void write_responses(sql::Db& db, const ImportWrite& w, std::size_t changed,
                     const std::function<void(std::size_t, std::size_t)>& progress);

}  // namespace libaudit::detail
