// Checking returned questionnaires (questionnaire.h; the messages are docs/exchange.md's table
// "What is refused"). Every check of a file runs and every problem is kept, except where a
// failed check makes the rest meaningless (no identity, a checksum that does not match).
#include <openssl/crypto.h>

#include <algorithm>
#include <set>

#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/exchange/questionnaire.h"

namespace libaudit::exchange {

namespace {

using Meta = std::map<std::string, std::string, std::less<>>;

const std::string& cell(const std::vector<std::string>& row, std::size_t column) {
  static const std::string kEmpty;
  return column < row.size() ? row[column] : kEmpty;
}

std::string get(const Meta& meta, std::string_view key, std::string_view fallback = "") {
  const auto v = meta.find(key);
  return v == meta.end() ? std::string(fallback) : v->second;
}

std::string trimmed(std::string_view s) { return std::string(text::trim(s)); }
std::string normal(std::string_view s) { return trimmed(text::nfkc(s)); }

// Line breaks as LF (spreadsheets and CSV writers differ); nothing else changes.
std::string to_lf(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool same_mac(std::string_view given, std::string_view expected) {
  return given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

std::string column_letter(int column) {
  std::string out;
  for (int n = column + 1; n > 0; n = (n - 1) / 26) out.insert(out.begin(), char('A' + (n - 1) % 26));
  return out;
}

// The text of a cell named as "sheet!B12" (one or more column letters); nullopt when the name is
// not a cell or the sheet does not hold it (an empty cell is "").
std::optional<std::string> cell_at(const std::map<std::string, Grid, std::less<>>& sheets, std::string_view ref) {
  const std::size_t bang = ref.rfind('!');
  if (bang == std::string_view::npos) return std::nullopt;
  const auto sheet = sheets.find(ref.substr(0, bang));
  std::size_t i = bang + 1;
  long long column = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && column < 16384; ++i)
    column = column * 26 + (ref[i] - 'A' + 1);
  long long row = 0;
  const std::size_t digits = i;
  for (; i < ref.size() && ref[i] >= '0' && ref[i] <= '9' && row < 1048576; ++i) row = row * 10 + (ref[i] - '0');
  if (sheet == sheets.end() || column == 0 || digits == i || i != ref.size() || row == 0) return std::nullopt;
  if (std::size_t(row) > sheet->second.size()) return std::string();
  return cell(sheet->second[std::size_t(row - 1)], std::size_t(column - 1));
}

// The first `n` characters of valid UTF-8 `s`, written as Python's repr() writes a str.
std::string py_repr(std::string_view s, std::size_t n) {
  std::size_t end = 0, chars = 0;
  while (end < s.size() && chars < n) {
    ++end;
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
    ++chars;
  }
  s = s.substr(0, end);
  const char q = (s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos) ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == '\\' || c == q) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + q;
}

std::optional<long long> parse_int(std::string_view s) {
  s = text::trim(s);
  if (s.empty()) return std::nullopt;
  std::size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size() || s.size() > 18) return std::nullopt;
  long long v = 0;
  for (std::size_t k = i; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
    v = v * 10 + (s[k] - '0');
  }
  return s[0] == '-' ? -v : v;
}

std::string invalid_answer(std::string_view text) {
  std::string labels, codes;
  for (const Term& t : terms(Vocabulary::answer)) {
    labels += (labels.empty() ? "" : " / ") + std::string(t.label);
    codes += (codes.empty() ? "" : ", ") + std::string(t.id);
  }
  return message("the answer '{answer}' is not one of {labels} (or {codes})", fmt::arg("answer", text),
                 fmt::arg("labels", labels), fmt::arg("codes", codes));
}

// Excel keeps ="0101" as the text 0101; the writer puts identity fields that look like numbers so.
std::string from_text(std::string_view v) {
  if (v.size() >= 3 && v.starts_with("=\"") && v.ends_with("\"")) {
    std::string out;
    const std::string_view inner = v.substr(2, v.size() - 3);
    for (std::size_t i = 0; i < inner.size(); ++i) {
      out += inner[i];
      if (inner[i] == '"' && i + 1 < inner.size() && inner[i + 1] == '"') ++i;
    }
    return out;
  }
  return std::string(v);
}

// Which field holds each column: a heading matches after NFKC, trimming and ASCII lower case, or
// by its key; the first match counts.
std::map<std::string, std::size_t, std::less<>> header_columns(const std::vector<std::string>& header,
                                                               const std::vector<CsvColumn>& columns) {
  auto lower = [](std::string s) {
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return s;
  };
  std::map<std::string, std::string, std::less<>> alias;
  for (const CsvColumn& c : columns) alias.emplace(lower(normal(c.heading)), c.key);
  for (const CsvColumn& c : columns) alias.emplace(c.key, c.key);
  std::map<std::string, std::size_t, std::less<>> col;
  for (std::size_t k = 0; k < header.size(); ++k)
    if (const auto a = alias.find(lower(normal(header[k]))); a != alias.end()) col.emplace(a->second, k);
  return col;
}

// At most kMaxProblemsPerFile problems, then one that counts the rest.
void limit_problems(Returned& r) {
  if (r.problems.size() <= kMaxProblemsPerFile) return;
  const std::size_t more = r.problems.size() - kMaxProblemsPerFile;
  r.problems.resize(kMaxProblemsPerFile);
  r.problems.push_back({r.file, "", 0, "",
                        message_n("... and {n} more problem in this file, not listed: fix the ones above and import "
                                  "again",
                                  "... and {n} more problems in this file, not listed: fix the ones above and import "
                                  "again",
                                  more)});
}

}  // namespace

