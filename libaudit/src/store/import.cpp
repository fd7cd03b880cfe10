// Bulk import of responses: validate every row first (all-or-nothing), then write the changed
// rows and their trail records in one transaction with cached statements. The phases are in
// import.h.
#include <algorithm>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <unordered_map>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/store/applicability.h"
#include "libaudit/store/store.h"
#include "store/import.h"
#include "store/store_internal.h"

namespace libaudit {

using namespace detail;

namespace {

// Responses per "responses" trail record: large enough that the trail costs little per row,
// small enough that one record stays readable (about 50 KB of JSON when comments are short).
constexpr std::size_t kResponseBatch = 1024;

// Rows per multi-row INSERT (8 parameters each; well under SQLite's 32766).
constexpr std::size_t kMultiRows = 128;

// Changed rows from which the trail records are sealed in a second thread (below, one thread's
// start costs more than sealing the rows).
constexpr std::size_t kSealInThreadFrom = 4 * kResponseBatch;

// Rows from which validation is split over two threads.
constexpr std::size_t kValidateInThreadFrom = 1 << 16;

// "INSERT INTO responses(...) VALUES (?,…),(?,…),…" for kMultiRows rows; built once, so its
// address is stable for the statement cache.
const char* multi_row_insert_sql() {
  static const std::string sql = [] {
    std::string s =
        "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
        "VALUES ";
    for (std::size_t k = 0; k < kMultiRows; ++k) s += k ? ",(?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?)";
    return s;
  }();
  return sql.c_str();
}

// The date of a timestamp as given ("YYYY-MM-DD" or an ISO 8601 date-time starting with one),
// or nullopt when it is neither.
std::optional<Date> timestamp_date(std::string_view s) {
  try {
    return parse_date(s);
  } catch (const ValidationError&) {
    return std::nullopt;
  }
}

// What an answer may be, for the error on one that is not: "implemented, partial, …, unknown,
// or 実施している, …, わからない" (every code, then every label, of the answer vocabulary).
// The answers' ids and labels, each a list joined by ", ".
const std::pair<std::string, std::string>& answer_choices() {
  static const std::pair<std::string, std::string> lists = [] {
    std::string codes, labels;
    for (const Term& t : terms(Vocabulary::answer)) {
      codes += (codes.empty() ? "" : ", ") + std::string(t.id);
      labels += (labels.empty() ? "" : ", ") + std::string(t.label);
    }
    return std::pair{codes, labels};
  }();
  return lists;
}

}  // namespace

ImportResult Store::import_responses(std::string_view actor, std::int64_t cycle_id,
                                     const std::vector<ResponseRow>& rows, const ImportOptions& options) {
  LargeVector<ResponseRowView> views;
  views.reserve(rows.size());
  for (const ResponseRow& r : rows)
    views.push_back({r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at, r.line});
  return import_responses(actor, cycle_id, std::span<const ResponseRowView>(views), options);
}

namespace detail {

ImportContext load_import_context(sql::Db& db, std::int64_t cycle_id) {
  ImportContext ctx;
  ctx.cycle = cycle_id;
  {
    sql::Stmt s = db.prepare("SELECT status, checklist, name, secretariat FROM cycles WHERE id = ?");
    s.bind(1, cycle_id);
    if (!s.step()) throw NotFoundError(message("no cycle with id {id}", fmt::arg("id", cycle_id)));
    const std::string_view status = s.text(0);
    if (status != "open")
      throw CycleStateError(
          status == "closed"
              ? message("cycle {id} ({name}) is closed: a closed cycle refuses changes (to take a late answer, reopen "
                        "it first: libaudit cycle reopen DB {id} --reason REASON --by NAME)",
                        fmt::arg("id", cycle_id), fmt::arg("name", s.str(2)))
              : message("cycle {id} ({name}) is {status}: open it before recording responses", fmt::arg("id", cycle_id),
                        fmt::arg("name", s.str(2)), fmt::arg("status", status)));
    ctx.checklist = s.i64(1);
    ctx.secretariat = s.str(3);
  }
  if (!ctx.secretariat.empty()) {
    Cycle c;
    c.secretariat = ctx.secretariat;
    // Parsed once per process per checklist content: a small import (a save on the web) costs
    // no YAML parse.
    for (const Item& it : cached_checklist(db, ctx.checklist)->items())
      if (body_level(it, c)) ctx.body_items.insert(it.id);
  }
  {
    ctx.department_exists = [&db, lock = std::make_shared<std::mutex>()](const std::string& code) {
      const std::lock_guard<std::mutex> held(*lock);
      sql::Stmt q = db.prepare("SELECT 1 FROM departments WHERE code = ?");
      q.bind(1, code);
      return q.step();
    };
    sql::Stmt t = db.prepare(
        "SELECT d.code, d.id FROM cycle_departments cd JOIN departments d ON d.id = cd.department WHERE cd.cycle = ?");
    t.bind(1, cycle_id);
    while (t.step()) ctx.targets.emplace(t.str(0), t.i64(1));
  }
  sql::Stmt s = db.prepare("SELECT item_id FROM items WHERE checklist = ? ORDER BY item_id");
  s.bind(1, ctx.checklist);
  while (s.step()) ctx.items.emplace(s.str(0), std::uint32_t(ctx.items.size()));
  return ctx;
}

namespace {

// Checks rows [begin, end) into `out` and `diags`. Reads only `ctx`, so two ranges can be
// validated at once.
class RangeValidator {
 public:
  RangeValidator(const ImportContext& ctx, std::span<const ResponseRowView> rows, const std::string& source)
      : ctx_(ctx), rows_(rows), src_(source) {}
  void operator()(std::size_t begin, std::size_t end, CleanRows& out, std::vector<Diagnostic>& diags);

