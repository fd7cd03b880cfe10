// 回収状況 (collection.h): the exchange stage's schema component (questionnaire_exports, and the
// reader verify() replays it with), recording exports, and the collection status of a cycle.
#include "libaudit/exchange/collection.h"

#include <map>
#include <set>
#include <tuple>

#include "exchange/collection_internal.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/exchange/submissions.h"
#include "libaudit/scoring/scoring.h"
#include "store/access.h"
#include "store/schema.h"

namespace libaudit::exchange {

namespace {

// ---- The schema component --------------------------------------------------------------------

constexpr const char* kExchangeMigrations[] = {
    // 0 -> 1: every questionnaire written for a 課 (collection.h).
    R"sql(
CREATE TABLE questionnaire_exports(
  cycle INTEGER NOT NULL REFERENCES cycles(id),
  department TEXT NOT NULL,
  number INTEGER NOT NULL,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  deadline TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  carry_over INTEGER NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (cycle, department, number)
) WITHOUT ROWID;
)sql",
    // 1 -> 2: web submissions and their reopenings (submissions.h).
    R"sql(
CREATE TABLE questionnaire_submissions(
  cycle INTEGER NOT NULL REFERENCES cycles(id),
  department TEXT NOT NULL,
  number INTEGER NOT NULL,
  action TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (cycle, department, number)
) WITHOUT ROWID;
)sql",
};

constexpr const char* kExchangeTables[] = {"questionnaire_exports", "questionnaire_submissions"};
constexpr schema::EntityTable kExchangeEntities[] = {{"questionnaire_export", "questionnaire_exports"},
                                                     {"questionnaire_submission", "questionnaire_submissions"}};

std::string export_key(const ExportRecord& e) {
  std::string k = "[" + std::to_string(e.cycle) + ",";
  detail::json_string(k, e.department);
  return k + "," + std::to_string(e.number) + "]";
}

// The trail state (canonical: keys in this order, no white space).
std::string export_state(const ExportRecord& e) {
  return detail::JsonObject()
      .num("cycle", e.cycle)
      .str("department", e.department)
      .num("number", e.number)
      .str("file", e.file)
      .str("format", e.format)
      .str("deadline", e.deadline)
      .str("sha256", e.sha256)
      .num("carry_over", e.carry_over)
      .str("by", e.by)
      .str("at", e.at)
      .done();
}

constexpr const char* kSelectExports =
    "SELECT cycle, department, number, file, format, deadline, sha256, carry_over, by, at FROM questionnaire_exports";

ExportRecord read_export(const sql::Stmt& s) {
  return ExportRecord{s.i64(0), s.str(1), int(s.i64(2)), s.str(3), s.str(4),
                      s.str(5), s.str(6), s.i64(7),      s.str(8), s.str(9)};
}

void exchange_rows(sql::Db& db, const schema::RowVisitor& row) {
  sql::Stmt s = db.prepare(kSelectExports);
  while (s.step()) {
    const ExportRecord e = read_export(s);
    row("questionnaire_exports", "questionnaire_export", export_key(e), export_state(e));
  }
  submission_rows(db, row);
}

constexpr schema::Component kExchangeComponent{
    "exchange", 7, kExchangeMigrations, kExchangeTables, kExchangeEntities, &exchange_rows, nullptr, &submission_rules};

std::vector<ExportRecord> exports_of(sql::Db& db, std::int64_t cycle) {
  static const std::string text = std::string(kSelectExports) + " WHERE cycle = ? ORDER BY department, number";
  sql::Stmt s = db.prepare(text.c_str());
  s.bind(1, cycle);
  std::vector<ExportRecord> out;
  while (s.step()) out.push_back(read_export(s));
  return out;
}

[[noreturn]] void invalid(std::string message) {
  throw ValidationError({Diagnostic{"<export>", 1, 1, std::move(message)}});
}