bool Questionnaires::check_identity(Returned& r, std::string_view sheet, const Meta& meta, std::size_t n) const {
  bool ok = true;
  auto problem = [&](std::string message) {
    ok = false;
    r.problems.push_back({r.file, std::string(sheet), 0, "", std::move(message)});
  };
  const std::string cycle_text = get(meta, "cycle");
  r.department = normal(get(meta, "department"));
  const std::string id = std::to_string(cycle().id);
  if (cycle_text != id)
    problem(message("this questionnaire is for cycle {cycle} ({name}), not cycle {this} ({this_name})",
                    fmt::arg("cycle", cycle_text), fmt::arg("name", get(meta, "cycle_name", "?")), fmt::arg("this", id),
                    fmt::arg("this_name", cycle().name)));
  if (!is_target(r.department))
    problem(message("this questionnaire is for department {department}, which is not a target of cycle {cycle}",
                    fmt::arg("department", department_name(r.department)), fmt::arg("cycle", id)));
  if (meta.contains("checklist") &&
      (get(meta, "checklist") != stored_.checklist_id || get(meta, "version", "None") != stored_.version ||
       get(meta, "sha256", "None") != stored_.sha256))
    problem(
        message("this questionnaire is for checklist {checklist} version {version}, cycle {cycle} uses "
                "{cycle_checklist} version {cycle_version}",
                fmt::arg("checklist", get(meta, "checklist")), fmt::arg("version", get(meta, "version", "None")),
                fmt::arg("cycle", id), fmt::arg("cycle_checklist", stored_.checklist_id),
                fmt::arg("cycle_version", stored_.version)));
  if (ok && n == 0) problem(tr("the questionnaire lists no items"));
  return ok;
}

bool Questionnaires::check_shown(Returned& r, const std::map<std::string, Grid, std::less<>>& sheets,
                                 const std::vector<ShownCell>& shows) const {
  bool ok = true;
  for (const auto& [where, text] : shows) {
    const std::optional<std::string> got = cell_at(sheets, where);
    if (got && normal(*got) == normal(text)) continue;
    ok = false;
    const std::size_t bang = where.rfind('!');
    r.problems.push_back(
        {r.file, bang == std::string::npos ? where : where.substr(0, bang), 0, "",
         message("this workbook's identity is for department {department} (cycle {cycle}, {name}), "
                 "but {where} shows {got} where it was exported with {want}: the identity sheet "
                 "was copied from another department's workbook, or the header was edited; answer "
                 "the workbook exported for your department",
                 fmt::arg("department", department_name(r.department)), fmt::arg("cycle", cycle().id),
                 fmt::arg("name", cycle().name), fmt::arg("where", where),
                 fmt::arg("got", py_repr(got.value_or(""), 60)), fmt::arg("want", py_repr(text, 60)))});
  }
  return ok;
}

