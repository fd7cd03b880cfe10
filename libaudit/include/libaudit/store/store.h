// The store: a body's organisation (部 → 課), information systems, imported checklists,
// cycles (実施回) and responses (回答), kept in one SQLite file with an append-only,
// hash-chained trail of every change. The model, schema and CSV formats are documented in
// docs/store.md.
//
// A Store owns one SQLite connection. It is movable, not copyable, and not thread-safe: use
// one Store per thread. Any number of Stores, in any number of processes, may open the same
// file at once; writers wait for each other (up to OpenOptions::busy_timeout_ms) instead of
// failing.
//
// Every public write runs in one transaction and appends its trail records in that same
// transaction: it either happens wholly, trail included, or not at all (also on a crash).
// Writes that would change nothing write nothing and append no trail record. Writes take the
// actor (who does it) from the caller; the library never invents one and refuses an empty one.
//
// Errors: ValidationError (bad input; ImportValidationError lists every bad row with its
// line), NotFoundError (an unknown id or code), CycleStateError (a write a cycle's status
// forbids), SchemaVersionError (a database written by a newer libaudit), StoreError (the
// database itself: unreadable, not a libaudit database, still locked after the timeout).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/csv.h"
#include "libaudit/base/error.h"
#include "libaudit/checklist/checklist.h"

