// The store stage's interface for the later stages of libaudit (followup, …): how they read
// and write inside a Store without reaching its Impl. Internal to libaudit.
//
// Store::Snapshot is a read snapshot (BEGIN … COMMIT, or the caller's open transaction);
// Store::Transaction is one write transaction (BEGIN IMMEDIATE, rolled back unless committed)
// that carries the trail writer of its actor, so that a later stage's rows and their trail
// records are written together or not at all, as the store's own are (store.h).
// Both borrow the Store's connection: like the Store, not thread-safe; they must not outlive
// it, and at most one Transaction exists per Store at a time.
// Errors: StoreError when the Store is closed, and for the database itself.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "libaudit/store/store.h"
#include "store/sqlite.h"
#include "store/store_internal.h"

namespace libaudit {

class Store::Snapshot {
 public:
  explicit Snapshot(const Store& store);
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  sql::Db& db;  // the connection; statements prepared on it read the snapshot

  Cycle load_cycle(std::int64_t id) const { return detail::load_cycle(db, id); }  // NotFoundError
  std::int64_t department_id(std::string_view code) const;                        // 0 when absent

 private:
  sql::ReadTxn txn_;
};

class Store::Transaction {
 public:
  explicit Transaction(Store& store);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  sql::Db& db;  // the connection, inside the transaction

  // The trail writer of this transaction: made on the first call (it reads the chain head),
  // returned by later ones, which must name the same actor (else StoreError). Records appended
  // to it commit with the transaction.
  detail::TrailWriter& trail(std::string_view actor, std::string at);
  void commit();  // once; the destructor rolls back an uncommitted transaction
  // Moves a cycle's status (CycleStateError unless it is `from`), its record in trail(actor).
  void move_cycle(std::string_view actor, std::int64_t id, CycleStatus from, CycleStatus to);

  // Store::import_responses inside this transaction (same checks, rows and trail records, in
  // trail(actor)), so a later stage checks its own rule and imports atomically. Foreign keys stay
  // on (they cannot be switched inside a transaction): meant for small imports.
  ImportResult import_responses(std::string_view actor, std::int64_t cycle, std::span<const ResponseRowView> rows,
                                const ImportOptions& options = {});

  Cycle load_cycle(std::int64_t id) const { return detail::load_cycle(db, id); }  // NotFoundError
  std::int64_t department_id(std::string_view code) const;                        // 0 when absent

 private:
  detail::Sha256& sha_;
  const std::string& trail_key_;  // the Store's (OpenOptions::trail_key)
  sql::WriteTxn txn_;
  std::optional<detail::TrailWriter> trail_;
  std::string actor_;
};

}  // namespace libaudit