void check_export(const ExportRecord& e, const Cycle& c) {
  const bool web = e.format == kWebFormat;  // the web questionnaire (Submissions::send): no file, no hash
  if (e.format != "xlsx" && e.format != "csv" && !web)
    invalid(message("unknown questionnaire format '{format}': xlsx or csv", fmt::arg("format", e.format)));
  if (text::trim(e.file).empty() || e.file.find('/') != std::string::npos)
    invalid(tr("the exported file's name is empty or holds a folder"));
  if (!e.deadline.empty()) parse_date(e.deadline);  // ValidationError
  if (web ? !e.sha256.empty()
          : e.sha256.size() != 64 || e.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    invalid(tr("the SHA-256 of the exported file is not 64 lower-case hex digits"));
  bool target = false;
  for (const std::string& d : c.departments) target = target || d == e.department;
  if (!target)
    invalid(message("department {department} is not a target of cycle {cycle} ({name})",
                    fmt::arg("department", e.department), fmt::arg("cycle", c.id), fmt::arg("name", c.name)));
}

// ---- Returns, read from the trail --------------------------------------------------------------

constexpr std::string_view kReturnedPrefix = "questionnaires: ";

struct ReturnedFile {
  std::string file, sha256, department;  // department "" when the source does not say
};

// "questionnaires: A.xlsx sha256:HEX [4010]; B.csv sha256:HEX [4020]" (the [課] is absent in
// sources written before it was added).
std::vector<ReturnedFile> parse_source(std::string_view source) {
  std::vector<ReturnedFile> out;
  if (!source.starts_with(kReturnedPrefix)) return out;
  source.remove_prefix(kReturnedPrefix.size());
  while (!source.empty()) {
    const std::size_t end = source.find("; ");
    std::string_view part = source.substr(0, end);
    source = end == std::string_view::npos ? std::string_view() : source.substr(end + 2);
    ReturnedFile f;
    if (part.ends_with(']')) {
      if (const std::size_t open = part.rfind(" ["); open != std::string_view::npos) {
        f.department = std::string(part.substr(open + 2, part.size() - open - 3));
        part = part.substr(0, open);
      }
    }
    if (const std::size_t sha = part.rfind(" sha256:"); sha != std::string_view::npos) {
      f.sha256 = std::string(part.substr(sha + 8));
      part = part.substr(0, sha);
    }
    f.file = std::string(part);
    out.push_back(std::move(f));
  }
  return out;
}

// The file of `files` that 課 `code` returned: the one naming it, else (older sources) the one
// whose name starts with its code, else the only one.
const ReturnedFile* file_of(const std::vector<ReturnedFile>& files, const std::string& code) {
  for (const ReturnedFile& f : files)
    if (f.department == code) return &f;
  for (const ReturnedFile& f : files)
    if (f.department.empty() && (f.file.starts_with(code + "_") || f.file.starts_with(code + "."))) return &f;
  return files.size() == 1 ? &files.front() : nullptr;
}

using Answer3 = std::tuple<std::string, std::string, std::string>;

// The returns of each 課 (rows: by code), read from the trail up to `until`; `asked` holds the
// (課, item) pairs of the questionnaires, the only answers `changed` counts.
void add_returns(const Store& store, CollectionStatus& out, const std::string& until,
                 const std::map<std::string, CollectionRow*>& rows,
                 const std::set<std::pair<std::string, std::string>>& asked) {
  // The carry-over answers each 課's last export pre-filled (only read when an export carried over).
  std::map<std::int64_t, std::map<std::pair<std::string, std::string>, Answer3>> carried;
  for (const auto& [code, row] : rows)
    if (row->last_export && row->last_export->carry_over && !carried.contains(row->last_export->carry_over)) {
      auto& m = carried[row->last_export->carry_over];
      for (const Response& r : store.responses(row->last_export->carry_over))
        m[{r.department, r.item}] = {std::string(to_string(r.answer)), r.comment, r.evidence};
    }
  std::map<std::pair<std::string, std::string>, Answer3> written;  // (課, item) -> last state a return wrote
  std::set<std::pair<std::string, std::string>> seen;              // (課, time of the import) counted as a return
  for (const ResponseWrite& w : store.responses_written_after(out.cycle.id, 0)) {
    if (w.version.at > until) break;
    const std::vector<ReturnedFile> files = parse_source(w.version.source);
    const bool web = w.version.source.starts_with(kWebSourcePrefix);  // a save on the web: not a return
    const auto row = rows.find(w.department);
    if ((files.empty() && !web) || row == rows.end()) continue;
    CollectionRow& r = *row->second;
    if (asked.contains({w.department, w.item}))
      written[{w.department, w.item}] = {w.version.answer, w.version.comment, w.version.evidence};
    if (web) continue;
    if (!seen.insert({w.department, w.version.at}).second) continue;  // an import's records share `at`
    ++r.returns;
    if (r.returned) continue;
    r.returned = true;
    r.returned_at = w.version.at;
    r.returned_by = w.version.actor;
    if (const ReturnedFile* f = file_of(files, w.department)) {
      r.returned_file = f->file;
      r.returned_sha256 = f->sha256;
    }
  }
  for (const auto& [key, state] : written) {
    CollectionRow& r = *rows.at(key.first);
    const std::int64_t from = r.last_export ? r.last_export->carry_over : 0;
    if (from) {
      const auto& m = carried.at(from);
      if (const auto c = m.find(key); c != m.end() && c->second == state) continue;
    }
    ++r.changed;
  }
}

// The web submissions up to `until`: the state each 課 is left in, and its first submit as a
// return when no returned file came before it.
void add_submissions(const Store& store, CollectionStatus& out, const std::string& until,
                     const std::map<std::string, CollectionRow*>& rows) {
  for (const Submission& s : Submissions(store).list(out.cycle.id)) {
    const auto row = rows.find(s.department);
    if (s.at > until || row == rows.end()) continue;
    CollectionRow& r = *row->second;
    r.submitted = s.action == "submit";
    r.submitted_at = r.submitted ? s.at : std::string();
    r.submitted_by = r.submitted ? s.by : std::string();
    if (!r.submitted) continue;
    ++r.submissions;
    if (r.returned && r.returned_at <= s.at) continue;
    r.returned = true;
    r.returned_at = s.at;
    r.returned_by = s.by;
    r.returned_file = std::string(kWebFormat);
    r.returned_sha256.clear();
  }
}

Collection status_of(const CollectionRow& r) {
  if (r.returned) return r.late ? Collection::returned_late : Collection::returned;
  if (!r.exports) return Collection::not_sent;
  return r.late ? Collection::overdue : Collection::sent;
}

void judge(CollectionStatus& out) {
  CollectionTotals& t = out.totals;
  for (CollectionRow& r : out.rows) {
    if (!r.deadline.empty()) {
      const std::string end = japan_day_end_utc(parse_date(r.deadline));
      r.late = r.returned ? r.returned_at >= end : parse_date(r.deadline) < out.as_of;
    }
    r.status = status_of(r);
    // A returned file is submitted answers too, unless the 課 went on to answer on the web.
    const bool done = r.submitted || (r.returned && r.submissions == 0);
    r.progress = done ? Progress::submitted : r.answered ? Progress::in_progress : Progress::not_started;
    ++t.departments;
    t.submitted += r.submitted ? 1 : 0;
    ++t.by_progress[static_cast<std::size_t>(r.progress)];
    t.exported += r.exports ? 1 : 0;
    t.returned += r.returned ? 1 : 0;
    t.not_returned += r.returned ? 0 : 1;
    t.late += r.late ? 1 : 0;
    t.items += r.items;
    t.answered += r.answered;
    t.blank += r.blank;
    t.changed += r.changed;
    ++t.by_status[static_cast<std::size_t>(r.status)];
  }
}

}  // namespace