namespace libaudit {

// The schema version this libaudit writes (PRAGMA user_version). 1-3 were global versions
// (2: the follow-up tables, 3: deflated trail states); 4 means that each stage's tables carry a
// version of their own, in the table schema_versions (Store::schema_versions(), docs/store.md).
inline constexpr int kStoreSchemaVersion = 4;

// ---- Model -------------------------------------------------------------------------------

// A node of the organisation tree. A 部 has no parent; the 課 are the leaves.
struct Department {
  std::string code;  // unique, NFKC; the key used everywhere else
  std::string name;
  std::string parent_code;       // empty for a top-level node (部)
  std::string security_officer;  // 情報セキュリティ責任者 (部長), a name
  std::string security_manager;  // 情報セキュリティ管理者 (課長), a name
  bool is_leaf = true;           // no department has it as parent: a 課
};

// An information system (情報システム).
struct System {
  std::string name;               // unique
  std::string department_code;    // the owning 課
  std::string tier;               // mynumber | lgwan | internet
  bool important_assets = false;  // holds 重要な情報資産 (重要性分類 Ⅰ/Ⅱ)
};

// A checklist version as stored.
struct StoredChecklist {
  std::int64_t id = 0;       // row id; cycles refer to it
  std::string checklist_id;  // Checklist::id()
  std::string version;
  std::string title;
  std::string body;
  std::string sha256;       // of Checklist::to_json(), lower-case hex
  std::string imported_at;  // UTC, ISO 8601
  std::size_t items = 0;
};

enum class CycleKind { self_inspection, internal_audit, external_audit };
enum class CycleStatus { planned, open, closed };

std::string_view to_string(CycleKind k) noexcept;
std::string_view to_string(CycleStatus s) noexcept;
CycleKind parse_cycle_kind(std::string_view s);  // throws ValidationError

struct Cycle {
  std::int64_t id = 0;
  std::string name;
  CycleKind kind = CycleKind::self_inspection;
  int fiscal_year = 0;         // 年度: April of this year to March of the next
  std::int64_t checklist = 0;  // StoredChecklist::id
  CycleStatus status = CycleStatus::planned;
  std::vector<std::string> departments;  // target 課 codes, sorted
  std::string created_at;
  // The 課 that answers the checklist's body-level items (全庁共通事項, Item::respondent body) for
  // the whole body, one of `departments`; empty when none is recorded: a cycle created before
  // the rule (every target 課 then answers every item, as it did: applicability.h, answers_item)
  // or one whose checklist has no body-level item in its audience and no secretariat of its own.
  std::string secretariat;
};

// Whether cycle `a` comes before cycle `b`: an earlier 年度, or the same 年度 and created
// earlier (a smaller id). A cycle never comes before itself, and one of a later 年度 never
// comes before, even when it was created first. Answers are carried over only from an earlier
// cycle (exchange::Questionnaires).
bool earlier_cycle(const Cycle& a, const Cycle& b) noexcept;

struct CycleSpec {
  std::string name;
  CycleKind kind = CycleKind::self_inspection;
  int fiscal_year = 0;
  std::int64_t checklist = 0;
  std::vector<std::string> departments;  // 課 codes; empty means every 課 at creation time
  // The 課 (code) that answers the body-level items; it must be one of the cycle's 課. Empty: the
  // one 課 whose name is the checklist's `secretariat`, when exactly one is; none when the
  // checklist names none (every 課 then answers every item, as before the rule). A cycle whose
  // audience has body-level items and whose checklist's secretariat names no target 課, or
  // several, is refused (ValidationError): the items are never dropped.
  std::string secretariat;
};

enum class Answer { implemented, partial, not_implemented, not_applicable, unknown };

std::string_view to_string(Answer a) noexcept;     // the English code
std::string_view answer_label(Answer a) noexcept;  // 実施している, 一部実施している, …
// The English code or the Japanese label (after NFKC and trimming), or nullopt.
std::optional<Answer> parse_answer(std::string_view s);

struct Response {
  std::int64_t cycle = 0;
  std::string department;  // 課 code
  std::string item;        // item id
  Answer answer = Answer::unknown;
  std::string comment;
  std::string evidence;
  std::string answered_by;
  std::string answered_at;  // ISO 8601 as given, or the UTC time of the write
};

// One row to import. Text fields are as read (answer may be a code or a Japanese label);
// they are validated on import.
struct ResponseRow {
  std::string department;
  std::string item;
  std::string answer;
  std::string comment;
  std::string evidence;
  std::string answered_by;  // empty: the actor
  std::string answered_at;  // empty: the time of the import
  int line = 0;             // for diagnostics: CSV line, or row number (1-based)
};

// A ResponseRow that borrows its text.
struct ResponseRowView {
  std::string_view department, item, answer, comment, evidence;
  std::string_view answered_by;  // empty: the actor
  std::string_view answered_at;  // empty: the time of the import
  int line = 0;
};

// A department or system row read from a file, with the line it came from.
struct DepartmentRow {
  Department department;  // is_leaf is ignored
  int line = 0;
};
struct SystemRow {
  System system;
  std::string important_assets_text;  // as written; parsed on import when not empty
  int line = 0;
};

struct ImportResult {
  std::size_t rows = 0;  // rows read
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;  // rows equal to what was stored: nothing written
};

struct ImportOptions {
  std::string source = "<rows>";  // names the input in diagnostics
  // Called now and then with (rows written so far, rows to write), from the calling thread.
  std::function<void(std::size_t, std::size_t)> progress;
  // When not empty, written as "source" into every trail record the import appends: which
  // files the rows came from (e.g. "4010.xlsx sha256:…"), next to the actor who imported them.
  std::string trail_source = {};
};

// ---- Trail and verification --------------------------------------------------------------

// One recorded state of a response, from the trail's "responses" batch records.
struct ResponseVersion {
  std::int64_t seq = 0;  // the trail record that carries it
  std::string at, actor;
  std::string action;  // insert | update
  std::string answer, comment, evidence, answered_by, answered_at;
  std::string source;  // the record's ImportOptions::trail_source ("" when none)
  bool operator==(const ResponseVersion&) const = default;
};

struct TrailRecord {
  std::int64_t seq = 0;  // 1, 2, 3, … without gaps
  std::string at;        // UTC, ISO 8601 with microseconds
  std::string actor;
  std::string entity;     // department | system | checklist | cycle | response
  std::string key;        // the entity's key (docs/store.md)
  std::string action;     // insert | update | delete
  std::string state;      // the row's new state, canonical JSON; "null" after delete
  std::string prev_hash;  // hash of record seq-1 (64 zeros for the first)
  std::string hash;       // SHA-256(prev_hash || canonical record), lower-case hex
  std::string mac;        // HMAC-SHA-256(trail key, the same), hex; empty when written without a key
};

// One thing verify() found wrong. "forged": a trail record that breaks a rule of a registered
// component (docs/store.md, "verify replays the rules"); table "trail", key its seq.
struct Problem {
  std::string table;  // "trail", "departments", "systems", "checklists", "cycles", "responses", …
  std::string key;    // trail: the seq (or "anchor"); unchecked: empty; otherwise the entity key
  // altered | deleted | inserted | broken_chain | unchecked | forged (a rule broken); for an evidence file
  // (table "evidence"): missing | altered
  std::string kind;
  std::string detail;             // what differs, in words
  std::string to_string() const;  // "responses [1,"101","8.1.a"]: altered: answer: …"; no key: "t: unchecked: …"
};

// A trail record known from elsewhere (VerifyReport::head_hash and records, written down when
// they were taken): verify() checks that the chain still holds it.
struct TrailAnchor {
  std::int64_t seq = 0;  // the record's seq; 0: any record may carry the hash
  std::string hash;      // 64 hex digits (case and surrounding space ignored); empty: no anchor
};

struct VerifyOptions {
  TrailAnchor anchor;  // problem ("trail", "anchor", …) when the chain no longer holds it
  // The trail key (raw bytes, read_trail_key; empty: none). With it, every record from the
  // first seal record this key made on must carry a valid MAC ("trail" problems "unsealed",
  // "forged"); a trail no record of which this key sealed is a problem ("trail", "seal").
  // Without it MACs are not looked at (docs/store.md, "Threat model").
  std::string trail_key = {};
  // The incremental verify (docs/store.md, "Checkpoints"): the chain from the head the latest
  // checkpoint record sealed on (that record included), the rows of the keys written after it,
  // and the rules of the records after it. NotFoundError when the store has no checkpoint,
  // unless the chain does not hold the anchor either (a removed checkpoint's): then a report
  // with that one problem.
  bool since_checkpoint = false;
};

struct VerifyReport {
  std::size_t records = 0;        // trail records walked
  std::string head_hash;          // hash of the last record (record it elsewhere to anchor)
  std::int64_t head_seq = 0;      // seq of the last record (0: an empty trail)
  std::size_t rows = 0;           // current rows compared
  std::vector<Problem> problems;  // empty when intact
  // With VerifyOptions::trail_key: the seq of the seal record from which on the key vouches for
  // every record (records before it are not checked with the key); 0 without a key or a seal.
  std::int64_t sealed_from = 0;
  std::string key_id;  // with a key: trail_key_id of it; else empty
  // Files in the evidence folder that are not evidence (evidence.h): blobs no revision references
  // and temporaries of an interrupted add. Not problems: a crash may leave them; `libaudit
  // evidence clean` removes them.
  std::vector<std::string> unreferenced;
  // since_checkpoint: the seq of the checkpoint record verified from and of the head it sealed
  // (records after `since` were walked). Store::checkpoint: the seq of the record it wrote (0:
  // none, the verify found problems).
  std::int64_t checkpoint = 0;
  std::int64_t since = 0;
  // The hash of that checkpoint record (empty when checkpoint is 0): the checkpoint's anchor.
  // Kept outside the store, verify with TrailAnchor{checkpoint, checkpoint_hash} shows that no
  // record up to it was rewritten and that it was not removed (trail_anchor_text prints it).
  std::string checkpoint_hash;
  bool ok() const noexcept { return problems.empty(); }
};

// A point of the trail: the store as it stood just after record `seq` was written (seq 0: before
// the first record). Every computation over a cycle reads the store at one such point
// (Store::cycle_point, docs/scoring.md "As of"), and a report prints its point as its anchor.
struct TrailPoint {
  std::int64_t seq = 0;
  std::string at;    // the record's time, UTC (now_utc_iso's form); empty for seq 0
  std::string hash;  // the record's hash; empty for seq 0
  bool operator==(const TrailPoint&) const = default;
};

// The anchor form of a trail record (docs/reports.md, "Editions and the trail anchor"), printed
// by reports for their point and by the CLI for a checkpoint: trail_short_hash is the first 12
// hex digits of the hash; trail_anchor_text is "証跡 24:f0ef309841dc" ("証跡なし" for seq 0).
std::string trail_short_hash(std::string_view hash);
std::string trail_anchor_text(std::int64_t seq, std::string_view hash);

// A response written by a trail record after some point (Store::responses_written_after).
struct ResponseWrite {
  std::string department, item;
  ResponseVersion version;
};

// ---- The trail key (docs/store.md, "Threat model") ----------------------------------------

// The smallest trail key: 32 bytes.
inline constexpr std::size_t kTrailKeyBytes = 32;
// The key's file: exactly 64 hex digits (32 bytes) and one "\n", readable by its owner only
// (no permission bit for group or others). Returns the raw bytes. IoError when it cannot be
// read; ValidationError (located at the file, message in Japanese saying what to do) for a
// file that group or others may read or write, or that is not in that form.
std::string read_trail_key(const std::filesystem::path& file);
// Writes a new key file of 32 random bytes (OpenSSL RAND_bytes) at `file`, mode 0600: written
// beside it and linked into place, so it appears whole or not at all and never replaces a
// file. IoError when `file` exists or cannot be written.
void write_trail_key(const std::filesystem::path& file);
// The first 16 hex digits of SHA-256(key): names a key in seal records without revealing it.
std::string trail_key_id(std::string_view key);

// ---- The store ---------------------------------------------------------------------------

struct OpenOptions {
  bool create = true;            // create the file (and schema) when absent
  int busy_timeout_ms = 30'000;  // how long a writer waits for another before StoreError
  // Open for reading only (create is then ignored): the file is never written, no migration
  // runs and the journal mode is left as it is, so a store on a read-only filesystem or in a
  // read-only folder opens. A WAL store whose folder cannot be written (SQLite cannot make its
  // -shm file) is opened immutable, unless a -wal file beside it holds changes (StoreError). A
  // store whose schema is behind this libaudit's is refused with StoreError (open it writable
  // once to upgrade it). Every write then throws StoreError.
  bool read_only = false;
  // The trail key (raw bytes, at least kTrailKeyBytes, else ValidationError; empty: none). With
  // it every trail record written carries mac = HMAC-SHA-256(key, prev_hash || canonical
  // record), and the first such write to a trail that this key has not sealed appends a seal
  // record ("trail_seal") first (docs/store.md, "Threat model"). Without it records are written
  // with no MAC, as before.
  std::string trail_key = {};
};

class Store {
 public:
  // Opens (and if needed creates or migrates) a store. `path` may be ":memory:" (not read-only).
  // Throws StoreError, or SchemaVersionError for a database from a newer libaudit. When a write
  // cannot happen because of the file system, the StoreError says why: a read-only filesystem,
  // a read-only store file, or a folder that cannot be written.
  static Store open(const std::filesystem::path& path, const OpenOptions& options = {});

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // Closes the connection; further calls throw StoreError. Closing twice is harmless.
  void close() noexcept;
  bool is_open() const noexcept;
  const std::string& path() const noexcept;
  int schema_version() const;  // PRAGMA user_version: kStoreSchemaVersion
  // The version of each stage's tables (schema component → version), e.g. {"followup": 1,
  // "store": 2}; a component this program links but the file lacks is migrated at open.
  std::map<std::string, int> schema_versions() const;