void Questionnaires::check_answer(Returned& r, ReturnedRow row, std::string_view answer_text) const {
  const std::string t = normal(answer_text);
  if (!t.empty()) {
    const std::optional<Answer> a = parse_answer(t);
    if (!a) {
      r.problems.push_back({r.file, row.sheet, row.row, row.column, invalid_answer(answer_text)});
      return;
    }
    row.answer = std::string(to_string(*a));
  }
  if (row.answer.empty()) {
    if (!text::trim(row.comment).empty() || !text::trim(row.evidence).empty()) {
      r.problems.push_back({r.file, row.sheet, row.row, row.column,
                            message("item {item} has a comment or evidence but no answer: choose an answer "
                                    "({unknown} if unsure) or clear the comment",
                                    fmt::arg("item", row.item), fmt::arg("unknown", answer_label(Answer::unknown)))});
      return;
    }
    row.comment.clear();
    row.evidence.clear();
  }
  r.rows.push_back(std::move(row));
}

Returned Questionnaires::check_workbook(std::string_view file, const std::map<std::string, Grid, std::less<>>& sheets,
                                        const WorkbookLayout& layout) const {
  Returned r{std::string(file), {}, {}, {}, {}};
  auto problem = [&](std::string_view sheet, std::string message) {
    r.problems.push_back({r.file, std::string(sheet), 0, "", std::move(message)});
  };
  const auto id = sheets.find(kIdentitySheet);
  if (id == sheets.end()) {
    problem("", message("not a libaudit questionnaire: the workbook has no identity sheet ({sheet}); answer the "
                        "workbook exported by libaudit for your department",
                        fmt::arg("sheet", kIdentitySheet)));
    return r;
  }
  const Grid& rows = id->second;
  Meta meta;
  std::vector<ShownCell> shows;  // in the order written: the order identity_hmac covers them
  std::size_t k = 0;
  for (; k < rows.size() && !cell(rows[k], 0).empty(); ++k) {
    const std::string& key = cell(rows[k], 0);
    if (key.starts_with(kShownPrefix))
      shows.emplace_back(key.substr(kShownPrefix.size()), cell(rows[k], 1));
    else
      meta[key] = cell(rows[k], 1);
  }
  while (k < rows.size() && cell(rows[k], 0) != "row") ++k;
  Grid listed;
  for (++k; k < rows.size(); ++k)
    if (!cell(rows[k], 0).empty() || !cell(rows[k], 1).empty() || !cell(rows[k], 2).empty())
      listed.push_back({cell(rows[k], 0), cell(rows[k], 1), cell(rows[k], 2)});
  if (get(meta, "format") != kFormat) {
    problem(kIdentitySheet, tr("not a libaudit questionnaire (its identity sheet is not libaudit's)"));
    return r;
  }
  if (get(meta, "format_version") != kFormatVersion) {
    const auto v = meta.find("format_version");
    problem(kIdentitySheet,
            message("questionnaire format version {version} is not {expected}: export it again with this libaudit",
                    fmt::arg("version", v == meta.end() ? std::string("None") : py_repr(v->second, 1000)),
                    fmt::arg("expected", kFormatVersion)));
    return r;
  }
  if (!check_identity(r, kIdentitySheet, meta, listed.size())) return r;
  const std::string sheet = get(meta, "sheet"), respondent = get(meta, "respondent");
  const std::string ident = identity(r.department, static_cast<long long>(listed.size()));
  std::vector<std::string> covered = {sheet, respondent};
  for (const auto& [where, text] : shows) {
    covered.push_back(where);
    covered.push_back(text);
  }
  if (!same_mac(get(meta, "identity_hmac"), mac(ident, covered))) {
    problem(kIdentitySheet,
            tr("the identity checksum does not match: the workbook was exported by another libaudit database, or "
               "its department, cycle, checklist or row count was edited"));
    return r;
  }
  const auto questions = sheets.find(sheet);
  if (questions == sheets.end()) {
    problem(sheet,
            message("the questionnaire sheet '{sheet}' is missing (renamed or deleted)", fmt::arg("sheet", sheet)));
    return r;
  }
  if (!check_shown(r, sheets, shows)) return r;
  if (const std::optional<std::string> who = cell_at(sheets, respondent)) r.respondent = trimmed(*who);
  check_listed_rows(r, questions->second, sheet, listed, layout);
  limit_problems(r);
  return r;
}

