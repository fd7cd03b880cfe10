// The questionnaire model (docs/exchange.md): which rows a 課's questionnaire of a cycle has and
// what is pre-filled, the identity of an exported file and its HMAC-SHA256 checksums keyed by the
// store's secret, and the validation of a returned file given the cells a reader extracted from
// it. The cell layout (which column holds what, styles, drop-downs) is the writer's and the
// reader's (bindings/python/libaudit/exchange/); they pass it in as a WorkbookLayout or a list of
// CsvColumns.
//
// A Questionnaires is an immutable snapshot of one cycle read once from the store; it never
// writes (the import itself is Store::import_responses with the rows of ImportPlan). It may be
// read from any number of threads at once.
//
// Errors: NotFoundError (unknown cycle), ValidationError (a 課 that is not a target, carrying
// over from a cycle of another checklist id, from the cycle itself or from a later one). A
// returned file that is not valid is not an error: Returned::problems lists every problem found
// in it, located (at most kMaxProblemsPerFile, then one that counts the rest).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "libaudit/base/csv.h"
#include "libaudit/scoring/scoring.h"
#include "libaudit/store/store.h"

namespace libaudit::exchange {

inline constexpr std::string_view kFormat = "libaudit-questionnaire";
inline constexpr std::string_view kFormatVersion = "1";
inline constexpr std::string_view kIdentitySheet = "_libaudit";
inline constexpr std::string_view kShownPrefix = "shows:";  // identity lines naming a visible cell

// One row of a 課's questionnaire: an item of the cycle's audience that applies to the 課.
struct QuestionRow {
  int no = 0;  // 1, 2, … in checklist order
  std::string item;
  std::string chapter;  // "7 運用"
  std::string clause;
  std::string question;
  std::string roles;     // the responsible roles in Japanese, joined with 、
  std::string answer;    // pre-filled: a Japanese label (実施している …) or ""
  std::string comment;   // pre-filled
  std::string evidence;  // pre-filled
};

// One problem in a returned file (Python's QuestionnaireProblem): a cell (sheet, row, column
// letter), a CSV field (row = line, column = heading), or the whole file (row 0).
struct Problem {
  std::string file;
  std::string sheet;
  int row = 0;
  std::string column;
  std::string message;
  bool operator==(const Problem&) const = default;
};

// One answer read from a returned file, checked. answer is an answer code, or "" for a row
// left blank (then comment and evidence are empty too).
struct ReturnedRow {
  std::string item;
  std::string answer;
  std::string comment;  // line breaks as LF
  std::string evidence;
  std::string sheet;  // where the answer is, for diagnostics
  int row = 0;
  std::string column;
};

// The most problems kept for one returned file; one more then says how many were left out.
inline constexpr std::size_t kMaxProblemsPerFile = 100;

// A returned file after checking: valid when problems is empty.
struct Returned {
  std::string file;
  std::string department;  // the 課 the file names ("" when it could not be read that far)
  std::string respondent;  // the 回答者 cell of a workbook, trimmed
  std::vector<ReturnedRow> rows;
  std::vector<Problem> problems;
};

// Cells as text, as a reader extracted them: rows, then cells, 0-based (cell A1 is [0][0]);
// rows may be short. An empty cell is "".
using Grid = std::vector<std::vector<std::string>>;

// Where the workbook writer puts things on the questions sheet (0-based columns).
struct WorkbookLayout {
  int header_row = 2;  // 1-based; the questions are below it
  int columns = 8;     // columns written; a non-question row with data in B… is refused
  int item = 7;
  int answer = 4;
  int comment = 5;
  int evidence = 6;
};

// A CSV column: the key the model reads (no, chapter, clause, question, roles, answer, comment,
// evidence, item, cycle, department, items, checksum) and the heading the file carries.
struct CsvColumn {
  std::string key;
  std::string heading;
};

// What an import of checked files would do, per file against the answers stored when plan()
// reads them.
struct FileCounts {
  std::size_t answered = 0;   // rows with an answer
  std::size_t changed = 0;    // answered rows that differ from the store (new or updated)
  std::size_t unchanged = 0;  // answered rows equal to what is stored
  std::size_t blank = 0;      // rows left without an answer (they stay unanswered)
};
struct ImportPlan {
  std::vector<ResponseRow> rows;  // the answered rows of every file, for Store::import_responses
  std::vector<FileCounts> files;  // in the order of the files
};

// The questionnaires of one cycle. It reads the organisation when made and a 課's stored answers
// (and those of the carry-over cycle) from `store` each time rows() or plan() asks for them, one
// 課 at a time: exporting or importing some 課 costs their answers, not the cycle's. So `store`
// must outlive it. Not thread-safe, like the Store.
class Questionnaires {
 public:
  // Reads the cycle (CycleData::organisation: no answers) and its exchange secret
  // (Store::exchange_secret, created on first use); checks carry_over_from.
  static Questionnaires load(Store& store, std::int64_t cycle, std::optional<std::int64_t> carry_over_from = {});