  // The body (団体) this store is for, e.g. "小牧市"; empty until set.
  std::string body() const;
  void set_body(std::string_view actor, std::string_view body);

  // The per-database secret that keys the checksums of exported questionnaires (HMAC-SHA256,
  // docs/exchange.md): 32 random bytes (OpenSSL RAND_bytes) as 64 hex digits, created on first
  // use in its own transaction and kept in `meta`. Not recorded in the trail (it is a key, not
  // a fact about the audit; records are read and printed).
  std::string exchange_secret();

  // -- Organisation
  // Inserts or updates one department. Its parent must exist.
  void put_department(std::string_view actor, const Department& d);
  // All-or-nothing upsert of many; parents may come later in `rows` than their children.
  ImportResult import_departments(std::string_view actor, const std::vector<DepartmentRow>& rows,
                                  const ImportOptions& options = {});
  ImportResult import_departments_csv(std::string_view actor, const std::filesystem::path& file,
                                      csv::Encoding encoding = csv::Encoding::detect);
  std::vector<Department> departments() const;         // ordered by code
  Department department(std::string_view code) const;  // throws NotFoundError

  void put_system(std::string_view actor, const System& s);
  ImportResult import_systems(std::string_view actor, const std::vector<SystemRow>& rows,
                              const ImportOptions& options = {});
  ImportResult import_systems_csv(std::string_view actor, const std::filesystem::path& file,
                                  csv::Encoding encoding = csv::Encoding::detect);
  std::vector<System> systems() const;  // ordered by name