// One row the identity sheet lists: where it was exported and its item (its checksum checked).
struct Questionnaires::ListedRow {
  long long row = 0;
  std::string item;
};

namespace {

// Where each item is now: the rows (1-based) below the header whose 項目ID cell holds it.
std::map<std::string, std::vector<long long>, std::less<>> item_rows(const Grid& grid, const WorkbookLayout& layout) {
  std::map<std::string, std::vector<long long>, std::less<>> at;
  for (std::size_t k = std::size_t(layout.header_row); k < grid.size(); ++k) {
    const std::string id = normal(cell(grid[k], std::size_t(layout.item)));
    if (!id.empty()) at[id].push_back(static_cast<long long>(k) + 1);
  }
  return at;
}

// Row `row` (1-based) of `grid`, or no cells.
const std::vector<std::string>& row_of(const Grid& grid, long long row) {
  static const std::vector<std::string> kNone;
  return row >= 1 && std::size_t(row) <= grid.size() ? grid[std::size_t(row - 1)] : kNone;
}

std::string row_list(const std::vector<long long>& rows) {
  std::string out;
  for (long long r : rows) out += (out.empty() ? "" : ", ") + std::to_string(r);
  return out;
}

}  // namespace

// The exported rows matched to the sheet by their 項目ID: a deleted, copied or inserted row is one
// problem, not one per row after it. Rows that only moved (below a deleted row) are read where
// they are; a file with any of these problems is refused as a whole all the same.
void Questionnaires::check_listed_rows(Returned& r, const Grid& grid, std::string_view sheet, const Grid& listed,
                                       const WorkbookLayout& layout) const {
  const std::string ident = identity(r.department, static_cast<long long>(listed.size()));
  const std::string item_col = column_letter(layout.item), answer_col = column_letter(layout.answer);
  auto problem = [&](std::string_view where, long long row, std::string column, std::string message) {
    r.problems.push_back({r.file, std::string(where), int(row), std::move(column), std::move(message)});
  };
  const std::size_t first_problem = r.problems.size();
  std::vector<ListedRow> rows;
  std::set<std::string, std::less<>> exported;
  std::set<long long> unlisted;  // rows whose listing was edited: reported once, above
  for (std::size_t k = 0; k < listed.size(); ++k) {
    const std::string& row_text = listed[k][0];
    const std::string& item = listed[k][1];
    const std::optional<long long> sheet_row = parse_int(row_text);
    if (!sheet_row) {
      problem(
          kIdentitySheet, 0, "",
          message("entry {entry}: row '{row}' is not a number", fmt::arg("entry", k + 1), fmt::arg("row", row_text)));
      continue;
    }
    const std::string row_no = std::to_string(*sheet_row);
    if (!same_mac(listed[k][2], mac(ident, {row_no, item}))) {
      problem(sheet, *sheet_row, item_col,
              message("the checksum of row {row} (item {item}) does not match: the identity sheet was edited",
                      fmt::arg("row", row_no), fmt::arg("item", item)));
      unlisted.insert(*sheet_row);
      continue;
    }
    rows.push_back({*sheet_row, item});
    exported.insert(item);
  }
  auto at = item_rows(grid, layout);
  std::set<long long> claimed = unlisted;  // rows that hold an exported item (or its edited id)
  bool explained = false;                  // a deleted, copied or edited row explains rows that moved
  // An exported item found nowhere: its row was deleted, or its id edited where it stands.
  for (const ListedRow& l : rows) {
    if (at.contains(l.item)) continue;
    explained = true;
    const std::string got = normal(cell(row_of(grid, l.row), std::size_t(layout.item)));
    const auto g = at.find(got);
    if (!got.empty() && (!exported.contains(got) || (g != at.end() && g->second.size() > 1))) {
      problem(sheet, l.row, item_col,
              message("the item id is '{got}' but this row was exported for item {item}: rows were deleted, "
                      "inserted or re-ordered, or the id was edited; answer in the workbook as exported",
                      fmt::arg("got", got), fmt::arg("item", l.item)));
      claimed.insert(l.row);
      if (g != at.end()) std::erase(g->second, l.row);
    } else {
      problem(sheet, 0, "",
              message("the row of item {item} is missing (row {row} of the exported sheet): it was deleted; put it "
                      "back from the exported workbook",
                      fmt::arg("item", l.item), fmt::arg("row", l.row)));
    }
  }
  std::vector<std::pair<const ListedRow*, long long>> placed;  // each item found once, and where
  for (const ListedRow& l : rows) {
    const auto where = at.find(l.item);
    if (where == at.end() || where->second.empty()) continue;
    claimed.insert(where->second.begin(), where->second.end());
    if (where->second.size() > 1) {
      explained = true;
      problem(sheet, where->second[1], item_col,
              message("item {item} is on rows {rows}: a row was copied; delete the copy", fmt::arg("item", l.item),
                      fmt::arg("rows", row_list(where->second))));
      continue;
    }
    placed.emplace_back(&l, where->second.front());
  }
  // Answers typed outside the exported rows would be lost: refuse them.
  for (std::size_t k = 0; k < grid.size(); ++k) {
    const long long row_no = static_cast<long long>(k) + 1;
    if (row_no <= layout.header_row || claimed.contains(row_no)) continue;
    for (std::size_t c = 1; c < std::size_t(layout.columns) && c < grid[k].size(); ++c) {
      if (grid[k][c].empty()) continue;
      explained = true;
      problem(sheet, row_no, "A",
              message("a row that is not one of the exported questions holds data ({value}): rows were inserted or "
                      "moved",
                      fmt::arg("value", py_repr(grid[k][c], 20))));
      break;
    }
  }
  if (!explained) check_moved_rows(r, grid, sheet, placed, layout);
  for (const auto& [l, now] : placed) {
    const std::vector<std::string>& values = row_of(grid, now);
    ReturnedRow row{l->item,
                    "",
                    to_lf(cell(values, std::size_t(layout.comment))),
                    to_lf(cell(values, std::size_t(layout.evidence))),
                    std::string(sheet),
                    int(now),
                    answer_col};
    check_answer(r, std::move(row), cell(values, std::size_t(layout.answer)));
  }
  // In sheet order: the sheet's own problems first, then row by row.
  std::stable_sort(r.problems.begin() + std::ptrdiff_t(first_problem), r.problems.end(),
                   [](const Problem& x, const Problem& y) { return x.row < y.row; });
}

