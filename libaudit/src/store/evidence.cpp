// Evidence files (libaudit/store/evidence.h): the schema component "evidence", the targets
// registry, add / revise / withdraw / purge, reading back, and verify()'s file phase.
#include "libaudit/store/evidence.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>

#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "store/access.h"
#include "store/evidence_io.h"
#include "store/evidence_targets.h"
#include "store/schema.h"

namespace libaudit {

namespace fs = std::filesystem;
using namespace detail::evidence;

namespace {

// ---- The schema component ---------------------------------------------------------------------

constexpr const char* kEvidenceMigrations[] = {
    // 0 -> 1: one row per revision of an item (docs/evidence.md), and the store's settings.
    R"sql(
CREATE TABLE evidence(
  id INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  target_kind TEXT NOT NULL,
  target_key TEXT NOT NULL,
  title TEXT NOT NULL,
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  evidence_date TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'active' OR status = 'withdrawn' OR status = 'purged'),
  withdrawn_by TEXT NOT NULL DEFAULT '',
  withdrawn_at TEXT NOT NULL DEFAULT '',
  withdraw_reason TEXT NOT NULL DEFAULT '',
  purged_by TEXT NOT NULL DEFAULT '',
  purged_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (id, revision)
) WITHOUT ROWID;
CREATE INDEX evidence_target ON evidence(target_kind, target_key);
CREATE INDEX evidence_sha256 ON evidence(sha256);
CREATE TABLE evidence_settings(
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
};

constexpr const char* kEvidenceTables[] = {"evidence", "evidence_settings"};
constexpr schema::EntityTable kEvidenceEntities[] = {{"evidence", "evidence"},
                                                     {"evidence_setting", "evidence_settings"}};

constexpr const char* kSelect =
    "SELECT id, revision, target_kind, target_key, title, file_name, media_type, sha256, size, evidence_date, "
    "added_by, added_at, status, withdrawn_by, withdrawn_at, withdraw_reason, purged_by, purged_at FROM evidence";

EvidenceStatus parse_status(std::string_view s) {
  return s == "withdrawn" ? EvidenceStatus::withdrawn : s == "purged" ? EvidenceStatus::purged : EvidenceStatus::active;
}

EvidenceFile read_row(const sql::Stmt& s) {
  EvidenceFile f;
  f.id = s.i64(0);
  f.revision = int(s.i64(1));
  f.target_kind = s.str(2);
  f.target_key = s.str(3);
  f.title = s.str(4);
  f.file_name = s.str(5);
  f.media_type = s.str(6);
  f.sha256 = s.str(7);
  f.size = s.i64(8);
  f.evidence_date = s.str(9);
  f.added_by = s.str(10);
  f.added_at = s.str(11);
  f.status = parse_status(s.text(12));
  f.withdrawn_by = s.str(13);
  f.withdrawn_at = s.str(14);
  f.withdraw_reason = s.str(15);
  f.purged_by = s.str(16);
  f.purged_at = s.str(17);
  return f;
}

std::string row_key(const EvidenceFile& f) {
  return "[" + std::to_string(f.id) + "," + std::to_string(f.revision) + "]";
}

// The trail state (canonical: keys in this order, no white space); it carries sha256 and size.
std::string row_state(const EvidenceFile& f) {
  return detail::JsonObject()
      .num("id", f.id)
      .num("revision", f.revision)
      .str("target_kind", f.target_kind)
      .str("target_key", f.target_key)
      .str("title", f.title)
      .str("file_name", f.file_name)
      .str("media_type", f.media_type)
      .str("sha256", f.sha256)
      .num("size", f.size)
      .str("evidence_date", f.evidence_date)
      .str("added_by", f.added_by)
      .str("added_at", f.added_at)
      .str("status", to_string(f.status))
      .str("withdrawn_by", f.withdrawn_by)
      .str("withdrawn_at", f.withdrawn_at)
      .str("withdraw_reason", f.withdraw_reason)
      .str("purged_by", f.purged_by)
      .str("purged_at", f.purged_at)
      .done();
}

std::string setting_state(std::string_view name, std::int64_t value) {
  return detail::JsonObject().str("name", name).num("value", value).done();
}

void evidence_rows(sql::Db& db, const schema::RowVisitor& row) {
  sql::Stmt s = db.prepare(kSelect);
  while (s.step()) {
    const EvidenceFile f = read_row(s);
    row("evidence", "evidence", row_key(f), row_state(f));
  }
  sql::Stmt t = db.prepare("SELECT name, value FROM evidence_settings");
  while (t.step()) row("evidence_settings", "evidence_setting", t.str(0), setting_state(t.text(0), t.i64(1)));
}

constexpr schema::Component kEvidenceComponent{
    "evidence", 3, kEvidenceMigrations, kEvidenceTables, kEvidenceEntities, &evidence_rows, nullptr};

// ---- Targets -----------------------------------------------------------------------------------

struct Target {
  const char* kind;
  TargetCheck check;
};

std::vector<Target>& targets() {
  static std::vector<Target> t;
  return t;
}

[[noreturn]] void invalid(std::string what) { throw ValidationError({Diagnostic{"", 0, 0, std::move(what)}}); }

// "CYCLE/課/ITEM": the cycle exists, the 課 is one of its targets, the item is in its checklist.
std::string response_target(sql::Db& db, std::string_view key) {
  const std::size_t a = key.find('/'), b = a == std::string_view::npos ? a : key.find('/', a + 1);
  if (b == std::string_view::npos)
    invalid(
        message("a response is named CYCLE/DEPARTMENT/ITEM (e.g. 1/4010/8.1.a), not '{key}'", fmt::arg("key", key)));
  std::int64_t cycle = 0;
  const std::string number(text::trim(key.substr(0, a)));
  if (number.empty() || number.size() > 12 || number.find_first_not_of("0123456789") != std::string::npos)
    invalid(
        message("a response is named CYCLE/DEPARTMENT/ITEM (e.g. 1/4010/8.1.a), not '{key}'", fmt::arg("key", key)));
  cycle = std::stoll(number);
  const Cycle c = detail::load_cycle(db, cycle);  // NotFoundError
  const std::string dept = detail::normalise_key(key.substr(a + 1, b - a - 1));
  const std::string item = detail::normalise_key(key.substr(b + 1));
  if (!std::binary_search(c.departments.begin(), c.departments.end(), dept))
    throw NotFoundError(message("department {department} is not a target of cycle {cycle} ({name})",
                                fmt::arg("department", dept), fmt::arg("cycle", c.id), fmt::arg("name", c.name)));
  sql::Stmt s = db.prepare("SELECT 1 FROM items WHERE checklist = ? AND item_id = ?");
  s.bind(1, c.checklist).bind(2, item);
  if (!s.step())
    throw NotFoundError(message("item {item} is not in the checklist of cycle {cycle}", fmt::arg("item", item),
                                fmt::arg("cycle", c.id)));
  return std::to_string(cycle) + "/" + dept + "/" + item;
}

// ---- Reading ------------------------------------------------------------------------------------

std::vector<EvidenceFile> item_rows(sql::Db& db, std::int64_t id) {
  static const std::string text = std::string(kSelect) + " WHERE id = ? ORDER BY revision";
  sql::Stmt s = db.prepare(text.c_str());
  s.bind(1, id);
  std::vector<EvidenceFile> out;
  while (s.step()) out.push_back(read_row(s));
  if (out.empty()) throw NotFoundError(message("no evidence {id} in this store", fmt::arg("id", id)));
  return out;
}

EvidenceSettings read_settings(sql::Db& db) {
  EvidenceSettings s;
  sql::Stmt q = db.prepare("SELECT name, value FROM evidence_settings");
  while (q.step()) {
    if (q.text(0) == "max_bytes") s.max_bytes = q.i64(1);
    if (q.text(0) == "retention_days") s.retention_days = int(q.i64(1));
  }
  return s;
}

void update_row(sql::Db& db, detail::TrailWriter& trail, const EvidenceFile& f) {
  db.prepare(
        "UPDATE evidence SET status = ?, withdrawn_by = ?, withdrawn_at = ?, withdraw_reason = ?, purged_by = ?, "
        "purged_at = ? WHERE id = ? AND revision = ?")
      .bind_all(std::string(to_string(f.status)), f.withdrawn_by, f.withdrawn_at, f.withdraw_reason, f.purged_by,
                f.purged_at, f.id, std::int64_t(f.revision))
      .run();
  trail.append("evidence", row_key(f), "update", row_state(f));
}

std::string checked_name(std::string name) {
  name = std::string(text::trim(name));
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos ||
      std::any_of(name.begin(), name.end(), [](char c) { return std::uint8_t(c) < 0x20; }))
    invalid(message("'{name}' is not a file name (no folder, no control characters)", fmt::arg("name", name)));
  return name;
}

// Removes a temporary unless it was renamed into place.
struct TempGuard {
  fs::path path;
  ~TempGuard() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

}  // namespace

// ---- Registry ----------------------------------------------------------------------------------

namespace detail::evidence {

bool register_target(const char* kind, TargetCheck check) noexcept {
  auto& t = targets();
  if (std::none_of(t.begin(), t.end(), [&](const Target& x) { return std::string_view(x.kind) == kind; }))
    t.push_back({kind, check});
  return true;
}

std::vector<std::string> target_kinds() {
  std::vector<std::string> out;
  for (const Target& t : targets()) out.emplace_back(t.kind);
  std::sort(out.begin(), out.end());
  return out;
}

std::string check_target(sql::Db& db, std::string_view kind, std::string_view key) {
  const std::string k(text::trim(kind));
  for (const Target& t : targets())
    if (k == t.kind) return t.check(db, key);
  std::string kinds;
  for (const std::string& x : target_kinds()) kinds += (kinds.empty() ? "" : ", ") + x;
  invalid(message("unknown evidence target kind '{kind}': one of {kinds}", fmt::arg("kind", kind),
                  fmt::arg("kinds", kinds)));
}

bool register_schema() noexcept {
  register_target("response", &response_target);
  return schema::register_component(kEvidenceComponent);
}

}  // namespace detail::evidence

// ---- Evidence -------------------------------------------------------------------------------------

std::string_view to_string(EvidenceStatus s) noexcept { return enum_id(Vocabulary::evidence_status, s); }

fs::path Evidence::folder() const { return folder_of(store_.path()); }

EvidenceFile Evidence::add(std::string_view actor, const EvidenceSpec& spec, const fs::path& source,
                           const EvidenceProgress& progress) {
  return store_file(actor, 0, spec, source, progress);
}

EvidenceFile Evidence::revise(std::string_view actor, std::int64_t id, const EvidenceSpec& spec, const fs::path& source,
                              const EvidenceProgress& progress) {
  if (id <= 0) throw NotFoundError(message("no evidence {id} in this store", fmt::arg("id", id)));
  return store_file(actor, id, spec, source, progress);
}

namespace {

// What an add or revise writes, checked before the copy and again inside the transaction: the
// target (add) or the last revision (revise), which must be active.
EvidenceFile prepare(sql::Db& db, std::int64_t id, const EvidenceSpec& spec) {
  EvidenceFile f;
  if (id == 0) {
    f.target_kind = std::string(text::trim(spec.target_kind));
    f.target_key = check_target(db, f.target_kind, spec.target_key);
    return f;
  }
  const std::vector<EvidenceFile> rows = item_rows(db, id);
  const EvidenceFile& last = rows.back();
  if (last.status != EvidenceStatus::active)
    invalid(message("evidence {id} is withdrawn or purged: it takes no new revision", fmt::arg("id", id)));
  f = last;
  f.revision = last.revision + 1;
  return f;
}

}  // namespace

EvidenceFile Evidence::store_file(std::string_view actor, std::int64_t id, const EvidenceSpec& spec,
                                  const fs::path& source, const EvidenceProgress& progress) {
  if (read_only_) throw StoreError(tr("this Evidence was made from a read-only Store"));
  detail::require_actor(actor);
  const fs::path dir = folder();
  const std::string name = checked_name(spec.file_name.empty() ? source.filename().string() : spec.file_name);
  const std::string date =
      text::trim(spec.evidence_date).empty() ? "" : parse_date(text::trim(spec.evidence_date)).to_string();
  EvidenceSettings settings;
  {
    const Store::Snapshot snap(store_);
    prepare(snap.db, id, spec);
    settings = read_settings(snap.db);
  }
  std::int64_t size = 0;
  const Fd in = open_read(source, size);  // IoError
  if (size > settings.max_bytes)
    invalid(
        message("{file}: {size} bytes, larger than the store's limit of {limit} bytes per evidence file: "
                "nothing was stored",
                fmt::arg("file", source.string()), fmt::arg("size", size), fmt::arg("limit", settings.max_bytes)));
  const Sniffed what = sniff_fd(in.get(), source, size, name);
  if (!what.refusal.empty())
    invalid(
        message("{file}: not accepted as evidence: {why}. Accepted: PDF, PNG, JPEG, GIF, TIFF, plain text and "
                "CSV, and Word, Excel and PowerPoint files (docx, xlsx, pptx) without macros",
                fmt::arg("file", source.string()), fmt::arg("why", what.refusal)));
  make_dirs(temp_folder(dir));
  TempGuard guard;
  Fd out = make_temp(temp_folder(dir), "add-", guard.path);
  const Copied copied =
      copy_hashing(in.get(), source, out.get(), guard.path, size, settings.max_bytes, source.string(), progress);
  if (::fsync(out.get()) != 0 || ::fchmod(out.get(), 0444) != 0)
    throw IoError(message("{file}: cannot be written", fmt::arg("file", guard.path.string())));

  Store::Transaction txn(store_);
  EvidenceFile f = prepare(txn.db, id, spec);  // again, under the write lock
  const fs::path blob = blob_path(dir, copied.sha256);
  make_dirs(blob.parent_path());
  if (::access(blob.c_str(), F_OK) != 0) {
    if (::rename(guard.path.c_str(), blob.c_str()) != 0)
      throw IoError(message("{file}: cannot be written", fmt::arg("file", blob.string())));
    guard.path.clear();
    sync_dir(blob.parent_path());
  }
  out.close();
  if (id == 0) {
    f.id = txn.db.query_int("SELECT COALESCE(MAX(id), 0) + 1 FROM evidence");
    f.revision = 1;
  }
  const std::string title(text::trim(spec.title));
  f.title = !title.empty() ? title : id == 0 ? name : f.title;
  f.file_name = name;
  f.media_type = what.media_type;
  f.sha256 = copied.sha256;
  f.size = copied.size;
  f.evidence_date = date;
  detail::TrailWriter& trail = txn.trail(actor, now_utc_iso());
  f.added_by = std::string(actor);
  f.added_at = trail.at();
  txn.db
      .prepare(
          "INSERT INTO evidence(id, revision, target_kind, target_key, title, file_name, media_type, sha256, size, "
          "evidence_date, added_by, added_at, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'active')")
      .bind_all(f.id, std::int64_t(f.revision), f.target_kind, f.target_key, f.title, f.file_name, f.media_type,
                f.sha256, f.size, f.evidence_date, f.added_by, f.added_at)
      .run();
  trail.append("evidence", row_key(f), "insert", row_state(f));
  txn.commit();
  return f;
}

std::vector<EvidenceFile> Evidence::withdraw(std::string_view actor, std::int64_t id, std::string_view reason) {
  if (read_only_) throw StoreError(tr("this Evidence was made from a read-only Store"));
  detail::require_actor(actor);
  if (text::trim(reason).empty()) invalid(tr("a withdrawal needs a reason"));
  Store::Transaction txn(store_);
  std::vector<EvidenceFile> rows = item_rows(txn.db, id);
  if (rows.back().status != EvidenceStatus::active)
    invalid(rows.back().status == EvidenceStatus::withdrawn
                ? message("evidence {id} is already withdrawn", fmt::arg("id", id))
                : message("evidence {id} is already purged", fmt::arg("id", id)));
  detail::TrailWriter& trail = txn.trail(actor, now_utc_iso());
  for (EvidenceFile& f : rows) {
    f.status = EvidenceStatus::withdrawn;
    f.withdrawn_by = std::string(actor);
    f.withdrawn_at = trail.at();
    f.withdraw_reason = std::string(text::trim(reason));
    update_row(txn.db, trail, f);
  }
  txn.commit();
  return rows;
}

std::vector<EvidenceFile> Evidence::purge(std::string_view actor, std::int64_t id, std::optional<Date> today) {
  if (read_only_) throw StoreError(tr("this Evidence was made from a read-only Store"));
  detail::require_actor(actor);
  const fs::path dir = folder();
  std::vector<EvidenceFile> rows;
  {
    Store::Transaction txn(store_);
    rows = item_rows(txn.db, id);
    const EvidenceFile& last = rows.back();
    if (last.status != EvidenceStatus::withdrawn)
      invalid(last.status == EvidenceStatus::active
                  ? message("evidence {id} is not withdrawn: withdraw it first", fmt::arg("id", id))
                  : message("evidence {id} is already purged", fmt::arg("id", id)));
    const Date from = add_days(japan_date_of(last.withdrawn_at), read_settings(txn.db).retention_days);
    if (today.value_or(today_japan()) < from)
      invalid(message("evidence {id} is kept until its retention period ends: it may be purged from {day}",
                      fmt::arg("id", id), fmt::arg("day", from.to_string())));
    detail::TrailWriter& trail = txn.trail(actor, now_utc_iso());
    for (EvidenceFile& f : rows) {
      f.status = EvidenceStatus::purged;
      f.purged_by = std::string(actor);
      f.purged_at = trail.at();
      update_row(txn.db, trail, f);
    }
    txn.commit();
  }
  // The bytes go after the commit, under the write lock (no add places the same blob meanwhile),
  // unless a revision not purged holds them. A crash in between leaves an unreferenced blob.
  Store::Transaction txn(store_);
  std::set<std::string> done;
  for (const EvidenceFile& f : rows) {
    if (!done.insert(f.sha256).second) continue;
    sql::Stmt s = txn.db.prepare("SELECT 1 FROM evidence WHERE sha256 = ? AND status != 'purged'");
    s.bind(1, f.sha256);
    if (!s.step()) ::unlink(blob_path(dir, f.sha256).c_str());
  }
  txn.commit();
  return rows;
}

std::vector<EvidenceFile> Evidence::list(std::string_view target_kind, std::string_view target_key) const {
  const Store::Snapshot snap(store_);
  std::string kind(text::trim(target_kind)), key;
  if (!kind.empty() && !text::trim(target_key).empty()) key = check_target(snap.db, kind, target_key);
  static const std::string text = std::string(kSelect) +
                                  " WHERE (?1 = '' OR target_kind = ?1) AND (?2 = '' OR target_key = ?2) "
                                  "ORDER BY id, revision";
  sql::Stmt s = snap.db.prepare(text.c_str());
  s.bind(1, kind).bind(2, key);
  std::vector<EvidenceFile> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

EvidenceFile Evidence::get(std::int64_t id, int revision) const {
  const Store::Snapshot snap(store_);
  const std::vector<EvidenceFile> rows = item_rows(snap.db, id);
  if (revision == 0) return rows.back();
  for (const EvidenceFile& f : rows)
    if (f.revision == revision) return f;
  throw NotFoundError(
      message("evidence {id} has no revision {revision}", fmt::arg("id", id), fmt::arg("revision", revision)));
}

EvidenceFile Evidence::copy_out(std::int64_t id, int revision, const fs::path& out,
                                const EvidenceProgress& progress) const {
  const EvidenceFile f = get(id, revision);
  if (f.status == EvidenceStatus::purged)
    invalid(message("evidence {id} revision {revision} was purged: its bytes are gone", fmt::arg("id", id),
                    fmt::arg("revision", f.revision)));
  const fs::path blob = blob_path(folder(), f.sha256);
  std::int64_t size = 0;
  Fd in;
  try {
    in = open_read(blob, size);
  } catch (const IoError&) {
    throw StoreError(message("the file {file} of evidence {id} revision {revision} is missing",
                             fmt::arg("file", blob.string()), fmt::arg("id", f.id), fmt::arg("revision", f.revision)));
  }
  const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  TempGuard guard;
  Fd o = make_temp(parent, "." + out.filename().string() + ".", guard.path);
  const Copied c = copy_hashing(in.get(), blob, o.get(), guard.path, size, 0, blob.string(), progress);
  if (c.sha256 != f.sha256 || c.size != f.size)
    throw StoreError(
        message("the file {file} of evidence {id} revision {revision} has changed: SHA-256 {actual}, "
                "the trail records {recorded}",
                fmt::arg("file", blob.string()), fmt::arg("id", f.id), fmt::arg("revision", f.revision),
                fmt::arg("actual", c.sha256), fmt::arg("recorded", f.sha256)));
  if (::fsync(o.get()) != 0 || ::fchmod(o.get(), 0644) != 0 || ::rename(guard.path.c_str(), out.c_str()) != 0)
    throw IoError(message("{file}: cannot be written", fmt::arg("file", out.string())));
  guard.path.clear();
  o.close();
  return f;
}

EvidenceSettings Evidence::settings() const {
  const Store::Snapshot snap(store_);
  return read_settings(snap.db);
}

void Evidence::set_settings(std::string_view actor, const EvidenceSettings& s) {
  if (read_only_) throw StoreError(tr("this Evidence was made from a read-only Store"));
  detail::require_actor(actor);
  if (s.max_bytes < 1 || s.max_bytes > (std::int64_t(1) << 40))
    invalid(message("the size limit must be 1 byte to 1 TiB, not {n}", fmt::arg("n", s.max_bytes)));
  if (s.retention_days < 0 || s.retention_days > 36500)
    invalid(message("the retention period must be 0 to 36500 days, not {n}", fmt::arg("n", s.retention_days)));
  Store::Transaction txn(store_);
  const EvidenceSettings now = read_settings(txn.db);
  const std::pair<const char*, std::int64_t> values[] = {{"max_bytes", s.max_bytes},
                                                         {"retention_days", s.retention_days}};
  const std::int64_t before[] = {now.max_bytes, now.retention_days};
  for (std::size_t k = 0; k < 2; ++k) {
    if (values[k].second == before[k]) continue;
    sql::Stmt has = txn.db.prepare("SELECT 1 FROM evidence_settings WHERE name = ?");
    has.bind(1, values[k].first);
    const bool update = has.step();
    txn.db.prepare("INSERT OR REPLACE INTO evidence_settings(name, value) VALUES (?, ?)")
        .bind_all(std::string(values[k].first), values[k].second)
        .run();
    txn.trail(actor, now_utc_iso())
        .append("evidence_setting", values[k].first, update ? "update" : "insert",
                setting_state(values[k].first, values[k].second));
  }
  txn.commit();
}

namespace {
std::set<std::string> referenced(sql::Db& db) {
  std::set<std::string> out;
  sql::Stmt s = db.prepare("SELECT DISTINCT sha256 FROM evidence WHERE status != 'purged'");
  while (s.step()) out.insert(s.str(0));
  return out;
}
}  // namespace

std::vector<fs::path> Evidence::unreferenced() const {
  const Store::Snapshot snap(store_);
  return unreferenced_in(folder(), referenced(snap.db));
}

std::vector<fs::path> Evidence::clean() {
  if (read_only_) throw StoreError(tr("this Evidence was made from a read-only Store"));
  Store::Transaction txn(store_);  // the write lock: no add renames a blob meanwhile
  std::vector<fs::path> out = unreferenced_in(folder(), referenced(txn.db));
  for (const fs::path& p : out) ::unlink(p.c_str());
  txn.commit();
  return out;
}

// ---- verify()'s file phase ------------------------------------------------------------------------

void detail::evidence::check_files(sql::Db& db, const std::string& store_path, std::vector<Problem>& problems,
                                   std::size_t& rows, std::vector<std::string>& unreferenced) {
  if (store_path.empty() || store_path == ":memory:" || store_path.starts_with("file:")) return;  // no folder
  const fs::path dir = folder_of(store_path);
  std::map<std::string, std::vector<EvidenceFile>> by_sha;
  {
    static const std::string text = std::string(kSelect) + " WHERE status != 'purged' ORDER BY id, revision";
    sql::Stmt s = db.prepare(text.c_str());
    while (s.step()) {
      EvidenceFile f = read_row(s);
      by_sha[f.sha256].push_back(std::move(f));
    }
  }
  for (const auto& [sha, files] : by_sha) {
    const fs::path blob = blob_path(dir, sha);
    std::string actual;
    std::int64_t size = -1;
    try {
      std::int64_t total = 0;
      const Fd in = open_read(blob, total);
      const Copied c = copy_hashing(in.get(), blob, -1, {}, total, 0, blob.string(), {});
      actual = c.sha256;
      size = c.size;
    } catch (const IoError&) {
    }
    for (const EvidenceFile& f : files) {
      ++rows;
      if (actual.empty())
        problems.push_back(
            {"evidence", row_key(f), "missing",
             message("the file {file} of evidence {id} revision {revision} is missing", fmt::arg("file", blob.string()),
                     fmt::arg("id", f.id), fmt::arg("revision", f.revision))});
      else if (actual != sha || size != f.size)
        problems.push_back(
            {"evidence", row_key(f), "altered",
             message("the file {file} of evidence {id} revision {revision} has changed: SHA-256 "
                     "{actual}, the trail records {recorded}",
                     fmt::arg("file", blob.string()), fmt::arg("id", f.id), fmt::arg("revision", f.revision),
                     fmt::arg("actual", actual), fmt::arg("recorded", sha))});
    }
  }
  std::set<std::string> shas;
  for (const auto& [sha, files] : by_sha) shas.insert(sha);
  for (const fs::path& p : unreferenced_in(dir, shas)) unreferenced.push_back(p.string());
}

}  // namespace libaudit
