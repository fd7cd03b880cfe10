// Follow-up of audits (docs/findings.md): the people who act (People), findings 指摘事項 with
// their state machine, 横展開 check requests and bulk promotion from a self-inspection
// (Findings), and exceptions 例外措置 with CISO approval, expiry and emergency reporting
// (Exceptions). They live in the store's SQLite file; every write runs in one transaction and
// appends its trail records (entities person, finding, finding_transition, check_request,
// exception) in it, and Store::verify() replays them like the store's own tables.
//
// People, Findings and Exceptions are light facades over a Store: they borrow it (the Store
// must outlive them) and share its thread-safety (none: one Store, and its facades, per
// thread). Built from a const Store they are read-only (queries only). Every action names a person from the register,
// by name; role checks and the separation of duties (兼務の禁止, 小牧市 1(2)イ) read the register.
//
// Dates (due dates, exception periods) are calendar dates; "today" is the date in Japan
// (Asia/Tokyo, UTC+9, no daylight saving). Every query that depends on the day takes an
// optional `today`, defaulting to today_japan().
//
// Errors: ValidationError (bad input), NotFoundError (unknown person, finding, 課, item, cycle,
// exception), TransitionError (a state change the machine does not have), RoleError (the
// person lacks the role, or the separation of duties forbids it), CycleStateError (a closed
// cycle, or a cycle of the wrong kind). A failed write changes nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libaudit/base/error.h"
#include "libaudit/base/fiscal_year.h"
#include "libaudit/store/store.h"

namespace libaudit {

// A state change the finding state machine (or an exception's life) does not have.
class TransitionError : public Error {
 public:
  using Error::Error;
};

// The person may not do this: they lack a role it needs, or the separation of duties forbids
// it (an auditor raising against their own 課, a verifier who reported the remediation).
class RoleError : public Error {
 public:
  using Error::Error;
};

// ---- People ------------------------------------------------------------------------------

struct Person {
  std::string name;                // unique key
  std::string department;          // 課 (or 部) code from the store
  std::vector<std::string> roles;  // DOMAIN.md ids (auditor, ciso, security_manager, …), sorted
  bool has(std::string_view role) const noexcept;
};

// 兼務の禁止 (小牧市 1(2)イ, 8(1)イ): whether `auditor` may audit `department` — not when it is
// their own. THE rule: raising and moving findings, the audit plan's assignments and the working
// papers (libaudit/audit) all ask it.
bool independent_of(const Person& auditor, std::string_view department) noexcept;

struct PersonRow {
  std::string name, department, roles;  // roles separated by ';', ',' or spaces
  int line = 0;
};

class People {
 public:
  explicit People(Store& store) : store_(store) {}
  // Read-only: the queries work; a write throws StoreError.
  explicit People(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}
  // Inserts or updates one person. Unknown department or role: ValidationError.
  void put(std::string_view actor, const Person& p);
  // All-or-nothing; ImportValidationError lists every bad row.
  ImportResult import_rows(std::string_view actor, const std::vector<PersonRow>& rows,
                           const std::string& source = "<rows>");
  // CSV with a header row name,department,roles (or 氏名,所属,役割).
  ImportResult import_csv(std::string_view actor, const std::filesystem::path& file,
                          csv::Encoding encoding = csv::Encoding::detect);
  std::vector<Person> list() const;         // by name
  Person get(std::string_view name) const;  // NotFoundError

