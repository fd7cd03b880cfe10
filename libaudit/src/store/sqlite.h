// Internal: a thin RAII layer over SQLite for the store. Db owns a connection and a cache of
// prepared statements; Stmt is a borrowed, reset-on-scope-exit handle to one of them;
// WriteTxn is BEGIN IMMEDIATE (retried while another writer holds the lock) ... COMMIT, rolled
// back by its destructor unless committed. Every SQLite failure throws StoreError.
// Not thread-safe, like the Store that owns it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "libaudit/base/error.h"

namespace libaudit::sql {

class Db;

// How Db opens its file: create it when absent, open an existing one for writing, or read only
// (SQLITE_OPEN_READONLY; immutable when a WAL file's folder cannot be written, see Db).
enum class OpenMode { create, write, read_only };

// A prepared statement from Db::prepare. Binding indices are 1-based, columns 0-based.
// Reset (and its bindings cleared) when the Stmt goes out of scope.
class Stmt {
 public:
  Stmt(Db& db, sqlite3_stmt* s) : db_(&db), s_(s) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  ~Stmt() {
    if (s_) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }

  Stmt& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(s_, i, v));
    return *this;
  }
  Stmt& bind(int i, int v) { return bind(i, std::int64_t{v}); }
  Stmt& bind(int i, bool v) { return bind(i, std::int64_t{v ? 1 : 0}); }
  Stmt& bind(int i, double v) {
    check(sqlite3_bind_double(s_, i, v));
    return *this;
  }
  // The text must outlive the next step(). An empty view is the empty string, never NULL
  // (SQLite binds NULL for a null pointer, which a default string_view has).
  Stmt& bind(int i, std::string_view v) {
    check(sqlite3_bind_text(s_, i, v.data() ? v.data() : "", int(v.size()), SQLITE_STATIC));
    return *this;
  }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  // A temporary string (bind(1, std::to_string(id))) dies before step(): SQLite copies it.
  Stmt& bind(int i, std::string&& v) {
    check(sqlite3_bind_text(s_, i, v.data(), int(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  // Bytes as a BLOB; they must outlive the next step().
  // Binds args to ?1, ?2, … in order, each as bind(i, arg) does (texts are not copied either).
  template <class... Args>
  Stmt& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }
  Stmt& bind_blob(int i, std::string_view v) {
    check(sqlite3_bind_blob64(s_, i, v.data(), v.size(), SQLITE_STATIC));
    return *this;
  }
  Stmt& bind_null(int i) {
    check(sqlite3_bind_null(s_, i));
    return *this;
  }

  // True when a row is available; false when done.
  bool step();
  // Runs to completion (for statements returning no rows), then resets.
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() { sqlite3_reset(s_); }

  std::int64_t i64(int c) const { return sqlite3_column_int64(s_, c); }
  double real(int c) const { return sqlite3_column_double(s_, c); }
  bool is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string_view text(int c) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return p ? std::string_view(p, std::size_t(sqlite3_column_bytes(s_, c))) : std::string_view();
  }
  std::string str(int c) const { return std::string(text(c)); }
  std::string_view blob(int c) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, c));
    return p ? std::string_view(p, std::size_t(sqlite3_column_bytes(s_, c))) : std::string_view();
  }

 private:
  void check(int rc);
  Db* db_;
  sqlite3_stmt* s_;
};

class Db {
 public:
  // Opens `path` (":memory:" allowed, except read_only). Throws StoreError. A read_only Db
  // reads the schema once: when that fails because SQLite cannot create the -shm file of a WAL
  // store (a read-only folder), it reopens the file immutable (no locks, no -shm), unless a
  // non-empty -wal file holds changes the immutable read would miss (StoreError).
  Db(const std::string& path, OpenMode mode, int busy_timeout_ms);
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // A cached prepared statement for `sql` (a string literal: cached by its address).
  Stmt prepare(const char* sql);
  // Runs SQL text with no parameters (schema, pragmas, transactions).
  void exec(const char* sql);
  // The first column of the first row of a no-parameter query, as an integer / text.
  std::int64_t query_int(const char* sql);
  std::string query_text(const char* sql);

  [[noreturn]] void fail(int rc, std::string_view what) const;
  sqlite3* handle() const noexcept { return db_; }
  const std::string& path() const noexcept { return path_; }
  int busy_timeout_ms() const noexcept { return busy_timeout_ms_; }
  bool in_transaction() const noexcept { return !sqlite3_get_autocommit(db_); }

 private:
  void open(const std::string& name, int flags);
  void open_read_only();
  sqlite3* db_ = nullptr;
  OpenMode mode_;
  std::string path_;
  int busy_timeout_ms_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE: takes the write lock at once, waiting (and retrying) while another
// connection holds it, up to the busy timeout. Rolls back in the destructor unless committed.
class WriteTxn {
 public:
  explicit WriteTxn(Db& db);
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
  ~WriteTxn();
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

// Turns the connection's foreign-key enforcement off until destroyed, for a write that checks
// every reference itself inside its own transaction (the bulk import). Construct it before the
// WriteTxn: SQLite ignores the setting inside a transaction (then enforcement simply stays on).
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(Db& db);
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;
  ~ForeignKeysOff();

 private:
  Db& db_;
};

// BEGIN (deferred): a consistent snapshot for several reads. Ends in the destructor.
class ReadTxn {
 public:
  explicit ReadTxn(Db& db);
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  ~ReadTxn();

 private:
  Db& db_;
  bool owns_;
};

}  // namespace libaudit::sql