 private:
  using Target = std::unordered_map<std::string, std::int64_t>::const_iterator;
  Target target(const ResponseRowView& r, int line, std::vector<Diagnostic>& diags);
  const ImportContext& ctx_;
  std::span<const ResponseRowView> rows_;
  const std::string& src_;
  // Rows usually come grouped by 課: the last one's lookup serves the next row's.
  std::string_view last_department_;
  Target last_target_ = ctx_.targets.end();
};

RangeValidator::Target RangeValidator::target(const ResponseRowView& r, int line, std::vector<Diagnostic>& diags) {
  if (last_target_ != ctx_.targets.end() && r.department == last_department_) return last_target_;
  const std::string code = normalise_key(r.department);
  const Target t = ctx_.targets.find(code);
  if (code.empty())
    diags.push_back({src_, line, 1, tr("the response's department is empty")});
  else if (t == ctx_.targets.end())
    diags.push_back({src_, line, 1,
                     ctx_.department_exists(code) ? message("department '{code}' is not a target of cycle {cycle}",
                                                            fmt::arg("code", code), fmt::arg("cycle", ctx_.cycle))
                                                  : message("unknown department '{code}'", fmt::arg("code", code))});
  last_department_ = r.department;
  last_target_ = t;
  return t;
}

void RangeValidator::operator()(std::size_t begin, std::size_t end, CleanRows& out, std::vector<Diagnostic>& diags) {
  out.reserve(out.size() + (end - begin));
  for (std::size_t k = begin; k < end; ++k) {
    const ResponseRowView& r = rows_[k];
    const int line = r.line ? r.line : int(k + 1);
    const std::size_t before = diags.size();
    for (std::string_view f : {r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at})
      if (text::find_invalid_utf8(f)) {
        diags.push_back({src_, line, 1, tr("a field is not valid UTF-8")});
        break;
      }
    if (diags.size() != before) continue;
    const Target t = target(r, line, diags);
    const std::string item = normalise_key(r.item);
    auto it = ctx_.items.find(item);
    if (item.empty())
      diags.push_back({src_, line, 1, tr("item is empty")});
    else if (it == ctx_.items.end())
      diags.push_back(
          {src_, line, 1, message("item '{item}' is not in the cycle's checklist", fmt::arg("item", item))});
    else if (t != ctx_.targets.end() && t->first != ctx_.secretariat && ctx_.body_items.count(item))
      diags.push_back({src_, line, 1,
                       message("item '{item}' is a body-level item (全庁共通事項): only the cycle's secretariat "
                               "{secretariat} answers it, not {department}",
                               fmt::arg("item", item), fmt::arg("secretariat", ctx_.secretariat),
                               fmt::arg("department", t->first))});
    const std::optional<Answer> answer = parse_answer(r.answer);
    if (!answer)
      diags.push_back(
          {src_, line, 1,
           message("invalid answer '{answer}' ({codes}, or {labels})", fmt::arg("answer", r.answer),
                   fmt::arg("codes", answer_choices().first), fmt::arg("labels", answer_choices().second))});
    if (!r.answered_at.empty()) {
      const std::optional<Date> at = timestamp_date(text::trim(r.answered_at));
      if (!at)
        diags.push_back(
            {src_, line, 1,
             message("answered_at '{value}' is not an ISO 8601 date or time", fmt::arg("value", r.answered_at))});
      else if (*at < kEarliestImportDate || *at > kLatestImportDate)
        diags.push_back(
            {src_, line, 1,
             message("answered_at '{value}' is outside {range} (a typing error?)", fmt::arg("value", r.answered_at),
                     fmt::arg("range", kEarliestImportDate.to_string() + " … " + kLatestImportDate.to_string()))});
    }
    if (diags.size() != before) continue;
    if (t->second < 0 || t->second >= (std::int64_t{1} << 31))
      throw StoreError(
          message("department row id {id} is out of the range bulk import handles", fmt::arg("id", t->second)));
    out.push_back(
        {std::uint64_t(t->second) << 32 | it->second, t->second, &t->first, &it->first, *answer, std::uint32_t(k)});
  }
}

}  // namespace

CleanRows validate_responses(const ImportContext& ctx, std::span<const ResponseRowView> rows, const std::string& src) {
  CleanRows clean, clean_second;
  std::vector<Diagnostic> diags, diags_second;
  RangeValidator first(ctx, rows, src), second(ctx, rows, src);
  std::future<void> second_half;  // joined before the vectors it fills go
  const std::size_t half = rows.size() / 2;
  clean.reserve(rows.size());
  if (rows.size() >= kValidateInThreadFrom) {
    try {
      second_half = std::async(std::launch::async, [&] { second(half, rows.size(), clean_second, diags_second); });
    } catch (const std::system_error&) {  // no thread to be had: validate it all here
    }
  }
  if (second_half.valid()) {
    first(0, half, clean, diags);
    second_half.get();
    clean.insert(clean.end(), clean_second.begin(), clean_second.end());
    diags.insert(diags.end(), diags_second.begin(), diags_second.end());
  } else {
    first(0, rows.size(), clean, diags);
  }
  // Sorted by the table's primary key: duplicates become neighbours, the existing rows can be
  // merged in one ordered scan, and the B-tree is filled in order.
  std::sort(clean.begin(), clean.end(),
            [](const CleanRow& a, const CleanRow& b) { return a.key != b.key ? a.key < b.key : a.row < b.row; });
  auto line_of = [&](const CleanRow& c) { return rows[c.row].line ? rows[c.row].line : int(c.row + 1); };
  for (std::size_t k = 1; k < clean.size(); ++k)
    if (clean[k].key == clean[k - 1].key)
      diags.push_back({src, line_of(clean[k]), 1,
                       message("department {code} item {item} is answered twice (also on line {line})",
                               fmt::arg("code", *clean[k].code), fmt::arg("item", *clean[k].item),
                               fmt::arg("line", line_of(clean[k - 1])))});
  throw_import_errors(diags);
  return clean;
}

std::vector<RowChange> classify_responses(sql::Db& db, std::int64_t cycle, const CleanRows& clean,
                                          std::span<const ResponseRowView> rows) {
  // A read-only ordered merge in the same order, so the stored rows are never read while the
  // table changes. Each 課 of the batch is read from its first to its last item of the batch
  // only: an import costs what it brings, not what the cycle already holds (an import in
  // pieces stays linear; docs/performance.md, "Import in pieces").
  std::vector<RowChange> what(clean.size(), RowChange::insert);
  sql::Stmt existing = db.prepare(
      "SELECT item_id, answer, comment, evidence FROM responses "
      "WHERE cycle = ?1 AND department = ?2 AND item_id >= ?3 AND item_id <= ?4 ORDER BY item_id");
  existing.bind(1, cycle);
  for (std::size_t first = 0, end = 0; first < clean.size(); first = end) {
    const std::int64_t department = clean[first].department;
    end = first + 1;
    while (end < clean.size() && clean[end].department == department) ++end;
    existing.reset();
    existing.bind(2, department).bind(3, *clean[first].item).bind(4, *clean[end - 1].item);
    bool more = existing.step();
    for (std::size_t k = first; k < end && more; ++k) {
      const CleanRow& c = clean[k];
      int cmp = 0;
      while (more && (cmp = existing.text(0).compare(*c.item)) < 0) more = existing.step();
      if (!more || cmp > 0) continue;
      const ResponseRowView& r = rows[c.row];
      what[k] =
          existing.text(1) == to_string(c.answer) && existing.text(2) == r.comment && existing.text(3) == r.evidence
              ? RowChange::same
              : RowChange::update;
    }
  }
  return what;
}

std::string_view ImportWrite::answered_at(const ResponseRowView& r) const {
  return r.answered_at.empty() ? now : text::trim(r.answered_at);
}

std::vector<SealedRecord> seal_response_batches(const ImportWrite& w, std::int64_t head_seq,
                                                const std::string& head_hash, const std::string& trail_source,
                                                std::string_view trail_key) {
  Sha256 sha;
  TrailChain chain(sha, head_seq, head_hash, w.actor, std::string(w.now), trail_key);
  ResponseBatch batch(w.cycle, w.actor, w.now);
  batch.set_source(trail_source);
  const std::string key = std::to_string(w.cycle);
  std::vector<SealedRecord> out;
  for (std::size_t k = 0; k < w.clean.size(); ++k) {
    if (w.change[k] == RowChange::same) continue;
    const CleanRow& c = w.clean[k];
    const ResponseRowView& r = w.rows[c.row];
    batch.add(*c.code, *c.item, w.change[k] == RowChange::update, to_string(c.answer), r.comment, r.evidence,
              w.answered_by(r), w.answered_at(r));
    if (batch.size() == kResponseBatch) out.push_back(chain.seal("responses", key, "batch", batch.take()));
  }
  if (batch.size()) out.push_back(chain.seal("responses", key, "batch", batch.take()));
  return out;
}

namespace {

// New rows go in kMultiRows at a time through one multi-row INSERT: SQLite's per-statement
// work is then paid once per group, not per row.
class ResponseWriter {
 public:
  ResponseWriter(sql::Db& db, const ImportWrite& w)
      : w_(w),
        insert_(db.prepare(
            "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
            "VALUES (?,?,?,?,?,?,?,?)")),
        update_(db.prepare(
            "UPDATE responses SET answer = ?4, comment = ?5, evidence = ?6, answered_by = ?7, answered_at = ?8 "
            "WHERE cycle = ?1 AND department = ?2 AND item_id = ?3")),
        multi_(db.prepare(multi_row_insert_sql())) {
    insert_.bind(1, w.cycle);
    update_.bind(1, w.cycle);
    pending_.reserve(kMultiRows);
  }
  void update(const CleanRow& c) {
    bind_row(update_, 1, c);
    update_.run();
  }
  void insert(const CleanRow& c) {
    pending_.push_back(&c);
    if (pending_.size() == kMultiRows) flush();
  }
  void flush();