  // -- Checklists
  // Stores a checklist version; returns its row id. Importing equal content again returns the
  // existing id and writes nothing. A different content under an existing (id, version)
  // throws ValidationError.
  std::int64_t import_checklist(std::string_view actor, const Checklist& checklist);
  std::vector<StoredChecklist> checklists() const;
  StoredChecklist stored_checklist(std::int64_t id) const;  // throws NotFoundError
  Checklist load_checklist(std::int64_t id) const;          // the stored content, loaded
  // The stored version a person names: its row id ("3"), the checklist's own id
  // ("komaki-taisaku-kijun", when the store holds one version of it) or id@version
  // ("komaki-taisaku-kijun@2024-03-01"); ids and versions compared after NFKC and trimming. A
  // row id wins over a checklist whose own id is the same digits. NotFoundError naming what the
  // store holds; ValidationError listing the versions when an id without @version has several.
  StoredChecklist find_checklist(std::string_view ref) const;

  // -- Cycles
  std::int64_t create_cycle(std::string_view actor, const CycleSpec& spec);
  void open_cycle(std::string_view actor, std::int64_t cycle);   // planned -> open
  void close_cycle(std::string_view actor, std::int64_t cycle);  // open -> closed
  std::vector<Cycle> cycles() const;                             // ordered by id
  Cycle cycle(std::int64_t id) const;                            // throws NotFoundError