 private:
  Store& writable() const;  // store_, or StoreError when read-only
  Store& store_;
  bool read_only_ = false;
};

// ---- Findings ----------------------------------------------------------------------------

enum class Severity { major_nonconformity, minor_nonconformity, observation, recommendation };
std::string_view to_string(Severity s) noexcept;
std::string_view severity_label(Severity s) noexcept;  // 重大な不適合, 軽微な不適合, 観察事項, 推奨事項
Severity parse_severity(std::string_view s);           // code or label; ValidationError

// draft (promoted, not yet confirmed) and discarded exist only for promoted findings.
enum class FindingState {
  draft,
  open,
  plan_submitted,
  in_remediation,
  remediation_reported,
  verified,
  risk_accepted,
  discarded
};
std::string_view to_string(FindingState s) noexcept;
std::string_view state_label(FindingState s) noexcept;  // 未確定, 未対応, 改善計画提出済, …
FindingState parse_finding_state(std::string_view s);   // code or label; ValidationError
// verified, risk_accepted, discarded: nothing is owed any more.
bool is_closed(FindingState s) noexcept;

// One rule of the state machine: `from` may become `to` by a person holding one of `roles`.
struct TransitionRule {
  FindingState from, to;
  std::span<const std::string_view> roles;
  std::string_view note;  // the extra condition, in words (empty: none)
};
// THE table (findings.cpp, kTransitions); docs/findings.md renders it.
std::span<const TransitionRule> transition_rules() noexcept;

struct Transition {
  std::int64_t id = 0;
  std::int64_t finding = 0;
  FindingState from = FindingState::open, to = FindingState::open;
  std::string by, at, note;  // at: UTC ISO 8601
};

struct Finding {
  std::int64_t id = 0;
  std::int64_t cycle = 0;
  std::string department;          // 課 code
  std::vector<std::string> items;  // item ids of the cycle's checklist
  Severity severity = Severity::minor_nonconformity;
  FindingState state = FindingState::open;
  std::string condition;       // what was found (状況)
  std::string criterion;       // the items' text (監査基準), filled from the checklist
  std::string evidence;        // evidence seen (監査証拠)
  std::string recommendation;  // 改善提案
  Date due;
  std::string raised_by, raised_at;
  std::int64_t source_finding = 0;  // 横展開: the finding whose check request raised this one
  std::int64_t promoted_from = 0;   // the self-inspection cycle it was promoted from
  std::string remediated_by;        // who reported the remediation (last time)
  std::string updated_at;
  std::size_t checks_open = 0;  // 横展開 check requests still unanswered
  std::size_t checks_total = 0;
  bool overdue(const Date& today) const noexcept {
    return !is_closed(state) && state != FindingState::draft && due < today;
  }
  // Days past due on `today` when overdue(today), else 0.
  int days_past_due(const Date& today) const noexcept { return overdue(today) ? days_between(due, today) : 0; }
};

struct FindingSpec {
  std::int64_t cycle = 0;
  std::string department;
  std::vector<std::string> items;
  Severity severity = Severity::minor_nonconformity;
  std::string condition, evidence, recommendation;
  Date due;
};

struct FindingFilter {
  std::optional<std::int64_t> cycle;
  std::optional<std::string> department;
  std::optional<FindingState> state;
  std::optional<Severity> severity;
  bool overdue_only = false;
  bool include_drafts = true;
};

struct OverdueFinding {
  Finding finding;
  int days = 0;  // days past due (>= 1)
};
struct OverdueByDepartment {
  std::string department;
  std::string name;
  std::size_t count = 0;
  int oldest_days = 0;
  std::vector<std::int64_t> findings;  // oldest first
};

enum class CheckAnswer { checked_no_issue, same_issue_found };
std::string_view to_string(CheckAnswer a) noexcept;
std::string_view check_answer_label(CheckAnswer a) noexcept;  // 問題なし, 同様の問題あり
// The answer named by its code or its label (after trim + NFKC); throws ValidationError.
CheckAnswer parse_check_answer(std::string_view s);

struct CheckRequest {
  std::int64_t id = 0;
  std::int64_t finding = 0;
  std::string department;
  std::string requested_by, requested_at;
  std::optional<CheckAnswer> answer;  // nullopt: unanswered
  std::string answered_by, answered_at, note;
  std::int64_t linked_finding = 0;  // same_issue_found: the finding it raised
};

// One move of a bulk move (Findings::move_many): `finding` to `to`, with `note`. `line` is where
// the move was read (a line of a decisions CSV, read_decisions); 0 for a move chosen by a filter.
struct FindingMove {
  std::int64_t finding = 0;
  FindingState to = FindingState::open;
  std::string note;
  int line = 0;
};

// Decisions on findings from a CSV with the header finding,state,note (or 指摘番号,状態,メモ; note
// may be left out): one move per row, the state by its code or label. ImportValidationError
// lists every bad row (a finding that is not a number, an unknown state, a missing column).
std::vector<FindingMove> read_decisions(const std::filesystem::path& file,
                                        csv::Encoding encoding = csv::Encoding::detect);

struct PromoteOptions {
  bool include_partial = false;
  std::optional<Date> due;  // default: the last day of the audit cycle's 年度
};
struct PromoteResult {
  std::vector<std::int64_t> created;  // draft findings
  std::size_t skipped = 0;            // already promoted, or the item is not in the checklist
};

class Findings {
 public:
  explicit Findings(Store& store) : store_(store) {}
  // Read-only: the queries work; a write throws StoreError.
  explicit Findings(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}