// Rows found away from where they were exported, with nothing deleted, copied or holding stray
// data: in their order, an empty row was inserted above them (one problem); out of it, they were
// re-ordered (one problem per row).
void Questionnaires::check_moved_rows(Returned& r, const Grid& grid, std::string_view sheet,
                                      const std::vector<std::pair<const ListedRow*, long long>>& placed,
                                      const WorkbookLayout& layout) const {
  const std::string item_col = column_letter(layout.item);
  bool in_order = true;
  for (std::size_t k = 1; k < placed.size(); ++k) in_order = in_order && placed[k - 1].second < placed[k].second;
  for (const auto& [l, now] : placed) {
    if (now == l->row) continue;
    if (in_order) {
      r.problems.push_back({r.file, std::string(sheet), int(now), item_col,
                            message("a row was inserted above row {now}: item {item}, exported on row {row}, is now "
                                    "on row {now}; delete the inserted row",
                                    fmt::arg("item", l->item), fmt::arg("row", l->row), fmt::arg("now", now))});
      return;
    }
    const std::vector<std::string> none;
    const std::vector<std::string>& values =
        l->row >= 1 && std::size_t(l->row) <= grid.size() ? grid[std::size_t(l->row - 1)] : none;
    r.problems.push_back(
        {r.file, std::string(sheet), int(l->row), item_col,
         message("the item id is '{got}' but this row was exported for item {item}: rows were deleted, "
                 "inserted or re-ordered, or the id was edited; answer in the workbook as exported",
                 fmt::arg("got", normal(cell(values, std::size_t(layout.item)))), fmt::arg("item", l->item))});
  }
}

