// Web submissions (docs/exchange.md, "Web submissions"): a 課 answers its questionnaire in the
// browser (`libaudit serve`), saves drafts, submits it, and the audit team reopens it with a
// reason. The one home of who may answer for a 課 (may_answer_for) and who is the audit team
// (audit_team).
//
// A save is a stored answer at once: it goes through the store's import of responses
// (Store::Transaction::import_responses, the path a returned workbook takes), its trail records
// named "web: <課> by <person>" with the person as actor, so nothing is stored twice. A
// submission or a reopening is one row of the exchange stage's table questionnaire_submissions
// (its schema component "exchange") with a trail record in the same transaction; verify() checks
// the table against the trail and replays the rules below on it. Each write checks its rule and
// writes in one transaction: it happens wholly or not at all.
//
// Submissions borrows its Store (which must outlive it) and shares its thread-safety (none).
// Errors: NotFoundError (unknown cycle or 課), RoleError (the person is not in the people
// register or may not do this), CycleStateError (the cycle is not open; a save or submit of a
// submitted 課, a reopening of one that is not), ValidationError (rows of another 課 or of items
// not asked of it, missing answers at submit, an empty reason, a bad deadline), StoreError
// (read-only, or the database).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/exchange/collection.h"
#include "libaudit/followup/findings.h"
#include "libaudit/store/store.h"

namespace libaudit::exchange {

// One row of questionnaire_submissions.
struct Submission {
  std::int64_t cycle = 0;
  std::string department;  // 課 code
  int number = 0;          // 1, 2, … per (cycle, 課), submissions and reopenings alike
  std::string action;      // submit | reopen
  std::string by, at;      // the person and the UTC time
  std::string reason;      // the reopening's reason; "" for a submit
};

// Where a 課's web questionnaire stands: open (answers may be saved) or submitted (read-only
// until the audit team reopens it). Ids of Vocabulary::submission_state.
enum class SubmissionState { open, submitted };
std::string_view to_string(SubmissionState s) noexcept;

// THE rule of who answers for a 課: a person of that 課 or of its 部 (department.parent_code)
// holding security_manager, security_officer or system_administrator.
bool may_answer_for(const Person& person, const Department& department) noexcept;
// THE rule of who is the audit team for submissions and web sends: chief_auditor,
// chief_security_officer or ciso.
bool audit_team(const Person& person) noexcept;

class Submissions {
 public:
  explicit Submissions(Store& store) : store_(store) {}
  explicit Submissions(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}

  // Saves answers of 課 `department` given by person `actor` (may_answer_for): the rows must all
  // be of that 課 (an empty department is that 課) and of items asked of it in the cycle
  // (applicability.h, asked), the cycle open and the 課 not submitted. answered_by is the person;
  // answered_at the time of the save. Returns the import's counts.
  ImportResult save(std::string_view actor, std::int64_t cycle, std::string_view department,
                    std::span<const ResponseRowView> rows);
  ImportResult save(std::string_view actor, std::int64_t cycle, std::string_view department,
                    const std::vector<ResponseRow>& rows);
  // Submits the 課's questionnaire: every item asked of it answered (else ValidationError listing
  // the first 20 missing items), the person may answer for it, the cycle open, not submitted.
  Submission submit(std::string_view actor, std::int64_t cycle, std::string_view department);
  // Reopens a submitted 課 for changes: by the audit team, with a reason (kept in the trail).
  Submission reopen(std::string_view actor, std::int64_t cycle, std::string_view department, std::string_view reason);
  // Sends the web questionnaire to a 課 with its 回答期限 (YYYY-MM-DD, or "" for none): an export
  // record of format "web" and file "web" (collection.h), by the audit team, cycle open.
  ExportRecord send(std::string_view actor, std::int64_t cycle, std::string_view department, std::string_view deadline);

  SubmissionState state(std::int64_t cycle, std::string_view department) const;
  // The rows of a cycle, by 課 then number.
  std::vector<Submission> list(std::int64_t cycle) const;

 private:
  Store& writable() const;
  Store& store_;
  bool read_only_ = false;
};

}  // namespace libaudit::exchange
