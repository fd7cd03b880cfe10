// Bulk import of responses: validate every row first (all-or-nothing), then write the changed
// rows and their trail records in one transaction with cached statements. The phases are in
// import.h.
#include <algorithm>
#include <array>
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

// Rows per multi-row INSERT (at most 7 parameters each and 5 shared; well under SQLite's 32766).
constexpr std::size_t kMultiRows = 128;

// Changed rows from which the trail records are sealed in a second thread (below, one thread's
// start costs more than sealing the rows).
constexpr std::size_t kSealInThreadFrom = 4 * kResponseBatch;

// Rows from which validation is split over two threads.
constexpr std::size_t kValidateInThreadFrom = 1 << 16;

// The last four columns of a response (its tail: comment, evidence, answered_by, answered_at)
// are often the same in every row of a group of kMultiRows: no comment, no evidence, the actor,
// the time of the import. A group's INSERT then writes an empty comment or evidence as the
// literal '' and binds a shared answered_by or answered_at once, not once per row (SQLite copies
// a bound value into every row that uses it; a literal costs nothing). A group's form has bit k
// set when its rows share tail column k (for comment and evidence: when it is empty in all).
constexpr std::size_t kTailColumns = 4;
constexpr std::size_t kFirstTail = 5;  // comment is column 5 of 8 (1-based), as in the single-row INSERT
constexpr unsigned kForms = 1u << kTailColumns;
constexpr bool written_as_literal(std::size_t column) { return column < 2; }

// "INSERT INTO responses(...) VALUES (…),(…),…" for kMultiRows rows in the given form: ?1 is the
// cycle, ?2…?5 the shared tail columns, then each row's own parameters: department, item, answer
// and its tail columns not shared. Built once per form, so its address is stable for the
// statement cache.
const char* multi_row_insert_sql(unsigned form) {
  static const std::array<std::string, kForms> sql = [] {
    std::array<std::string, kForms> all;
    for (unsigned f = 0; f < kForms; ++f) {
      std::string& s = all[f];
      s = "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
          "VALUES ";
      int p = 2 + int(kTailColumns);
      for (std::size_t k = 0; k < kMultiRows; ++k) {
        s += k ? ",(?1" : "(?1";
        for (int own = 0; own < 3; ++own) s += ",?" + std::to_string(p++);
        for (std::size_t c = 0; c < kTailColumns; ++c)
          s += !(f & (1u << c))        ? ",?" + std::to_string(p++)
               : written_as_literal(c) ? std::string(",''")
                                       : ",?" + std::to_string(2 + c);
        s += ')';
      }
    }
    return all;
  }();
  return sql[form].c_str();
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
    for (const auto& [code, id] : ctx.targets) ctx.codes.emplace(id, &code);
  }
  sql::Stmt s = db.prepare("SELECT item_id FROM items WHERE checklist = ? ORDER BY item_id");
  s.bind(1, ctx.checklist);
  while (s.step()) ctx.item_ids.push_back(&ctx.items.emplace(s.str(0), std::uint32_t(ctx.items.size())).first->first);
  return ctx;
}

namespace {

// Checks rows [begin, end) into `out` (the valid ones, sorted by key) and `diags`. Reads only
// `ctx`, so two ranges can be validated at once.
class RangeValidator {
 public:
  RangeValidator(const ImportContext& ctx, std::span<const ResponseRowView> rows, const std::string& source)
      : ctx_(ctx), rows_(rows), src_(source) {}
  // Returns how many rows it wrote to out[0, …).
  std::size_t operator()(std::size_t begin, std::size_t end, CleanRow* out, std::vector<Diagnostic>& diags);

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

// The order of the clean rows: the table's primary key, then (for a row answered twice) the
// order of the rows.
constexpr auto by_key_then_row = [](const CleanRow& a, const CleanRow& b) {
  return a.key != b.key ? a.key < b.key : a.row < b.row;
};

// Sorts [begin, end) by_key_then_row. Rows usually come grouped by 課, each 課's in the
// checklist's order: sorting each 課's run on its own (a few hundred rows, in cache) is then
// enough, which the check afterwards confirms; otherwise the whole range is sorted.
void sort_clean_rows(CleanRow* begin, CleanRow* end) {
  for (CleanRow* run = begin; run != end;) {
    CleanRow* next = run + 1;
    while (next != end && next->department() == run->department()) ++next;
    std::sort(run, next, by_key_then_row);
    run = next;
  }
  if (!std::is_sorted(begin, end, by_key_then_row)) std::sort(begin, end, by_key_then_row);
}

std::size_t RangeValidator::operator()(std::size_t begin, std::size_t end, CleanRow* out,
                                       std::vector<Diagnostic>& diags) {
  CleanRow* next = out;
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
    else if (!ctx_.body_items.empty() && t != ctx_.targets.end() && t->first != ctx_.secretariat &&
             ctx_.body_items.count(item))
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
    *next++ = {std::uint64_t(t->second) << 32 | it->second, std::uint32_t(k), *answer};
  }
  // Sorted by the table's primary key: duplicates become neighbours, the existing rows can be
  // merged in one ordered scan, and the B-tree is filled in order.
  sort_clean_rows(out, next);
  return std::size_t(next - out);
}

}  // namespace

