#include "store/sqlite.h"

#include <chrono>
#include <random>
#include <thread>

namespace libaudit::sql {

namespace {

bool is_busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

// Runs `sql` until it does not report BUSY/LOCKED or the timeout passes. SQLite's busy handler
// already waits inside most calls; this covers the cases where it returns BUSY at once (e.g.
// while another connection recovers or switches the journal mode).
int exec_retrying(sqlite3* db, const char* sql, int timeout_ms) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
  thread_local std::minstd_rand rng{std::random_device{}()};
  for (;;) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (!is_busy(rc) || clock::now() >= deadline) return rc;
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + rng() % 20));
  }
}

}  // namespace

bool Stmt::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(s_);
  db_->fail(rc, sqlite3_sql(s_));
}

void Stmt::check(int rc) {
  if (rc != SQLITE_OK) db_->fail(rc, "bind");
}

Db::Db(const std::string& path, bool create, int busy_timeout_ms) : path_(path), busy_timeout_ms_(busy_timeout_ms) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError("cannot open the store " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

Db::~Db() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  if (db_) sqlite3_close_v2(db_);
}

void Db::fail(int rc, std::string_view what) const {
  std::string msg = "store " + path_ + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  if (is_busy(rc))
    msg += " (another process held the database for longer than " + std::to_string(busy_timeout_ms_) + " ms)";
  (void)what;
  throw StoreError(msg);
}

Stmt Db::prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) fail(rc, sql);
    it = cache_.emplace(sql, s).first;
  }
  return Stmt(*this, it->second);
}

void Db::exec(const char* sql) {
  const int rc = exec_retrying(db_, sql, busy_timeout_ms_);
  if (rc != SQLITE_OK) fail(rc, sql);
}

std::int64_t Db::query_int(const char* sql) {
  Stmt s = prepare(sql);
  return s.step() ? s.i64(0) : 0;
}

std::string Db::query_text(const char* sql) {
  Stmt s = prepare(sql);
  return s.step() ? s.str(0) : std::string();
}

WriteTxn::WriteTxn(Db& db) : db_(db) {
  if (db_.in_transaction()) throw StoreError("internal error: nested write transaction");
  db_.exec("BEGIN IMMEDIATE");
}

WriteTxn::~WriteTxn() {
  if (!done_ && db_.in_transaction()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTxn::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

ForeignKeysOff::ForeignKeysOff(Db& db) : db_(db) { db_.exec("PRAGMA foreign_keys = OFF"); }

ForeignKeysOff::~ForeignKeysOff() {
  // Outside any transaction this cannot fail (it sets a flag of the connection).
  sqlite3_exec(db_.handle(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
}

ReadTxn::ReadTxn(Db& db) : db_(db), owns_(!db.in_transaction()) {
  if (owns_) db_.exec("BEGIN");
}

ReadTxn::~ReadTxn() {
  if (owns_ && db_.in_transaction()) sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace libaudit::sql