  // -- Responses. The cycle must be open. All-or-nothing: any bad row (unknown or untargeted
  // 課, unknown item, invalid answer) throws ImportValidationError listing every bad row.
  ImportResult import_responses(std::string_view actor, std::int64_t cycle, const std::vector<ResponseRow>& rows,
                                const ImportOptions& options = {});
  // The same over views, for callers that hold the text already (the Python binding); the
  // strings need only outlive the call.
  ImportResult import_responses(std::string_view actor, std::int64_t cycle, std::span<const ResponseRowView> rows,
                                const ImportOptions& options = {});
  ImportResult import_responses_csv(std::string_view actor, std::int64_t cycle, const std::filesystem::path& file,
                                    csv::Encoding encoding = csv::Encoding::detect,
                                    std::function<void(std::size_t, std::size_t)> progress = {});
  std::vector<Response> responses(std::int64_t cycle) const;  // ordered by 課, item
  // One 課's responses, ordered by item: a range of the primary key, so it costs the 課's rows,
  // not the cycle's. None for a 課 without any (or unknown). NotFoundError: no cycle.
  std::vector<Response> responses(std::int64_t cycle, std::string_view department) const;
  std::size_t response_count(std::int64_t cycle) const;
  // Every recorded state of one response, oldest first, read from the trail (the only reader
  // of its batch format outside verify). Codes and ids are normalised as on import. Throws
  // NotFoundError for an unknown cycle, StoreError for a batch record that does not inflate.
  std::vector<ResponseVersion> response_history(std::int64_t cycle, std::string_view department,
                                                std::string_view item) const;
  // Bulk read for analysis (scoring): calls row(department, item, answer) once per response
  // of the cycle, from one read snapshot, in no particular order. `department` indexes
  // cycle(id).departments and `item` indexes load_checklist(cycle(id).checklist).items();
  // nothing else of a response is read, so millions of rows take seconds. `row` must not use
  // this Store; an exception from it stops the scan and propagates. NotFoundError: no cycle.
  void scan_responses(
      std::int64_t cycle,
      const std::function<void(std::uint32_t department, std::uint32_t item, Answer answer)>& row) const;

  // -- Trail
  // Records with seq > after, in order, at most `limit` (0: all).
  std::vector<TrailRecord> trail(std::int64_t after = 0, std::size_t limit = 0) const;
  // Walks the chain and replays it against the current tables of every registered schema
  // component (docs/store.md, "verify"); with an anchor, checks the chain still holds it.
  VerifyReport verify(const VerifyOptions& options = {}) const;
  // A full verify (options.since_checkpoint ignored); when it finds no problem, a checkpoint
  // record sealing the verified head (entity "checkpoint", key its seq; state head_seq,
  // head_hash, records, rows) appended in one transaction, its seq and hash in the report's
  // checkpoint and checkpoint_hash. With problems nothing is written (checkpoint 0, no hash).
  // StoreError when the store changed while it was verified.
  VerifyReport checkpoint(std::string_view actor, const VerifyOptions& options = {});

  // -- Points of the trail (as of). All read one snapshot; NotFoundError for an unknown cycle.
  TrailPoint trail_head() const;
  // The last record written before `utc` (an ISO 8601 UTC time in now_utc_iso's form).
  TrailPoint trail_point_before(std::string_view utc) const;
  // THE as-of rule: a closed cycle is read as it stood at its (last) close, the record that
  // closed it; any other cycle as it stood before `as_of_utc` (default: now).
  TrailPoint cycle_point(std::int64_t cycle, std::optional<std::string> as_of_utc = {}) const;
  // Each record that closed the cycle, oldest first (a cycle reopened and closed again has two).
  std::vector<TrailPoint> cycle_closes(std::int64_t cycle) const;
  // The state (canonical JSON) of every key of `entity` as its last record at or before `seq`
  // left it; keys deleted by then are absent. For the entities with one record per row (not
  // "responses"). StoreError for a record that does not inflate.
  std::map<std::string, std::string> states_at(std::string_view entity, std::int64_t seq) const;
  // The organisation as it stood at `seq` (ordered as departments() and systems()).
  std::vector<Department> departments_at(std::int64_t seq) const;
  std::vector<System> systems_at(std::int64_t seq) const;
  // Every response of the cycle written by a record after `seq`, in trail order (late answers
  // after a close). Codes and ids as stored.
  std::vector<ResponseWrite> responses_written_after(std::int64_t cycle, std::int64_t seq) const;

  struct Impl;
  // The store stage's interface for the later stages of libaudit (a read snapshot and a write
  // transaction with its trail), defined in the internal store/access.h.
  class Snapshot;
  class Transaction;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace libaudit