Returned Questionnaires::check_csv(std::string_view file, std::string_view bytes, csv::Encoding encoding,
                                   const std::vector<CsvColumn>& columns) const {
  Returned r{std::string(file), {}, {}, {}, {}};
  auto problem = [&](int line, std::string message) {
    r.problems.push_back({r.file, "", line, "", std::move(message)});
  };
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    problem(0, tr("the CSV is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' or 'CSV' instead"));
    return r;
  }
  std::string text;
  try {
    text = csv::decode(bytes, encoding, file);
  } catch (const ValidationError& e) {
    const bool bom = bytes.starts_with("\xEF\xBB\xBF");
    const std::string names = encoding == csv::Encoding::cp932         ? "CP932 (Shift_JIS)"
                              : encoding == csv::Encoding::utf8 || bom ? "UTF-8"
                                                                       : "UTF-8 or CP932 (Shift_JIS)";
    problem(e.diagnostics().empty() ? 0 : e.diagnostics().front().line,
            message("the CSV is not valid {encoding}: save it from Excel as 'CSV UTF-8' or 'CSV (comma delimited)'",
                    fmt::arg("encoding", names)));
    return r;
  }
  if (text.find_first_not_of("\r\n") == std::string::npos) {
    problem(0, tr("the CSV is empty"));
    return r;
  }
  csv::Table table;
  try {
    table = csv::parse(text, file);
  } catch (const ValidationError& e) {
    for (const Diagnostic& d : e.diagnostics())
      problem(d.line, message("not a valid CSV: {problem}", fmt::arg("problem", d.message)));
    return r;
  }
  std::vector<csv::Record> records;
  records.push_back({1, std::move(table.header)});
  for (csv::Record& rec : table.records) records.push_back(std::move(rec));
  return check_csv_records(file, records, columns);
}