CleanRows validate_responses(const ImportContext& ctx, std::span<const ResponseRowView> rows, const std::string& src) {
  CleanRows clean;
  std::vector<Diagnostic> diags, diags_second;
  RangeValidator first(ctx, rows, src), second(ctx, rows, src);
  std::future<std::size_t> second_half;  // joined before the vectors it fills go
  const std::size_t half = rows.size() / 2;
  clean.resize(rows.size());  // unwritten (large_array.h): each thread touches its own half
  if (rows.size() >= kValidateInThreadFrom) {
    try {
      second_half =
          std::async(std::launch::async, [&] { return second(half, rows.size(), clean.data() + half, diags_second); });
    } catch (const std::system_error&) {  // no thread to be had: validate it all here
    }
  }
  if (second_half.valid()) {
    const std::size_t in_first = first(0, half, clean.data(), diags);
    const std::size_t in_second = second_half.get();
    if (in_first < half)  // rows left out (the import fails; the duplicates are still reported)
      std::copy(clean.begin() + std::ptrdiff_t(half), clean.begin() + std::ptrdiff_t(half + in_second),
                clean.begin() + std::ptrdiff_t(in_first));
    clean.resize(in_first + in_second);
    std::inplace_merge(clean.begin(), clean.begin() + std::ptrdiff_t(in_first), clean.end(), by_key_then_row);
    diags.insert(diags.end(), diags_second.begin(), diags_second.end());
  } else {
    clean.resize(first(0, rows.size(), clean.data(), diags));
  }
  auto line_of = [&](const CleanRow& c) { return rows[c.row].line ? rows[c.row].line : int(c.row + 1); };
  for (std::size_t k = 1; k < clean.size(); ++k)
    if (clean[k].key == clean[k - 1].key)
      diags.push_back(
          {src, line_of(clean[k]), 1,
           message("department {code} item {item} is answered twice (also on line {line})",
                   fmt::arg("code", *ctx.codes.at(clean[k].department())),
                   fmt::arg("item", *ctx.item_ids[clean[k].item_rank()]), fmt::arg("line", line_of(clean[k - 1])))});
  throw_import_errors(diags);
  return clean;
}

