#include "store/sqlite.h"

#include "libaudit/base/messages.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <random>
#include <system_error>
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

int primary(int rc) { return rc & 0xff; }

// Why the store at `path` cannot be written, as a clause for a message ("" when the file system
// does not say): checked when SQLite refuses to write or to create a file.
std::string why_not_writable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path file = fs::absolute(path, ec);
  const fs::path folder = file.parent_path();
  struct statvfs vfs {};
  if (statvfs(folder.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0) return tr("it is on a read-only filesystem");
  if (access(file.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS)) return tr("the store file is read-only");
  if (access(folder.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS))
    return message("its folder {folder} cannot be written (SQLite keeps the -wal and -shm files beside the store)",
                   fmt::arg("folder", folder.string()));
  return "";
}

// A file: URI for `path` that sqlite3_open_v2 (SQLITE_OPEN_URI) reads back as the same file.
std::string file_uri(const std::string& path, const char* query) {
  std::error_code ec;
  const std::string abs = std::filesystem::absolute(path, ec).string();
  std::string uri = "file://";
  for (const char c : abs.empty() ? path : abs) {
    if (c == '%' || c == '?' || c == '#') {
      constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      uri += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + "?" + query;
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

Db::Db(const std::string& path, OpenMode mode, int busy_timeout_ms)
    : mode_(mode), path_(path), busy_timeout_ms_(busy_timeout_ms) {
  if (mode == OpenMode::read_only) {
    open_read_only();
    return;
  }
  open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == OpenMode::create ? SQLITE_OPEN_CREATE : 0));
}

void Db::open(const std::string& name, int flags) {
  const int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    if (mode_ != OpenMode::read_only && (primary(rc) == SQLITE_CANTOPEN || primary(rc) == SQLITE_READONLY)) {
      const std::string why = why_not_writable(path_);
      if (!why.empty()) msg += " (" + why + ")";
    }
    throw StoreError(
        message("cannot open the store {path}: {reason}", fmt::arg("path", path_), fmt::arg("reason", msg)));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms_);
}

void Db::open_read_only() {
  open(path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  // The first read opens (or, for a WAL store, creates) the -shm file.
  const int rc = sqlite3_exec(db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return;
  const std::string msg = sqlite3_errmsg(db_);
  sqlite3_close_v2(db_);
  db_ = nullptr;
  if (primary(rc) != SQLITE_CANTOPEN && primary(rc) != SQLITE_READONLY)
    throw StoreError(
        message("cannot read the store {path}: {reason}", fmt::arg("path", path_), fmt::arg("reason", msg)));
  std::error_code ec;
  if (std::filesystem::file_size(path_ + "-wal", ec) > 0 && !ec)
    throw StoreError(
        message("cannot read the store {path} read-only: its folder cannot be written and {path}-wal "
                "holds changes not yet in the store file; copy the store with its -wal file to a "
                "writable folder, or open it writable once",
                fmt::arg("path", path_)));
  // Nobody can write a file in a folder that cannot be written to: reading it immutable is safe.
  open(file_uri(path_, "immutable=1"), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI);
}

Db::~Db() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  if (db_) sqlite3_close_v2(db_);
}

void Db::fail(int rc, std::string_view what) const {
  std::string msg = message("store {path}: {reason}", fmt::arg("path", path_),
                            fmt::arg("reason", db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
  if (is_busy(rc))
    msg += " (" +
           message("another process held the database for longer than {ms} ms", fmt::arg("ms", busy_timeout_ms_)) + ")";
  if (primary(rc) == SQLITE_READONLY || primary(rc) == SQLITE_CANTOPEN) {
    const std::string why =
        mode_ == OpenMode::read_only ? tr("the store was opened read-only") : why_not_writable(path_);
    if (!why.empty()) msg += " (" + why + ")";
  }
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
