// 回収状況: which 課 were sent their questionnaire of a cycle, which returned it, when, by whom,
// how complete, and which are late (docs/exchange.md, "Collection status"). The one home of the
// rule: `libaudit cycle status`, Store.collection_status in Python and the committee report's
// 未回答 section all read collection_status().
//
// Exports are recorded by Exports::record in the exchange stage's table questionnaire_exports
// (its schema component "exchange"), each with a trail record in the same transaction, so
// verify() checks the table against the trail. Returns are not recorded twice: a return is
// read from the trail's "responses" batch records whose source names returned questionnaires
// (ImportOptions::trail_source, "questionnaires: FILE sha256:HEX [課]; …"). A 課's first
// submission on the web (submissions.h) is a return too (file "web", at and by of the submit),
// and the web questionnaire is sent by an export record of format "web" (Submissions::send),
// so its 回答期限 judges lateness as a workbook's does.
//
// Exports borrows its Store (which must outlive it) and shares its thread-safety (none).
// Errors: NotFoundError (unknown cycle or 課), ValidationError (a 課 that is not a target of the
// cycle, a bad deadline or format, an empty file name), CycleStateError (recording an export of
// a closed cycle), StoreError (read-only, or the database). A failed call writes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/store/store.h"

namespace libaudit::exchange {

// One questionnaire written for a 課 (one row of questionnaire_exports).
struct ExportRecord {
  std::int64_t cycle = 0;
  std::string department;
  int number = 0;               // 1, 2, … per (cycle, 課): a questionnaire sent again is the next
  std::string file;             // the file's name as written (no folder)
  std::string format;           // xlsx | csv
  std::string deadline;         // 回答期限, YYYY-MM-DD; "" when none was given
  std::string sha256;           // of the file's bytes, lower-case hex
  std::int64_t carry_over = 0;  // the cycle whose answers it pre-filled (--carry-over); 0: none
  std::string by, at;           // the actor and the UTC time of the record
};

class Exports {
 public:
  explicit Exports(Store& store) : store_(store) {}
  explicit Exports(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}

  // Records that `e.file` was written for 課 `e.department` of cycle `e.cycle` (number, by and
  // at are filled in); returns the record as stored.
  ExportRecord record(std::string_view by, ExportRecord e);
  // The exports of a cycle, by 課 then number.
  std::vector<ExportRecord> list(std::int64_t cycle) const;

 private:
  Store& store_;
  bool read_only_ = false;
};

// Where a 課 stands (ids of Vocabulary::collection_status, in that order).
enum class Collection { not_sent, sent, returned, returned_late, overdue };
std::string_view to_string(Collection c) noexcept;  // the id: not_sent, sent, …

// How far a 課 is with its answers (ids of Vocabulary::answer_progress, in that order): no
// answer stored yet, some stored, submitted (on the web and not reopened since, or returned as a
// file when it never submitted on the web).
enum class Progress { not_started, in_progress, submitted };
std::string_view to_string(Progress p) noexcept;  // the id: not_started, in_progress, submitted

struct CollectionRow {
  std::string department, name;  // 課 code and name
  std::string parent_name;       // its 部, "" when none
  std::string security_manager;  // 情報セキュリティ管理者 of the 課 ("" when unset)
  std::size_t items = 0;         // rows of its questionnaire (items of the audience that apply)
  std::size_t exports = 0;       // questionnaires written for it
  std::optional<ExportRecord> last_export;
  std::string deadline;   // the last export's 回答期限 ("" when none)
  bool returned = false;  // a returned questionnaire of it was imported
  std::string returned_at, returned_by, returned_file, returned_sha256;  // the first return
  std::size_t returns = 0;   // imports of returned questionnaires that wrote its answers
  std::size_t answered = 0;  // its items with a stored answer
  std::size_t blank = 0;     // items - answered
  std::size_t changed = 0;   // answers the returns wrote that differ from what was pre-filled
  bool late = false;         // returned after the deadline, or not returned and it has passed
  Collection status = Collection::not_sent;
  // The web questionnaire (submissions.h): submitted now (not reopened since), the last submit
  // (when, by whom; "" when not submitted) and how many submits were recorded.
  bool submitted = false;
  std::string submitted_at, submitted_by;
  std::size_t submissions = 0;
  Progress progress = Progress::not_started;
};

struct CollectionTotals {
  std::size_t departments = 0, exported = 0, returned = 0, late = 0, not_returned = 0, submitted = 0;
  std::size_t items = 0, answered = 0, blank = 0, changed = 0;
  std::size_t by_status[5] = {};    // indexed by Collection
  std::size_t by_progress[3] = {};  // indexed by Progress
};

struct CollectionStatus {
  Cycle cycle;
  Date as_of;                       // the day in Japan lateness is judged for
  std::vector<CollectionRow> rows;  // the target 課, by code
  CollectionTotals totals;
  // The 課 to chase: not returned, or returned late, in the order of rows.
  std::vector<const CollectionRow*> to_remind() const;
};

// The collection status of a cycle as of the end of day `as_of` in Japan (default: today in
// Japan; for a closed cycle, the day of its last close): exports, returns and answers recorded
// after it are not seen (`until_utc`, a time in now_utc_iso's form, reads the trail up to that
// instant instead: a report dated one day and read at another point). A 課 is late when its
// first return came after the end of its deadline day, or when it has not returned and its
// deadline is before `as_of`. NotFoundError for an unknown cycle.
CollectionStatus collection_status(const Store& store, std::int64_t cycle, std::optional<Date> as_of = {},
                                   std::optional<std::string> until_utc = {});

}  // namespace libaudit::exchange