// Each row names itself: its 番号 and 項目ID, which its checksum binds to this questionnaire. Rows
// are matched by 番号, so a deleted, copied or inserted row is one problem, not one per row after it.
void Questionnaires::check_numbered_rows(Returned& r, const std::vector<const csv::Record*>& body, std::size_t fields,
                                         long long n, const CsvField& field, const CsvHeadings& heading) const {
  auto problem = [&](int line, std::string column, std::string message) {
    r.problems.push_back({r.file, "", line, std::move(column), std::move(message)});
  };
  const std::string ident = identity(r.department, n);
  std::map<long long, std::pair<const csv::Record*, std::string>> found;  // 番号 -> the row, its item
  std::size_t mismatched = 0;
  std::set<long long> edited;  // 番号 of rows whose checksum failed: reported there, not as missing
  const std::size_t first_problem = r.problems.size();
  for (const csv::Record* rec : body) {
    if (rec->fields.size() != fields) {
      problem(rec->line, "",
              message("{fields} fields, the header has {header}", fmt::arg("fields", rec->fields.size()),
                      fmt::arg("header", fields)));
      continue;
    }
    const std::string no = trimmed(field(*rec, "no")), item = normal(field(*rec, "item"));
    const std::optional<long long> k = parse_int(no);
    if (!k || *k < 1 || *k > n || !same_mac(trimmed(field(*rec, "checksum")), mac(ident, {std::to_string(*k), item}))) {
      ++mismatched;
      if (k) edited.insert(*k);
      problem(rec->line, heading.at("checksum"),
              message("the checksum of {no_column} {no} (item {item}) does not match: the {item_column} or checksum "
                      "was edited, rows were deleted or added, or the file was exported by another libaudit database",
                      fmt::arg("no_column", heading.at("no")), fmt::arg("no", no), fmt::arg("item", item),
                      fmt::arg("item_column", heading.at("item"))));
      continue;
    }
    if (const auto [first, fresh] = found.try_emplace(*k, rec, item); !fresh)
      problem(rec->line, heading.at("no"),
              message("the row of item {item} (番号 {no}) is also on line {line}: a row was copied; delete the copy",
                      fmt::arg("item", item), fmt::arg("no", *k), fmt::arg("line", first->second.first->line)));
  }
  if (mismatched > 1 && mismatched == body.size()) {  // one cause, not one problem per row
    r.problems.resize(r.problems.size() - mismatched);
    problem(0, "",
            message("no row's checksum matches: the file was exported by another libaudit database, or its 項目数, "
                    "課 or cycle columns were edited"));
    return;
  }
  const std::vector<QuestionRow> exported = rows(r.department);
  for (long long k = 1; k <= n; ++k) {
    if (found.contains(k) || edited.contains(k)) continue;
    const bool known = exported.size() == std::size_t(n);
    problem(0, "",
            known ? message("the row of item {item} (番号 {no}) is missing: it was deleted; put it back from the "
                            "exported file",
                            fmt::arg("item", exported[std::size_t(k - 1)].item), fmt::arg("no", k))
                  : message("the row of 番号 {no} is missing: it was deleted; put it back from the exported file",
                            fmt::arg("no", k)));
  }
  for (const auto& [k, found_row] : found) {
    const auto& [rec, item] = found_row;
    ReturnedRow row{item,
                    "",
                    to_lf(csv::restore_formula(field(*rec, "comment"))),
                    to_lf(csv::restore_formula(field(*rec, "evidence"))),
                    "",
                    rec->line,
                    heading.at("answer")};
    check_answer(r, std::move(row), field(*rec, "answer"));
  }
  // In file order: the file's own problems first, then line by line.
  std::stable_sort(r.problems.begin() + std::ptrdiff_t(first_problem), r.problems.end(),
                   [](const Problem& x, const Problem& y) { return x.row < y.row; });
}

Returned Questionnaires::check_csv_records(std::string_view file, const std::vector<csv::Record>& records,
                                           const std::vector<CsvColumn>& columns) const {
  Returned r{std::string(file), {}, {}, {}, {}};
  auto problem = [&](int line, std::string column, std::string message) {
    r.problems.push_back({r.file, "", line, std::move(column), std::move(message)});
  };
  if (records.empty()) {
    problem(0, "", tr("the CSV is empty"));
    return r;
  }
  const std::map<std::string, std::size_t, std::less<>> col = header_columns(records.front().fields, columns);
  std::map<std::string, std::string, std::less<>> heading;
  std::string missing;
  for (const CsvColumn& c : columns) {
    heading.emplace(c.key, c.heading);
    if (!col.contains(c.key)) missing += (missing.empty() ? "" : ", ") + c.heading;
  }
  if (!missing.empty()) {
    problem(1, "",
            message("not a libaudit questionnaire CSV: the header lacks {columns} (is it in another encoding than "
                    "UTF-8 or CP932, or were columns deleted?)",
                    fmt::arg("columns", missing)));
    return r;
  }
  const std::vector<std::string>& header = records.front().fields;
  std::vector<const csv::Record*> body;
  for (std::size_t k = 1; k < records.size(); ++k)
    if (std::any_of(records[k].fields.begin(), records[k].fields.end(),
                    [](const std::string& f) { return !text::trim(f).empty(); }))
      body.push_back(&records[k]);
  if (body.empty()) {
    problem(0, "", tr("the questionnaire lists no items"));
    return r;
  }
  auto field = [&](const csv::Record& rec, std::string_view key) {
    return from_text(cell(rec.fields, col.find(key)->second));
  };
  // Identity: every row carries the cycle, the 課 and the number of rows exported; they must agree.
  const csv::Record& first = *body.front();
  const Meta meta{{"cycle", trimmed(field(first, "cycle"))}, {"department", trimmed(field(first, "department"))}};
  const std::string n_text = trimmed(field(first, "items"));
  for (std::size_t k = 1; k < body.size(); ++k)
    if (trimmed(field(*body[k], "cycle")) != meta.at("cycle") ||
        trimmed(field(*body[k], "department")) != meta.at("department") || trimmed(field(*body[k], "items")) != n_text)
      problem(body[k]->line, heading.at("department"),
              message("this row names another cycle, department or {items} than the first row: rows from two "
                      "questionnaires were mixed, or the columns edited",
                      fmt::arg("items", heading.at("items"))));
  if (!r.problems.empty() || !check_identity(r, "", meta, body.size())) return r;
  const bool digits = !n_text.empty() && n_text.find_first_not_of("0123456789") == std::string::npos;
  const long long n = digits ? parse_int(n_text).value_or(-1) : -1;
  if (n < 1) {
    problem(0, "",
            message("項目数 is '{text}', not the number of rows exported: the column was edited; answer the file as "
                    "exported",
                    fmt::arg("text", n_text)));
    return r;
  }
  check_numbered_rows(r, body, header.size(), n, field, heading);
  limit_problems(r);
  return r;
}