  // Raises a finding in an audit cycle (internal_audit or external_audit, not closed) by an
  // auditor or chief auditor not of the 課 (RoleError). Returns its id. State: open.
  std::int64_t raise(std::string_view by, const FindingSpec& spec);
  // Moves a finding along the machine (transition_rules()); TransitionError or RoleError.
  void move(std::string_view by, std::int64_t finding, FindingState to, std::string_view note = {});
  // Several moves, all or nothing, in one transaction: each is checked as move() checks it (the
  // machine, the roles, 兼務の禁止) and recorded in the trail as move() records it. When any is
  // refused (an unknown finding, a finding named twice, a move the machine lacks, a role the
  // person lacks), nothing moves and ValidationError lists every refusal, one diagnostic each
  // (file `source` and the move's line; no file for a move of line 0). With `dry_run` everything
  // is checked and nothing written. Returns the transitions, in the order of `moves` (made, or
  // with id 0 and at "" when dry_run).
  std::vector<Transition> move_many(std::string_view by, const std::vector<FindingMove>& moves, bool dry_run = false,
                                    const std::string& source = {});
  // move_many of every finding `filter` selects (by id; overdue_only and include_drafts apply as
  // in list()), each to `to` with `note`, selected and moved in one transaction. Nothing
  // selected: no transitions. NotFoundError when filter.cycle names no cycle.
  std::vector<Transition> move_where(std::string_view by, const FindingFilter& filter, FindingState to,
                                     std::string_view note = {}, bool dry_run = false);

  Finding get(std::int64_t id) const;  // NotFoundError
  // By id. NotFoundError when filter.cycle names no cycle.
  std::vector<Finding> list(const FindingFilter& filter = {}, std::optional<Date> today = {}) const;
  std::vector<Transition> history(std::int64_t finding) const;
  // Open, not closed, due before today: oldest first / grouped by 課 (most first).
  std::vector<OverdueFinding> overdue(std::optional<Date> today = {}) const;
  std::vector<OverdueByDepartment> overdue_by_department(std::optional<Date> today = {}) const;

  // 横展開: check requests for `departments`, or (empty) every other 課 that one of the
  // finding's items applies to (CycleData::applies). Skips 課 already asked. By an auditor or
  // chief auditor. Returns the new request ids.
  std::vector<std::int64_t> spread(std::string_view by, std::int64_t finding,
                                   const std::vector<std::string>& departments = {});
  // Answers a request, by a person of the asked 課 (security_manager / security_officer /
  // system_administrator). same_issue_found raises a linked finding (returned; else 0).
  std::int64_t answer_check(std::string_view by, std::int64_t request, CheckAnswer answer, std::string_view note = {},
                            std::optional<Date> due = {});
  std::vector<CheckRequest> checks(std::int64_t finding) const;

  // Drafts from a self-inspection cycle's not_implemented (and optionally partial) answers,
  // into an audit cycle, for the 課 both cycles target. One draft per (課, item); a pair already
  // promoted into that cycle is skipped. Auditors confirm (draft -> open) or discard them.
  PromoteResult promote(std::string_view by, std::int64_t self_inspection, std::int64_t audit_cycle,
                        const PromoteOptions& options = {});