  // The same from a cycle already read (its answers are not used); `secret_hex` is the key as
  // Store::exchange_secret gives it.
  Questionnaires(const Store& store, CycleData data, std::string_view secret_hex,
                 std::optional<std::int64_t> carry_over_from = {});

  const Cycle& cycle() const noexcept { return data_.cycle(); }
  // Throws CycleStateError for a closed cycle, saying how to reopen it: a questionnaire filled
  // for it would be refused on return. Export calls it before writing any file.
  void check_exportable() const;
  const StoredChecklist& checklist() const noexcept { return stored_; }
  const std::string& body() const noexcept { return body_; }  // Store::body(), "" when unset
  bool is_target(std::string_view department) const;
  // "101 総務課", or the code alone for a 課 the store does not know.
  std::string department_name(std::string_view code) const;

  // The rows of a 課's questionnaire, numbered 1…n, pre-filled with the answers stored for the
  // cycle, else those of the carry-over cycle. ValidationError when the 課 is not a target.
  std::vector<QuestionRow> rows(std::string_view department) const;

  // The identity of a 課's questionnaire of n rows: format, format version, cycle id, 課 code,
  // checklist id, version, SHA-256 and n, joined with U+001F.
  std::string identity(std::string_view department, long long n) const;
  // HMAC-SHA256 (lower-case hex) of identity and parts, joined with U+001F, keyed by the secret.
  std::string mac(std::string_view identity, const std::vector<std::string>& parts) const;
  // A cell the person filling the workbook sees ("記入方法!B7") and the text it was written with.
  using ShownCell = std::pair<std::string, std::string>;
  // The identity sheet's key/value lines of a workbook (format … identity_hmac), in order. Each
  // of `shows` is one line "shows:CELL" = text; identity_hmac covers them, so the identity binds
  // the workbook to the 課 and cycle its visible header names (check_workbook compares them).
  std::vector<std::pair<std::string, std::string>> workbook_identity(std::string_view department, std::size_t n,
                                                                     std::string_view sheet,
                                                                     std::string_view respondent_cell,
                                                                     const std::vector<ShownCell>& shows = {}) const;

  // Checks a returned workbook: `sheets` maps every sheet's name to its cells.
  Returned check_workbook(std::string_view file, const std::map<std::string, Grid, std::less<>>& sheets,
                          const WorkbookLayout& layout = {}) const;
  // Checks a returned CSV: decoded and parsed by libaudit::csv (encoding as csv::decode), then
  // check_csv_records. `columns` are the exported columns in order.
  Returned check_csv(std::string_view file, std::string_view bytes, csv::Encoding encoding,
                     const std::vector<CsvColumn>& columns) const;
  // Checks parsed CSV records (the first one is the header).
  Returned check_csv_records(std::string_view file, const std::vector<csv::Record>& records,
                             const std::vector<CsvColumn>& columns) const;

  // Problems of the import as a whole: the cycle is not open (first), and, for the files read,
  // a file of another 課 than `department` (when given) or a second file for one 課.
  std::vector<Problem> import_problems(const std::vector<Returned>& files,
                                       const std::optional<std::string>& department) const;
  // The rows to import and the counts per file. answered_by is each file's respondent, or actor.
  ImportPlan plan(const std::vector<Returned>& files, std::string_view actor) const;

 private:
  using Answers = std::map<std::string, std::tuple<std::string, std::string, std::string>, std::less<>>;
  // The answers stored for `department` in `cycle` (answer id, comment, evidence by item).
  Answers stored_answers(std::int64_t cycle, std::string_view department) const;
  bool check_identity(Returned& r, std::string_view sheet, const std::map<std::string, std::string, std::less<>>& meta,
                      std::size_t n) const;
  bool check_shown(Returned& r, const std::map<std::string, Grid, std::less<>>& sheets,
                   const std::vector<ShownCell>& shows) const;
  void check_listed_rows(Returned& r, const Grid& grid, std::string_view sheet, const Grid& listed,
                         const WorkbookLayout& layout) const;
  struct ListedRow;  // check.cpp
  void check_moved_rows(Returned& r, const Grid& grid, std::string_view sheet,
                        const std::vector<std::pair<const ListedRow*, long long>>& placed,
                        const WorkbookLayout& layout) const;
  void check_answer(Returned& r, ReturnedRow row, std::string_view answer_text) const;
  // The data rows of a CSV matched to the n rows exported by their 番号 (check_csv_records).
  using CsvField = std::function<std::string(const csv::Record&, std::string_view)>;
  using CsvHeadings = std::map<std::string, std::string, std::less<>>;
  void check_numbered_rows(Returned& r, const std::vector<const csv::Record*>& body, std::size_t fields, long long n,
                           const CsvField& field, const CsvHeadings& heading) const;

  CycleData data_;
  StoredChecklist stored_;
  std::string body_;
  std::string key_;  // the secret, raw bytes
  std::map<std::string, Department, std::less<>> departments_;
  std::map<std::string, std::size_t, std::less<>> index_;  // target 課 code -> CycleData index
  const Store* store_;
  std::optional<std::int64_t> carry_over_from_;  // checked in the constructor
};

}  // namespace libaudit::exchange
