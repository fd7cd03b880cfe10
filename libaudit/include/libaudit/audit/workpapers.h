// Working papers (監査調書, docs/audit.md): per audited 課 and checklist item of an audit cycle,
// how it was examined (書類確認, ヒアリング, 現地確認, システム確認), what was seen, the judgement
// (適合, 不適合, 観察, 該当なし), who examined it and when; the chief auditor's review; and the
// findings raised from an entry, each linked to it (the link is written in the same transaction
// as the finding, through the follow-up stage). Evidence files attach to an entry as the target
// "working_paper" with its id as key (the store's evidence API; the kind registered here).
//
// Who writes (docs/audit.md, "Working papers"): an auditor or chief_auditor independent of the 課
// (兼務の禁止, independent_of); when the cycle's 年度 has an approved audit plan that selects the
// 課, only the auditor it assigns there, or a chief_auditor. Only the entry's own auditor (or a
// chief_auditor) judges it; a chief_auditor reviews it, after which it no longer changes.
//
// WorkingPapers is a light facade over a Store (borrowed; it must outlive it), with the Store's
// thread-safety (none). Built from a const Store it is read-only. Every write is one transaction
// with its trail records (audit_workpaper, audit_workpaper_finding; finding for a raised one).
// Errors: ValidationError, NotFoundError, RoleError, TransitionError (a reviewed entry changed,
// a finding raised from an entry judged 適合 or 該当なし), CycleStateError (a self-inspection or
// closed cycle). A failed write changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/followup/findings.h"

namespace libaudit {

enum class AuditMethod { document_review, interview, onsite_inspection, system_check };  // Vocabulary::audit_method
enum class Judgement { conforming, nonconforming, observation, not_applicable };         // Vocabulary::audit_judgement
std::string_view to_string(AuditMethod m) noexcept;
std::string_view to_string(Judgement j) noexcept;
AuditMethod parse_audit_method(std::string_view s);  // id or label; ValidationError
Judgement parse_judgement(std::string_view s);       // id or label; ValidationError

struct WorkingPaper {
  std::int64_t id = 0;
  std::int64_t cycle = 0;  // the audit cycle
  std::string department;  // 課 code
  std::string item;        // checklist item id
  AuditMethod method = AuditMethod::document_review;
  std::string observed;                // what was seen
  std::optional<Judgement> judgement;  // nullopt: not judged yet
  std::string auditor;                 // who examined (and wrote) it
  Date examined_on;
  std::string recorded_at, updated_at;
  std::string reviewed_by, reviewed_at, review_note;  // the chief auditor's review
  std::vector<std::int64_t> findings;                 // raised from it, by id
};

struct WorkingPaperSpec {
  std::int64_t cycle = 0;
  std::string department, item;
  AuditMethod method = AuditMethod::document_review;
  std::string observed;
  std::optional<Judgement> judgement;
  std::optional<Date> examined_on;  // default: today in Japan
};

// A finding raised from an entry: its severity, condition (default: what was seen),
// recommendation and due date; the cycle, 課 and item are the entry's.
struct RaiseFromPaper {
  Severity severity = Severity::minor_nonconformity;
  std::string condition, recommendation;
  Date due;
};

class WorkingPapers {
 public:
  explicit WorkingPapers(Store& store) : store_(store) {}
  explicit WorkingPapers(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}

  std::int64_t add(std::string_view by, const WorkingPaperSpec& spec);
  // Sets the judgement (and, when not empty, replaces what was seen).
  void judge(std::string_view by, std::int64_t paper, Judgement judgement, std::string_view observed = {});
  // The chief auditor's review (not of the 課); the entry must be judged.
  void review(std::string_view by, std::int64_t paper, std::string_view note = {});
  // Raises a finding (Findings::raise's checks) from an entry judged 不適合 or 観察 and links it,
  // in one transaction. Returns the finding's id.
  std::int64_t raise_finding(std::string_view by, std::int64_t paper, const RaiseFromPaper& spec);

  WorkingPaper get(std::int64_t paper) const;  // NotFoundError
  // Of a cycle (and a 課, when given), by 課, item, id.
  std::vector<WorkingPaper> list(std::int64_t cycle, std::optional<std::string> department = {}) const;
  // The entries a finding was raised from.
  std::vector<WorkingPaper> for_finding(std::int64_t finding) const;

 private:
  Store& writable() const;
  Store& store_;
  bool read_only_ = false;
};

// An entry as JSON (the CLI's --json, the Python layer, the reports): every field, labels too.
std::string working_paper_json(const WorkingPaper& paper);

}  // namespace libaudit