std::vector<RowChange> classify_responses(sql::Db& db, const ImportContext& ctx, const CleanRows& clean,
                                          std::span<const ResponseRowView> rows) {
  // A read-only ordered merge in the same order, so the stored rows are never read while the
  // table changes. Each 課 of the batch is read from its first to its last item of the batch
  // only: an import costs what it brings, not what the cycle already holds (an import in
  // pieces stays linear; docs/performance.md, "Import in pieces").
  std::vector<RowChange> what(clean.size(), RowChange::insert);
  sql::Stmt existing = db.prepare(
      "SELECT item_id, answer, comment, evidence FROM responses "
      "WHERE cycle = ?1 AND department = ?2 AND item_id >= ?3 AND item_id <= ?4 ORDER BY item_id");
  existing.bind(1, ctx.cycle);
  for (std::size_t first = 0, end = 0; first < clean.size(); first = end) {
    const std::int64_t department = clean[first].department();
    end = first + 1;
    while (end < clean.size() && clean[end].department() == department) ++end;
    existing.reset();
    existing.bind(2, department)
        .bind(3, *ctx.item_ids[clean[first].item_rank()])
        .bind(4, *ctx.item_ids[clean[end - 1].item_rank()]);
    bool more = existing.step();
    for (std::size_t k = first; k < end && more; ++k) {
      const CleanRow& c = clean[k];
      int cmp = 0;
      const std::string& item = *ctx.item_ids[c.item_rank()];
      while (more && (cmp = existing.text(0).compare(item)) < 0) more = existing.step();
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
  ResponseBatch batch(w.cycle(), w.actor, w.now);
  batch.set_source(trail_source);
  const std::string key = std::to_string(w.cycle());
  std::int64_t department = -1;
  const std::string* code = nullptr;  // of `department`: the rows come grouped by 課
  std::vector<SealedRecord> out;
  for (std::size_t k = 0; k < w.clean.size(); ++k) {
    if (w.change[k] == RowChange::same) continue;
    const CleanRow& c = w.clean[k];
    const ResponseRowView& r = w.rows[c.row];
    if (c.department() != department) {
      department = c.department();
      code = &w.code(c);
    }
    batch.add(*code, w.item(c), w.change[k] == RowChange::update, to_string(c.answer), r.comment, r.evidence,
              w.answered_by(r), w.answered_at(r));
    if (batch.size() == kResponseBatch) out.push_back(chain.seal("responses", key, "batch", batch.take()));
  }
  if (batch.size()) out.push_back(chain.seal("responses", key, "batch", batch.take()));
  return out;
}

namespace {

// New rows go in kMultiRows at a time through one multi-row INSERT: SQLite's per-statement
// work is then paid once per group, not per row, and the tail columns the group's rows share
// are written once (multi_row_insert_sql).
class ResponseWriter {
 public:
  ResponseWriter(sql::Db& db, const ImportWrite& w)
      : db_(db),
        w_(w),
        insert_(db.prepare(
            "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) "
            "VALUES (?,?,?,?,?,?,?,?)")),
        update_(db.prepare(
            "UPDATE responses SET answer = ?4, comment = ?5, evidence = ?6, answered_by = ?7, answered_at = ?8 "
            "WHERE cycle = ?1 AND department = ?2 AND item_id = ?3")) {
    insert_.bind(1, w.cycle());
    update_.bind(1, w.cycle());
    pending_.reserve(kMultiRows);
  }
  void update(const CleanRow& c) { run_one(update_, c); }
  void insert(const CleanRow& c) {
    pending_.push_back(&c);
    if (pending_.size() == kMultiRows) flush();
  }
  void flush();

 private:
  // Binds the department, item and answer of `c` from parameter `p` on.
  void bind_row(sql::Stmt& s, int p, const CleanRow& c) {
    s.bind(p, c.department()).bind(p + 1, w_.item(c)).bind(p + 2, to_string(c.answer));
  }
  // Tail column k of `c` (comment, evidence, answered_by, answered_at), defaults applied.
  std::string_view tail(const CleanRow& c, std::size_t k) const {
    const ResponseRowView& r = w_.rows[c.row];
    switch (k) {
      case 0: return r.comment;
      case 1: return r.evidence;
      case 2: return w_.answered_by(r);
      default: return w_.answered_at(r);
    }
  }
  // The single-row INSERT or the UPDATE (?1 the cycle, ?2…?8 the row).
  void run_one(sql::Stmt& s, const CleanRow& c) {
    bind_row(s, 2, c);
    for (std::size_t k = 0; k < kTailColumns; ++k) s.bind(int(kFirstTail + k), tail(c, k));
    s.run();
  }
  // Which tail columns the pending rows share (multi_row_insert_sql).
  unsigned form() const;
  sql::Db& db_;
  const ImportWrite& w_;
  sql::Stmt insert_, update_;
  std::vector<const CleanRow*> pending_;
};

unsigned ResponseWriter::form() const {
  unsigned f = 0;
  for (std::size_t k = 0; k < kTailColumns; ++k) {
    const std::string_view first = tail(*pending_.front(), k);
    if (written_as_literal(k) && !first.empty()) continue;
    bool shared = true;
    for (const CleanRow* c : pending_) shared = shared && tail(*c, k) == first;
    if (shared) f |= 1u << k;
  }
  return f;
}

void ResponseWriter::flush() {
  if (pending_.size() == kMultiRows) {
    const unsigned f = form();
    sql::Stmt multi = db_.prepare(multi_row_insert_sql(f));
    multi.bind(1, w_.cycle());
    for (std::size_t k = 0; k < kTailColumns; ++k)
      if ((f & (1u << k)) && !written_as_literal(k)) multi.bind(int(2 + k), tail(*pending_.front(), k));
    int p = 2 + int(kTailColumns);
    for (const CleanRow* c : pending_) {
      bind_row(multi, p, *c);
      p += 3;
      for (std::size_t k = 0; k < kTailColumns; ++k)
        if (!(f & (1u << k))) multi.bind(p++, tail(*c, k));
    }
    multi.run();
  } else {
    for (const CleanRow* c : pending_) run_one(insert_, *c);
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
  const std::vector<RowChange> change = classify_responses(db, ctx, clean, rows);
  ImportResult result;
  result.rows = rows.size();
  for (RowChange c : change)
    ++(c == RowChange::same ? result.unchanged : c == RowChange::update ? result.updated : result.inserted);
  const std::size_t changed = result.inserted + result.updated;
  if (!changed) return result;  // nothing to write: no trail record either

  TrailWriter& trail = trail_of();
  trail.start_seal();  // the batch records continue the chain after the seal record, if one is due
  const ImportWrite w{ctx, rows, clean, change, trail.chain().actor(), trail.at()};
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
