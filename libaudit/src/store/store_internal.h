// Internal to the store stage (store.cpp, trail.cpp, import.cpp, verify.cpp): the Impl behind
// Store, the canonical JSON encoding of trail states, SHA-256, and the trail appender. Later
// stages reach a Store through store/access.h, not through the Impl.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "libaudit/store/store.h"
#include "store/sqlite.h"

namespace libaudit::detail {

// ---- Canonical JSON: fixed key order (as written by the callers), no white space, UTF-8 as
// is, only '"', '\\' and control characters escaped. Equal values give equal bytes.
void json_string(std::string& out, std::string_view s);
inline void json_key(std::string& out, std::string_view k) {  // k is a trusted ASCII literal
  out += '"';
  out += k;
  out += "\":";
}
void json_int(std::string& out, std::int64_t v);
inline void json_bool(std::string& out, bool v) { out += v ? "true" : "false"; }

// Builds one canonical JSON object, its fields in the order added.
class JsonObject {
 public:
  JsonObject& str(std::string_view k, std::string_view v) {
    key(k);
    json_string(s_, v);
    return *this;
  }
  JsonObject& num(std::string_view k, std::int64_t v) {
    key(k);
    json_int(s_, v);
    return *this;
  }
  JsonObject& flag(std::string_view k, bool v) {
    key(k);
    json_bool(s_, v);
    return *this;
  }
  JsonObject& strings(std::string_view k, const std::vector<std::string>& v) {
    key(k);
    s_ += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) s_ += ',';
      json_string(s_, v[i]);
    }
    s_ += ']';
    return *this;
  }
  std::string done() { return std::move(s_) + "}"; }  // once

 private:
  void key(std::string_view k) {
    if (s_.size() > 1) s_ += ',';
    json_key(s_, k);
  }
  std::string s_ = "{";
};

// ---- SHA-256 through OpenSSL's EVP interface; one context reused.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void begin();
  void update(std::string_view data);
  std::array<unsigned char, 32> finish();
  // finish() as 64 lower-case hex digits written into `hex`.
  void finish_hex(char* hex);
  std::string hex_of(std::string_view data);

 private:
  EVP_MD_CTX* ctx_;
  EVP_MD* md_;
};

// ---- HMAC-SHA-256 through OpenSSL's EVP_MAC, for the trail key. One context, reused; like
// Sha256, one per thread. Keeps a copy of the key.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;
  void begin();
  void update(std::string_view data);
  // The MAC as 64 lower-case hex digits written into `hex`.
  void finish_hex(char* hex);

 private:
  EVP_MAC* mac_;
  EVP_MAC_CTX* ctx_;
  std::string key_;
};

// The entity of a seal record: the trail's first record under a key, state seal_state(seq,
// key id). Its MAC is the key's; verify() checks records from the first valid one on and owes
// it no table row (docs/store.md, "Threat model").
inline constexpr std::string_view kSealEntity = "trail_seal";
// The entity of a checkpoint record (Store::checkpoint): a verified head sealed in the chain,
// from which verify(since_checkpoint) starts. It owes no table row either.
inline constexpr std::string_view kCheckpointEntity = "checkpoint";
// {"from":seq,"key_id":"…"}: sealing starts at record `seq`, the seal record itself.
std::string seal_state(std::int64_t seq, std::string_view key_id);
// The MAC of a record: HMAC(key, prev_hash || record), record as record_json gives it.
void trail_mac(HmacSha256& mac, std::string_view prev_hash, std::string_view record, char* hex);

inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

// Entity states, canonical JSON (docs/store.md, "Trail").
std::string department_state(const Department& d);
std::string system_state(const System& s);
std::string checklist_key(std::string_view checklist_id, std::string_view version);
std::string checklist_state(const StoredChecklist& c);
std::string cycle_state(const Cycle& c);
std::string response_key(std::int64_t cycle, std::string_view department, std::string_view item);
void response_state(std::string& out, std::string_view answer, std::string_view comment, std::string_view evidence,
                    std::string_view answered_by, std::string_view answered_at);

// A trail record sealed into the chain: its hash covers the previous hash and the canonical
// record (with the state as JSON); `state` is stored deflated when `state_size` > 0.
struct SealedRecord {
  std::int64_t seq = 0;
  std::string entity, key, action;
  std::string state;            // JSON, or zlib-deflated JSON of state_size bytes
  std::int64_t state_size = 0;  // 0: state is the JSON text
  char prev_hash[64];
  char hash[64];
  std::string mac;  // 64 hex digits; empty when the chain has no key
};