bool register_schema() noexcept { return schema::register_component(kExchangeComponent); }

ExportRecord record_export(Store::Transaction& txn, std::string_view by, ExportRecord e) {
  const Cycle c = txn.load_cycle(e.cycle);  // NotFoundError
  if (c.status == CycleStatus::closed)
    throw CycleStateError(message("cycle {cycle} ({name}) is closed: no questionnaire is sent for it",
                                  fmt::arg("cycle", c.id), fmt::arg("name", c.name)));
  e.department = libaudit::detail::normalise_key(e.department);
  check_export(e, c);
  libaudit::detail::TrailWriter& trail = txn.trail(by, now_utc_iso());
  sql::Stmt n =
      txn.db.prepare("SELECT COALESCE(MAX(number), 0) FROM questionnaire_exports WHERE cycle = ? AND department = ?");
  n.bind(1, e.cycle).bind(2, e.department);
  e.number = n.step() ? int(n.i64(0)) + 1 : 1;
  e.by = std::string(by);
  e.at = trail.at();
  txn.db
      .prepare(
          "INSERT INTO questionnaire_exports(cycle, department, number, file, format, deadline, sha256, carry_over, "
          "by, at) VALUES (?,?,?,?,?,?,?,?,?,?)")
      .bind_all(e.cycle, e.department, std::int64_t(e.number), e.file, e.format, e.deadline, e.sha256, e.carry_over,
                e.by, e.at)
      .run();
  trail.append("questionnaire_export", export_key(e), "insert", export_state(e));
  return e;
}