 private:
  void bind_row(sql::Stmt& s, int p, const CleanRow& c) {
    const ResponseRowView& r = w_.rows[c.row];
    s.bind(p + 1, c.department)
        .bind(p + 2, *c.item)
        .bind(p + 3, to_string(c.answer))
        .bind(p + 4, r.comment)
        .bind(p + 5, r.evidence)
        .bind(p + 6, w_.answered_by(r))
        .bind(p + 7, w_.answered_at(r));
  }
  const ImportWrite& w_;
  sql::Stmt insert_, update_, multi_;
  std::vector<const CleanRow*> pending_;
};

void ResponseWriter::flush() {
  if (pending_.size() == kMultiRows) {
    int p = 0;
    for (const CleanRow* c : pending_) {
      multi_.bind(p + 1, w_.cycle);
      bind_row(multi_, p + 1, *c);
      p += 8;
    }
    multi_.run();
  } else {
    for (const CleanRow* c : pending_) {
      bind_row(insert_, 1, *c);
      insert_.run();
    }
  }
  pending_.clear();
}

}  // namespace

void write_responses(sql::Db& db, const ImportWrite& w, std::size_t changed,
                     const std::function<void(std::size_t, std::size_t)>& progress) {
  ResponseWriter writer(db, w);
  std::size_t done = 0;
  for (std::size_t k = 0; k < w.clean.size(); ++k) {
    if (w.change[k] == RowChange::same) continue;
    if (w.change[k] == RowChange::update)
      writer.update(w.clean[k]);
    else
      writer.insert(w.clean[k]);
    if (progress && (++done & 0x3fff) == 0) progress(done, changed);
  }
  writer.flush();
}

}  // namespace detail

namespace detail {

ImportResult import_responses_in(sql::Db& db, const std::function<TrailWriter&()>& trail_of, std::int64_t cycle_id,
                                 std::span<const ResponseRowView> rows, const ImportOptions& options) {
  const ImportContext ctx = load_import_context(db, cycle_id);
  const CleanRows clean = validate_responses(ctx, rows, options.source);
  // Unchanged rows cost no write and no trail record.
  const std::vector<RowChange> change = classify_responses(db, cycle_id, clean, rows);
  ImportResult result;
  result.rows = rows.size();
  for (RowChange c : change)
    ++(c == RowChange::same ? result.unchanged : c == RowChange::update ? result.updated : result.inserted);
  const std::size_t changed = result.inserted + result.updated;
  if (!changed) return result;  // nothing to write: no trail record either

  TrailWriter& trail = trail_of();
  trail.start_seal();  // the batch records continue the chain after the seal record, if one is due
  const ImportWrite w{cycle_id, rows, clean, change, trail.chain().actor(), trail.at()};
  // The records depend only on the validated rows, so a large import seals them in a second
  // thread while this one writes the rows (docs/store.md, "Trail").
  auto seal = [&, head_seq = trail.chain().head_seq(), head = std::string(trail.chain().head_hash())] {
    return seal_response_batches(w, head_seq, head, options.trail_source, trail.trail_key());
  };
  std::vector<SealedRecord> records;
  std::future<std::vector<SealedRecord>> sealing;  // joined before the locals it reads go
  if (changed >= kSealInThreadFrom) {
    try {
      sealing = std::async(std::launch::async, seal);
    } catch (const std::system_error&) {  // no thread to be had: seal here
    }
  }
  if (!sealing.valid()) records = seal();
  write_responses(db, w, changed, options.progress);
  if (sealing.valid()) records = sealing.get();
  trail.insert(records);
  if (options.progress) options.progress(changed, changed);
  return result;
}

}  // namespace detail

ImportResult Store::import_responses(std::string_view actor, std::int64_t cycle_id,
                                     std::span<const ResponseRowView> rows, const ImportOptions& options) {
  require_actor(actor);
  if (!impl_) throw StoreError(tr("the store is closed"));
  sql::Db& db = impl_->db;
  // Every row's (cycle, 課) is checked against cycle_departments, read in this same write
  // transaction, so SQLite's per-row foreign-key lookup would only repeat that check.
  sql::ForeignKeysOff references_checked_here(db);
  sql::WriteTxn txn(db);
  std::optional<TrailWriter> trail;
  const std::function<TrailWriter&()> trail_of = [&]() -> TrailWriter& {
    return trail.emplace(db, impl_->sha, impl_->trail_key, actor, now_utc_iso());
  };
  ImportResult result = import_responses_in(db, trail_of, cycle_id, rows, options);
  txn.commit();
  return result;
}

ImportResult Store::import_responses_csv(std::string_view actor, std::int64_t cycle, const std::filesystem::path& file,
                                         csv::Encoding encoding,
                                         std::function<void(std::size_t, std::size_t)> progress) {
  const csv::Table t = csv::read(file, encoding);
  static constexpr const char* kCols[] = {"department", "item",        "answer",     "comment",
                                          "evidence",   "answered_by", "answered_at"};
  const auto rows = csv_rows<ResponseRow>(
      t, kCols, 3, "department,item,answer,comment,evidence[,answered_by,answered_at]",
      [](const auto& f, int line) { return ResponseRow{f(0), f(1), f(2), f(3), f(4), f(5), f(6), line}; });
  return import_responses(actor, cycle, rows, ImportOptions{t.source, std::move(progress)});
}

}  // namespace libaudit