// States at or above this size are stored deflated (docs/store.md, "The trail"); below it the
// saving is not worth the state being unreadable as plain text in the sqlite3 shell.
inline constexpr std::size_t kDeflateAtBytes = 4096;

// The zlib format (RFC 1950), level 1, through libdeflate: what Python's zlib and the sqlite3
// shell's sqlar_uncompress read.
void deflate_state(std::string_view json, std::string& out);
// Inflates a stored state of `size` bytes into `out`; false when it does not inflate to exactly
// that size (a damaged or altered record).
bool inflate_state(std::string_view stored, std::int64_t size, std::string& out);

// Extends a chain from a known head. Touches no database, so it can run in another thread
// than the connection's (the bulk import seals its batch records while the rows are written),
// with a Sha256 of its own. With a trail key (raw bytes; empty: none) every record it seals
// carries its MAC, from an HMAC context of the chain's own.
class TrailChain {
 public:
  TrailChain(Sha256& sha, std::int64_t head_seq, std::string_view head_hash, std::string_view actor, std::string at,
             std::string_view trail_key);
  // The next record, sealed: seq = head + 1, its hash (and with a key its MAC) computed, its
  // state deflated when it is at least kDeflateAtBytes long; the head moves to it.
  SealedRecord seal(std::string_view entity, std::string_view key, std::string_view action, std::string_view state);
  std::int64_t head_seq() const noexcept { return seq_; }
  std::string_view head_hash() const noexcept { return {prev_, 64}; }
  const std::string& actor() const noexcept { return actor_; }
  const std::string& at() const noexcept { return at_; }
  // Moves the head to a record that another chain sealed from this one's head.
  void move_head(std::int64_t seq, std::string_view hash) {
    seq_ = seq;
    std::memcpy(prev_, hash.data(), 64);
  }

 private:
  Sha256& sha_;
  std::unique_ptr<HmacSha256> mac_;  // null without a key
  std::string actor_, at_;
  std::int64_t seq_;
  char prev_[64];
  std::string record_;
};

// Appends trail records inside the caller's write transaction. Reads the chain head when
// constructed, so it must be constructed after BEGIN IMMEDIATE. With a trail key (raw bytes,
// which must outlive the writer; empty: none) its records carry MACs, and the first record it
// writes is preceded by a seal record unless the trail's last seal record is a valid one of
// this key (start_seal).
class TrailWriter {
 public:
  TrailWriter(sql::Db& db, Sha256& sha, std::string_view trail_key, std::string_view actor, std::string at);
  void append(std::string_view entity, std::string_view key, std::string_view action, std::string_view state);
  // Inserts records sealed elsewhere (a TrailChain started from this writer's head, with its
  // key), in order; the head moves to the last. Throws StoreError if they do not continue the
  // chain.
  void insert(const std::vector<SealedRecord>& records);
  // Appends the seal record if one is due (once; append() does it itself). Call it before
  // reading chain() to start a TrailChain elsewhere.
  void start_seal();
  const TrailChain& chain() const noexcept { return chain_; }
  std::string_view trail_key() const noexcept { return key_; }
  const std::string& at() const noexcept { return chain_.at(); }

 private:
  void insert_row(const SealedRecord& r);
  sql::Db& db_;
  std::string_view key_;
  bool seal_checked_ = false;
  TrailChain chain_;
};

// Whether trail row `s` (columns seq, at, actor, entity, key, action, state, state_size,
// prev_hash, hash, mac, as replay_chain selects them) is a valid seal record of the key `mac`
// holds (`key_id` = its trail_key_id): entity kSealEntity, state seal_state(seq, key_id), and
// its MAC the key's. Its hash is not checked here.
bool is_seal_of(const sql::Stmt& s, HmacSha256& mac, std::string_view key_id);

// Collects changed responses of one cycle into one "responses" trail record:
// {"cycle":1,"answered_by":"…","answered_at":"…","rows":[["101","8.1.a","insert","implemented",
// "comment","evidence"],…]}. A row answered by someone else or at another time than the batch's
// defaults carries two more fields: …,"evidence","answered_by","answered_at"].
class ResponseBatch {
 public:
  ResponseBatch(std::int64_t cycle, std::string_view answered_by, std::string_view answered_at)
      : cycle_(cycle), by_(answered_by), at_(answered_at) {
    rows_.reserve(1 << 16);
  }
  void add(std::string_view department, std::string_view item, bool update, std::string_view answer,
           std::string_view comment, std::string_view evidence, std::string_view answered_by,
           std::string_view answered_at);
  std::size_t size() const noexcept { return n_; }
  // Where the rows came from (ImportOptions::trail_source): when not empty, every record carries
  // "source":"…" after "answered_at".
  void set_source(std::string_view source) { source_ = source; }
  // The record's state for the rows added since the last take() (empty when there are none);
  // starts a new batch. The view is valid until the next add() or take().
  std::string_view take();