std::vector<Problem> Questionnaires::import_problems(const std::vector<Returned>& files,
                                                     const std::optional<std::string>& department) const {
  std::vector<Problem> out;
  const Cycle& c = cycle();
  if (c.status != CycleStatus::open)
    out.push_back(
        {"<cycle>", "", 0, "",
         c.status == CycleStatus::closed
             ? message("cycle {cycle} ({name}) is {status}: a closed cycle takes no answers", fmt::arg("cycle", c.id),
                       fmt::arg("name", c.name), fmt::arg("status", to_string(c.status)))
             : message("cycle {cycle} ({name}) is {status}: open it first", fmt::arg("cycle", c.id),
                       fmt::arg("name", c.name), fmt::arg("status", to_string(c.status)))});
  for (const Returned& f : files) out.insert(out.end(), f.problems.begin(), f.problems.end());
  // One file per 課: two returned files for one 課 would overwrite each other.
  std::map<std::string, std::string, std::less<>> seen;
  const std::string wanted = department ? normal(*department) : "";
  for (const Returned& f : files) {
    if (f.department.empty()) continue;
    if (department && f.department != wanted)
      out.push_back({f.file, "", 0, "",
                     message("this questionnaire is for department {department}, not {wanted}",
                             fmt::arg("department", department_name(f.department)), fmt::arg("wanted", *department))});
    if (const auto s = seen.find(f.department); s != seen.end())
      out.push_back({f.file, "", 0, "",
                     message("a second questionnaire for department {department} (also {file})",
                             fmt::arg("department", department_name(f.department)), fmt::arg("file", s->second))});
    else
      seen.emplace(f.department, f.file);
  }
  return out;
}

ImportPlan Questionnaires::plan(const std::vector<Returned>& files, std::string_view actor) const {
  ImportPlan out;
  for (const Returned& f : files) {
    const Answers stored = f.department.empty() ? Answers{} : stored_answers(cycle().id, f.department);
    FileCounts n;
    for (const ReturnedRow& row : f.rows) {
      if (row.answer.empty()) {
        ++n.blank;
        continue;
      }
      ++n.answered;
      const auto was = stored.find(row.item);
      if (was != stored.end() && was->second == std::tie(row.answer, row.comment, row.evidence))
        ++n.unchanged;
      else
        ++n.changed;
      out.rows.push_back({f.department, row.item, row.answer, row.comment, row.evidence,
                          f.respondent.empty() ? std::string(actor) : f.respondent, "", row.row});
    }
    out.files.push_back(n);
  }
  return out;
}

}  // namespace libaudit::exchange