 private:
  Store& writable() const;  // store_, or StoreError when read-only
  Store& store_;
  bool read_only_ = false;
};

// ---- Exceptions --------------------------------------------------------------------------

// requested -> approved | rejected (CISO); emergency: taken -> reported -> approved | rejected.
enum class ExceptionStatus { requested, approved, rejected, taken, reported };
std::string_view to_string(ExceptionStatus s) noexcept;
std::string_view exception_status_label(ExceptionStatus s) noexcept;

// 小牧市 7(7)イ: an emergency exception is reported to the CISO 事後速やかに; "promptly" is
// this many days unless the caller says otherwise.
inline constexpr int kEmergencyReportDays = 7;

struct ExceptionRecord {
  std::int64_t id = 0;
  std::string department;  // 課 code
  std::string item;        // item id
  std::string system;      // optional system name
  std::string reason, compensating_measure;
  Date start, end;  // the period, both days included
  bool emergency = false;
  ExceptionStatus status = ExceptionStatus::requested;
  std::string requested_by, requested_at;
  std::string decided_by, decided_at, decision_note;
  std::string reported_at;  // emergency: when reported to the CISO (UTC ISO)
  // Emergency only: not reported within the report window (days after the day it was taken).
  bool late(const Date& today, int report_days = kEmergencyReportDays) const;
  // Approved and today within [start, end].
  bool in_force(const Date& today) const noexcept {
    return status == ExceptionStatus::approved && start <= today && today <= end;
  }
  // Approved, and the period ended before today.
  bool expired(const Date& today) const noexcept { return status == ExceptionStatus::approved && end < today; }
  // THE rule of which exceptions count for a cycle of 年度 `fiscal_year` (docs/scoring.md, "As of"):
  // approved — in the state the cycle is read at (followup_at) — and its period overlapping the
  // 年度 (April 1 to March 31 of the next year).
  bool counts_for(int fiscal_year) const noexcept {
    return status == ExceptionStatus::approved && start <= fiscal_year_end(fiscal_year) &&
           fiscal_year_start(fiscal_year) <= end;
  }
};

struct ExceptionSpec {
  std::string department, item, system;
  std::string reason, compensating_measure;
  Date start, end;
  bool emergency = false;  // taken already; to be reported to the CISO
};

class Exceptions {
 public:
  explicit Exceptions(Store& store) : store_(store) {}
  // Read-only: the queries work; a write throws StoreError.
  explicit Exceptions(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}
  // By a person of the 課 (security_manager, security_officer, system_administrator) or the
  // CISO. The item must be in some stored checklist. Returns the id.
  std::int64_t request(std::string_view by, const ExceptionSpec& spec);
  void approve(std::string_view by, std::int64_t id, std::string_view note = {});  // CISO only
  void reject(std::string_view by, std::int64_t id, std::string_view note = {});   // CISO only
  // An emergency exception reported to the CISO (taken -> reported).
  void report(std::string_view by, std::int64_t id, std::string_view note = {});

  ExceptionRecord get(std::int64_t id) const;
  std::vector<ExceptionRecord> list() const;  // by id
  std::vector<ExceptionRecord> in_force(std::optional<Date> today = {}) const;
  std::vector<ExceptionRecord> expiring(int within_days, std::optional<Date> today = {}) const;
  std::vector<ExceptionRecord> expired(std::optional<Date> today = {}) const;
  std::vector<ExceptionRecord> late(int report_days = kEmergencyReportDays, std::optional<Date> today = {}) const;

  // ScoreOptions::exceptions for a cycle: (課 code, item id) of the exceptions that count for it
  // (ExceptionRecord::counts_for) as the store stood at `point` (default: Store::cycle_point),
  // for the cycle's 課 and checklist items.
  std::set<std::pair<std::string, std::string>> for_scoring(std::int64_t cycle,
                                                            std::optional<TrailPoint> point = {}) const;

 private:
  Store& writable() const;  // store_, or StoreError when read-only
  Store& store_;
  bool read_only_ = false;
};

// ---- The register at a point of the trail ------------------------------------------------

// People, findings (drafts included, with their 横展開 counts) and exceptions as they stood just
// after trail record `point.seq`, read from the trail (each row's last record up to it): what a
// computation over a cycle at that point reads, so that nothing approved, raised or changed
// later moves it. A plain value. Errors: StoreError (a damaged record), ValidationError (a
// state that no longer parses: run verify).
struct FollowupAt {
  TrailPoint point;
  std::vector<Person> people;               // by name
  std::vector<Finding> findings;            // by id
  std::vector<ExceptionRecord> exceptions;  // by id
};
FollowupAt followup_at(const Store& store, const TrailPoint& point);

}  // namespace libaudit