namespace {
// Here too (questionnaire.cpp registers it as well): a program that links only the collection
// status still knows the table.
const bool kRegistered = register_schema();
}  // namespace

std::string_view to_string(Collection c) noexcept { return enum_id(Vocabulary::collection_status, c); }
std::string_view to_string(Progress p) noexcept { return enum_id(Vocabulary::answer_progress, p); }

ExportRecord Exports::record(std::string_view by, ExportRecord e) {
  if (read_only_) throw StoreError("this Exports was made from a read-only Store");
  Store::Transaction txn(store_);
  e = record_export(txn, by, std::move(e));
  txn.commit();
  return e;
}

std::vector<ExportRecord> Exports::list(std::int64_t cycle) const {
  const Store::Snapshot snap(store_);
  snap.load_cycle(cycle);  // NotFoundError
  return exports_of(snap.db, cycle);
}

std::vector<const CollectionRow*> CollectionStatus::to_remind() const {
  std::vector<const CollectionRow*> out;
  for (const CollectionRow& r : rows)
    if (!r.returned || r.late) out.push_back(&r);
  return out;
}

CollectionStatus collection_status(const Store& store, std::int64_t cycle, std::optional<Date> as_of,
                                   std::optional<std::string> until_utc) {
  CollectionStatus out;
  out.cycle = store.cycle(cycle);  // NotFoundError
  const std::vector<TrailPoint> closes = store.cycle_closes(cycle);
  if (out.cycle.status == CycleStatus::closed && !closes.empty())
    out.as_of = japan_date_of(closes.back().at);
  else
    out.as_of = as_of.value_or(today_japan());
  const std::string until = until_utc ? *until_utc : japan_day_end_utc(out.as_of);
  // A day before the cycle was created: nothing sent or returned by then, no answers.
  const bool before = until <= out.cycle.created_at;
  const CycleData data =
      before ? CycleData::load(store, cycle) : CycleData::load(store, cycle, store.cycle_point(cycle, until));
  std::map<std::string, std::string> managers;
  for (const Department& d : store.departments()) managers[d.code] = d.security_manager;
  const Checklist& cl = data.checklist();
  out.rows.reserve(data.departments().size());
  std::set<std::pair<std::string, std::string>> asked;
  for (std::size_t d = 0; d < data.departments().size(); ++d) {
    const DepartmentProfile& p = data.departments()[d];
    CollectionRow r;
    r.department = p.code;
    r.name = p.name;
    r.parent_name = p.parent_code == p.code ? std::string() : p.parent_name;
    r.security_manager = managers[p.code];
    for (std::size_t k = 0; k < cl.items().size(); ++k) {
      if (!data.in_scope(d, k) || !data.applies(d, k)) continue;
      ++r.items;
      asked.emplace(p.code, cl.items()[k].id);
      if (!before && data.answer(d, k)) ++r.answered;
    }
    r.blank = r.items - r.answered;
    out.rows.push_back(std::move(r));
  }
  std::map<std::string, CollectionRow*> rows;
  for (CollectionRow& r : out.rows) rows[r.department] = &r;
  for (const ExportRecord& e : Exports(store).list(cycle)) {
    const auto r = rows.find(e.department);
    if (e.at > until || r == rows.end()) continue;
    ++r->second->exports;
    r->second->last_export = e;
    r->second->deadline = e.deadline;
  }
  add_returns(store, out, until, rows, asked);
  add_submissions(store, out, until, rows);
  judge(out);
  return out;
}

}  // namespace libaudit::exchange

bool libaudit::detail::register_exchange_schema() noexcept { return exchange::register_schema(); }
