// Web submissions (submissions.h): saves through the store's import inside one transaction with
// the checks, submissions and reopenings as rows of questionnaire_submissions, their reader and
// the rules verify() replays them against.
#include "libaudit/exchange/submissions.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "exchange/collection_internal.h"
#include "followup/findings_internal.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/store/applicability.h"
#include "store/rule_state.h"

namespace libaudit::exchange {

namespace {

constexpr std::string_view kSubmit = "submit", kReopen = "reopen";
// The roles that answer for a 課 (may_answer_for) and the audit team's (audit_team).
constexpr std::string_view kAnswerRoles[] = {"security_manager", "security_officer", "system_administrator"};
constexpr std::string_view kAuditTeamRoles[] = {"chief_auditor", "chief_security_officer", "ciso"};
// Missing items listed by a refused submit; the rest are counted.
constexpr std::size_t kListedMissing = 20;

std::string submission_key(std::int64_t cycle, std::string_view department, int number) {
  std::string k = "[" + std::to_string(cycle) + ",";
  libaudit::detail::json_string(k, department);
  return k + "," + std::to_string(number) + "]";
}

std::string submission_state(const Submission& s) {
  return libaudit::detail::JsonObject()
      .num("cycle", s.cycle)
      .str("department", s.department)
      .num("number", s.number)
      .str("action", s.action)
      .str("by", s.by)
      .str("at", s.at)
      .str("reason", s.reason)
      .done();
}

constexpr const char* kSelectSubmissions =
    "SELECT cycle, department, number, action, by, at, reason FROM questionnaire_submissions";

Submission read_submission(const sql::Stmt& s) {
  return Submission{s.i64(0), s.str(1), int(s.i64(2)), s.str(3), s.str(4), s.str(5), s.str(6)};
}

std::vector<Submission> submissions_of(sql::Db& db, std::int64_t cycle, std::string_view department = {}) {
  static const std::string all = std::string(kSelectSubmissions) + " WHERE cycle = ? ORDER BY department, number";
  static const std::string one =
      std::string(kSelectSubmissions) + " WHERE cycle = ? AND department = ? ORDER BY number";
  sql::Stmt s = db.prepare(department.empty() ? all.c_str() : one.c_str());
  s.bind(1, cycle);
  if (!department.empty()) s.bind(2, department);
  std::vector<Submission> out;
  while (s.step()) out.push_back(read_submission(s));
  return out;
}

SubmissionState state_in(sql::Db& db, std::int64_t cycle, std::string_view department) {
  const std::vector<Submission> all = submissions_of(db, cycle, department);
  return !all.empty() && all.back().action == kSubmit ? SubmissionState::submitted : SubmissionState::open;
}

// The person acting, from the register; RoleError when they are not in it.
Person person_of(const Store& store, std::string_view actor) {
  try {
    return People(store).get(actor);
  } catch (const NotFoundError&) {
    throw RoleError(
        message("{name} is not in the people register: only people of the register answer "
                "questionnaires on the web (libaudit person import)",
                fmt::arg("name", actor)));
  }
}

// What a write for a 課 of a cycle checks first: the cycle is open, the 課 one of its targets.
struct Target {
  Cycle cycle;
  Department department;
};

Target target_of(Store::Transaction& txn, const Store& store, std::int64_t cycle, std::string_view department) {
  Target t{txn.load_cycle(cycle), store.department(libaudit::detail::normalise_key(department))};  // NotFoundError
  if (t.cycle.status != CycleStatus::open)
    throw CycleStateError(message("cycle {cycle} ({name}) is not open: it takes no answers, submissions or reopenings",
                                  fmt::arg("cycle", t.cycle.id), fmt::arg("name", t.cycle.name)));
  if (std::find(t.cycle.departments.begin(), t.cycle.departments.end(), t.department.code) == t.cycle.departments.end())
    throw ValidationError({Diagnostic{"<web>", 1, 1,
                                      message("department {department} is not a target of cycle {cycle} ({name})",
                                              fmt::arg("department", t.department.code), fmt::arg("cycle", t.cycle.id),
                                              fmt::arg("name", t.cycle.name))}});
  return t;
}

// The person answering for the 課 (may_answer_for), who finds it not submitted.
Person answerer(Store::Transaction& txn, const Store& store, std::string_view actor, const Target& t) {
  const Person p = person_of(store, actor);
  if (!may_answer_for(p, t.department))
    throw RoleError(
        message("{name} cannot answer for department {department}: its questionnaire is answered by its "
                "{security_manager}, its {security_officer} or a {system_administrator} of it",
                fmt::arg("name", p.name), fmt::arg("department", t.department.code),
                fmt::arg("security_manager", label_of(Vocabulary::role, "security_manager")),
                fmt::arg("security_officer", label_of(Vocabulary::role, "security_officer")),
                fmt::arg("system_administrator", label_of(Vocabulary::role, "system_administrator"))));
  if (state_in(txn.db, t.cycle.id, t.department.code) == SubmissionState::submitted)
    throw CycleStateError(
        message("department {department} has submitted its answers to cycle {cycle}: they can no "
                "longer be changed. Ask the audit team to reopen the submission",
                fmt::arg("department", t.department.code), fmt::arg("cycle", t.cycle.id)));
  return p;
}

// What only the audit team does here.
enum class TeamTask { reopen, send };

// A member of the audit team; RoleError for anyone else.
Person auditor(const Store& store, std::string_view actor, TeamTask task) {
  const Person p = person_of(store, actor);
  if (audit_team(p)) return p;
  // fmt::arg keeps a reference: the labels live here, not as temporaries.
  const std::string_view auditor_label = label_of(Vocabulary::role, "chief_auditor");
  const std::string_view cso_label = label_of(Vocabulary::role, "chief_security_officer");
  const std::string_view ciso_label = label_of(Vocabulary::role, "ciso");
  const auto name = fmt::arg("name", p.name);
  const auto chief_auditor = fmt::arg("chief_auditor", auditor_label);
  const auto cso = fmt::arg("chief_security_officer", cso_label);
  const auto ciso = fmt::arg("ciso", ciso_label);
  throw RoleError(task == TeamTask::reopen
                      ? message("{name} cannot reopen a department's submission: only the {chief_auditor}, the "
                                "{chief_security_officer} or the {ciso} can",
                                name, chief_auditor, cso, ciso)
                      : message("{name} cannot send the web questionnaire: only the {chief_auditor}, the "
                                "{chief_security_officer} or the {ciso} can",
                                name, chief_auditor, cso, ciso));
}

// The items asked of the 課 in the cycle (applicability.h, asked), in checklist order.
std::vector<std::string> asked_items(const Store& store, const Target& t) {
  const auto checklist = libaudit::detail::checklist_of(store, t.cycle.checklist);
  const DepartmentProfile profile = department_profiles(store, {t.department.code}).at(0);
  std::vector<std::string> out;
  for (const Item& item : checklist->items())
    if (asked(item, t.cycle, profile)) out.push_back(item.id);
  return out;
}

Submission insert(Store::Transaction& txn, const Person& p, const Target& t, std::string_view action,
                  std::string reason) {
  libaudit::detail::TrailWriter& trail = txn.trail(p.name, now_utc_iso());
  const std::vector<Submission> before = submissions_of(txn.db, t.cycle.id, t.department.code);
  Submission s{
      t.cycle.id, t.department.code, before.empty() ? 1 : before.back().number + 1, std::string(action), p.name,
      trail.at(), std::move(reason)};
  txn.db
      .prepare(
          "INSERT INTO questionnaire_submissions(cycle, department, number, action, by, at, reason) "
          "VALUES (?,?,?,?,?,?,?)")
      .bind_all(s.cycle, s.department, std::int64_t(s.number), s.action, s.by, s.at, s.reason)
      .run();
  trail.append("questionnaire_submission", submission_key(s.cycle, s.department, s.number), "insert",
               submission_state(s));
  return s;
}

}  // namespace

std::string_view to_string(SubmissionState s) noexcept {
  return s == SubmissionState::submitted ? "submitted" : "open";
}

bool may_answer_for(const Person& person, const Department& department) noexcept {
  return std::any_of(std::begin(kAnswerRoles), std::end(kAnswerRoles), [&](std::string_view role) {
    return libaudit::detail::acts_for(person, role, department.code, department.parent_code);
  });
}

bool audit_team(const Person& person) noexcept {
  return std::any_of(std::begin(kAuditTeamRoles), std::end(kAuditTeamRoles),
                     [&](std::string_view role) { return person.has(role); });
}

Store& Submissions::writable() const {
  if (read_only_) throw StoreError("this Submissions was made from a read-only Store");
  return store_;
}

ImportResult Submissions::save(std::string_view actor, std::int64_t cycle, std::string_view department,
                               std::span<const ResponseRowView> rows) {
  Store& store = writable();
  Store::Transaction txn(store);
  const Target t = target_of(txn, store, cycle, department);
  const Person p = answerer(txn, store, actor, t);
  const std::vector<std::string> asked = asked_items(store, t);
  const std::set<std::string, std::less<>> asked_set(asked.begin(), asked.end());
  std::vector<ResponseRowView> views(rows.begin(), rows.end());
  std::vector<Diagnostic> problems;
  for (ResponseRowView& r : views) {
    const std::string code = libaudit::detail::normalise_key(r.department);
    if (!code.empty() && code != t.department.code)
      problems.push_back({"<web>", r.line, 1,
                          message("row {row} is of department {other}, not of {department}", fmt::arg("row", r.line),
                                  fmt::arg("other", code), fmt::arg("department", t.department.code))});
    else if (!asked_set.contains(libaudit::detail::normalise_key(r.item)))
      problems.push_back(
          {"<web>", r.line, 1,
           message("item {item} is not asked of department {department} in cycle {cycle}", fmt::arg("item", r.item),
                   fmt::arg("department", t.department.code), fmt::arg("cycle", t.cycle.id))});
    r.department = t.department.code;
    r.answered_by = {};  // the person
    r.answered_at = {};  // now
  }
  if (!problems.empty()) throw ImportValidationError(std::move(problems));
  ImportOptions options;
  options.source = "<web>";
  options.trail_source = std::string(kWebSourcePrefix) + t.department.code + " by " + p.name;
  const ImportResult result = txn.import_responses(p.name, cycle, views, options);
  txn.commit();
  return result;
}

ImportResult Submissions::save(std::string_view actor, std::int64_t cycle, std::string_view department,
                               const std::vector<ResponseRow>& rows) {
  std::vector<ResponseRowView> views;
  views.reserve(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const ResponseRow& r = rows[k];
    views.push_back({r.department, r.item, r.answer, r.comment, r.evidence, r.answered_by, r.answered_at,
                     r.line ? r.line : int(k + 1)});
  }
  return save(actor, cycle, department, views);
}

Submission Submissions::submit(std::string_view actor, std::int64_t cycle, std::string_view department) {
  Store& store = writable();
  Store::Transaction txn(store);
  const Target t = target_of(txn, store, cycle, department);
  const Person p = answerer(txn, store, actor, t);
  std::set<std::string, std::less<>> answered;
  sql::Stmt s = txn.db.prepare("SELECT item_id FROM responses WHERE cycle = ? AND department = ?");
  s.bind(1, cycle).bind(2, txn.department_id(t.department.code));
  while (s.step()) answered.insert(s.str(0));
  std::vector<std::string> missing;
  for (const std::string& item : asked_items(store, t))
    if (!answered.contains(item)) missing.push_back(item);
  if (!missing.empty()) {
    std::vector<Diagnostic> d;
    d.push_back({"<submit>", 1, 1,
                 message_n("{n} item of department {department} is not answered yet: answer it before submitting",
                           "{n} items of department {department} are not answered yet: answer them before submitting",
                           missing.size(), fmt::arg("department", t.department.code))});
    for (std::size_t k = 0; k < missing.size() && k < kListedMissing; ++k)
      d.push_back({"<submit>", 1, 1, message("item {item} is not answered", fmt::arg("item", missing[k]))});
    if (missing.size() > kListedMissing)
      d.push_back(
          {"<submit>", 1, 1, message_n("and {n} more item", "and {n} more items", missing.size() - kListedMissing)});
    throw ValidationError(std::move(d));
  }
  Submission out = insert(txn, p, t, kSubmit, {});
  txn.commit();
  return out;
}

Submission Submissions::reopen(std::string_view actor, std::int64_t cycle, std::string_view department,
                               std::string_view reason) {
  Store& store = writable();
  const std::string why(text::trim(reason));
  if (why.empty() || text::find_invalid_utf8(why))
    throw ValidationError({Diagnostic{"<reopen>", 1, 1,
                                      tr("write the reason for reopening the submission (--reason): it is kept in "
                                         "the trail and shown to the department")}});
  Store::Transaction txn(store);
  const Target t = target_of(txn, store, cycle, department);
  const Person p = auditor(store, actor, TeamTask::reopen);
  if (state_in(txn.db, cycle, t.department.code) != SubmissionState::submitted)
    throw CycleStateError(
        message("department {department} has not submitted its answers to cycle {cycle}: there "
                "is nothing to reopen",
                fmt::arg("department", t.department.code), fmt::arg("cycle", cycle)));
  Submission out = insert(txn, p, t, kReopen, why);
  txn.commit();
  return out;
}

ExportRecord Submissions::send(std::string_view actor, std::int64_t cycle, std::string_view department,
                               std::string_view deadline) {
  Store& store = writable();
  Store::Transaction txn(store);
  const Target t = target_of(txn, store, cycle, department);
  const Person p = auditor(store, actor, TeamTask::send);
  ExportRecord e;
  e.cycle = cycle;
  e.department = t.department.code;
  e.file = std::string(kWebFormat);
  e.format = std::string(kWebFormat);
  e.deadline = std::string(text::trim(deadline));
  e = record_export(txn, p.name, std::move(e));
  txn.commit();
  return e;
}

SubmissionState Submissions::state(std::int64_t cycle, std::string_view department) const {
  const Store::Snapshot snap(store_);
  snap.load_cycle(cycle);  // NotFoundError
  return state_in(snap.db, cycle, libaudit::detail::normalise_key(department));
}

std::vector<Submission> Submissions::list(std::int64_t cycle) const {
  const Store::Snapshot snap(store_);
  snap.load_cycle(cycle);  // NotFoundError
  return submissions_of(snap.db, cycle);
}

// ---- verify: the reader and the rules -----------------------------------------------------------

void submission_rows(sql::Db& db, const schema::RowVisitor& row) {
  sql::Stmt s = db.prepare(kSelectSubmissions);
  while (s.step()) {
    const Submission x = read_submission(s);
    row("questionnaire_submissions", "questionnaire_submission", submission_key(x.cycle, x.department, x.number),
        submission_state(x));
  }
}

namespace {

using nlohmann::json;

// One submission record against the rules: written by its person, who answers for the 課
// (submit) or is on the audit team with a reason (reopen), each following the other in turn.
void check_submission(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                      std::vector<libaudit::Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json st = json::parse(r.state, nullptr, false);
  const std::string action = schema::text_field(st, "action"), code = schema::text_field(st, "department");
  const std::int64_t number = schema::int_field(st, "number");
  const std::optional<Person> p = libaudit::detail::person_at(ctx, g, i, g.actor);
  const json dept = schema::parse_state(ctx.at(g, i, "department", code));
  const Department d{code, "", schema::text_field(dept, "parent_code")};
  const json prev =
      number > 1 ? schema::parse_state(ctx.at(g, i, "questionnaire_submission",
                                              submission_key(schema::int_field(st, "cycle"), code, int(number - 1))))
                 : json(nullptr);
  const std::string prev_action = schema::text_field(prev, "action");
  if (schema::text_field(st, "by") != g.actor)
    schema::forged(problems, r.seq,
                   message("submission {key} names {by}, not {actor} who wrote it", fmt::arg("key", r.key),
                           fmt::arg("by", schema::text_field(st, "by")), fmt::arg("actor", g.actor)));
  if (action == kSubmit) {
    if (!p || !may_answer_for(*p, d))
      schema::forged(problems, r.seq,
                     message("submission {key} was made by {actor}, who does not answer for department {department}",
                             fmt::arg("key", r.key), fmt::arg("actor", g.actor), fmt::arg("department", code)));
    if (number > 1 && prev_action != kReopen)
      schema::forged(problems, r.seq, message("submission {key} follows no reopening", fmt::arg("key", r.key)));
  } else if (action == kReopen) {
    if (!p || !audit_team(*p))
      schema::forged(problems, r.seq,
                     message("submission {key} was reopened by {actor}, who is not on the audit team",
                             fmt::arg("key", r.key), fmt::arg("actor", g.actor)));
    if (prev_action != kSubmit || text::trim(schema::text_field(st, "reason")).empty())
      schema::forged(problems, r.seq,
                     message("reopening {key} follows no submission or gives no reason", fmt::arg("key", r.key)));
  } else {
    schema::forged(problems, r.seq,
                   message("submission {key} has an unknown action '{action}'", fmt::arg("key", r.key),
                           fmt::arg("action", action)));
  }
}

}  // namespace

void submission_rules(const schema::RuleContext& context, const schema::TrailGroup& group,
                      std::vector<libaudit::Problem>& problems) {
  for (std::size_t i = 0; i < group.records.size(); ++i) {
    const schema::TrailEntry& r = group.records[i];
    if (r.entity != "questionnaire_submission") continue;
    if (r.action == "insert")
      check_submission(context, group, i, problems);
    else
      schema::forged(problems, r.seq,
                     message("a record changing or deleting submission {key} (libaudit never changes one)",
                             fmt::arg("key", r.key)));
  }
}

}  // namespace libaudit::exchange