 private:
  std::int64_t cycle_;
  std::string by_, at_, source_;
  std::size_t n_ = 0;
  std::string rows_;
  std::string state_;
};

// The canonical form of one trail record (what its hash covers after prev_hash).
void record_json(std::string& out, std::int64_t seq, std::string_view at, std::string_view actor,
                 std::string_view entity, std::string_view key, std::string_view action, std::string_view state);

// One row of the items table, as derived from a checklist (import) and checked against it (verify).
struct ItemRow {
  std::string item_id;
  std::int64_t position = 0;  // 1-based, document order
  std::string chapter_id, section_id, clause;
  double weight = 1.0;
  bool self_inspection = true, audit = true;
  std::string departments;  // all | system_owners
  std::string tiers;        // space-separated tier ids
  bool important_assets = false;
  bool operator==(const ItemRow&) const = default;
};
std::vector<ItemRow> item_rows(const Checklist& c);

// Normalises a code or id as stored: trimmed, NFKC (a no-op fast path for plain ASCII).
std::string normalise_key(std::string_view s);

// The indices of `cols` in a CSV table's header (-1: absent); the first `required` must be
// there and no other column may be (the message lists `expected`). ImportValidationError.
std::vector<int> csv_columns(const csv::Table& t, std::span<const char* const> cols, std::size_t required,
                             std::string_view expected);
// Field k of a record read with csv_columns (empty when the column is absent).
std::string csv_field(const csv::Record& r, const std::vector<int>& col, std::size_t k);
// The records of `t` as import rows, in file order: make(f, line) where f(k) is csv_field k of
// the columns `cols` (checked as csv_columns does).
template <class Row, class Make>
std::vector<Row> csv_rows(const csv::Table& t, std::span<const char* const> cols, std::size_t required,
                          std::string_view expected, Make make) {
  const std::vector<int> col = csv_columns(t, cols, required, expected);
  std::vector<Row> rows;
  rows.reserve(t.records.size());
  for (const csv::Record& r : t.records)
    rows.push_back(make([&](std::size_t k) { return csv_field(r, col, k); }, r.line));
  return rows;
}
// Throws ImportValidationError with `diags` ordered by line, unless there are none.
void throw_import_errors(std::vector<Diagnostic>& diags);

// Throws ValidationError when the actor is empty.
void require_actor(std::string_view actor);

// The state of a trail row as JSON into `out`: column c of `s` is `state`, c + 1 `state_size`.
// False when a deflated state does not inflate to its size.
bool stored_state(const sql::Stmt& s, int c, std::string& out);
// stored_state of a row whose column 0 is the record's seq: StoreError naming the record and the
// file `path` (run `libaudit verify`) when the state does not inflate.
void require_stored_state(const sql::Stmt& s, int c, std::string& out, const std::string& path);

// The body's state: {"name":"…"}.
std::string body_state(std::string_view name);

// The row id of department `code` (normalised), 0 when absent.
std::int64_t department_id(sql::Db& db, std::string_view code);
// Cycle `id` with its target 課 (sorted); NotFoundError.
Cycle load_cycle(sql::Db& db, std::int64_t id);
// Stored checklist `id` loaded (Store::load_checklist), once per process per content: cached by
// its sha256 (at most 64 contents). Thread-safe. NotFoundError for an unknown id.
std::shared_ptr<const Checklist> cached_checklist(sql::Db& db, std::int64_t id);
// Moves cycle `id` from status `from` to `to` and appends its trail record (CycleStateError when
// it is not `from`), inside the caller's write transaction.
void move_cycle_status(sql::Db& db, TrailWriter& trail, std::int64_t id, CycleStatus from, CycleStatus to);

}  // namespace libaudit::detail

namespace libaudit {

struct Store::Impl {
  Impl(const std::string& p, const OpenOptions& o)
      : db(p,
           o.read_only ? sql::OpenMode::read_only
           : o.create  ? sql::OpenMode::create
                       : sql::OpenMode::write,
           o.busy_timeout_ms),
        path(p) {}
  sql::Db db;
  std::string path;
  detail::Sha256 sha;
  std::string trail_key;  // OpenOptions::trail_key: every TrailWriter of this store is given it

  void write_cycle_trail(detail::TrailWriter& trail, std::int64_t id, std::string_view action);
};

}  // namespace libaudit
