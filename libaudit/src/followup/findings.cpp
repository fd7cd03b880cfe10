// People and findings (指摘事項): the register, the state machine, overdue, 横展開 and bulk
// promotion (findings.h, docs/findings.md). Exceptions are in exceptions.cpp; the trail states
// and verify's view of these tables are here.
#include "libaudit/followup/findings.h"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "followup/findings_internal.h"
#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/store/applicability.h"
#include "store/evidence_targets.h"

namespace libaudit {

using namespace detail;

// ---- The state machine: THE table ---------------------------------------------------------
// Read it against issue 6: open -> plan_submitted -> in_remediation -> remediation_reported ->
// verified; open/plan_submitted -> risk_accepted (CISO); the verifier may send
// remediation_reported back to in_remediation. draft -> open/discarded confirms or discards a
// finding promoted from a self-inspection. Role conditions (checked in move()):
//   auditor, chief_auditor: not of the finding's 課 (兼務の禁止);
//   security_manager: of the finding's 課; security_officer: of the 課 or its 部;
//   verifier (remediation_reported -> verified / in_remediation): not the remediator.

namespace {
using S = FindingState;
constexpr std::string_view kAuditors[] = {"auditor", "chief_auditor"};
constexpr std::string_view kOwners[] = {"security_manager", "security_officer"};
constexpr std::string_view kOwnersOrChief[] = {"security_manager", "security_officer", "chief_auditor"};
constexpr std::string_view kCiso[] = {"ciso"};

// Marks a note of the table for the catalogue (xgettext knows gettext_noop); the binding shows
// it through tr().
constexpr std::string_view gettext_noop(std::string_view s) noexcept { return s; }

constexpr TransitionRule kTransitions[] = {
    // from                     to                        roles allowed      condition
    {S::draft, S::open, kAuditors, gettext_noop("confirms a promoted draft")},
    {S::draft, S::discarded, kAuditors, gettext_noop("discards a promoted draft")},
    {S::open, S::plan_submitted, kOwners, gettext_noop("the department submits its remediation plan")},
    {S::plan_submitted, S::in_remediation, kOwnersOrChief, gettext_noop("the plan is accepted; work starts")},
    {S::in_remediation, S::remediation_reported, kOwners, gettext_noop("the reporter becomes the remediator")},
    {S::remediation_reported, S::verified, kAuditors, gettext_noop("the verifier is not the remediator")},
    {S::remediation_reported, S::in_remediation, kAuditors,
     gettext_noop("sent back by a verifier, not the remediator")},
    {S::open, S::risk_accepted, kCiso, gettext_noop("risk accepted by the CISO")},
    {S::plan_submitted, S::risk_accepted, kCiso, gettext_noop("risk accepted by the CISO")},
};
}  // namespace

std::span<const TransitionRule> transition_rules() noexcept { return kTransitions; }

// ---- Vocabulary ---------------------------------------------------------------------------

std::string_view to_string(Severity s) noexcept { return enum_id(Vocabulary::severity, s, "observation"); }

std::string_view severity_label(Severity s) noexcept { return label_of(Vocabulary::severity, to_string(s)); }

// Severities and states are read by id or Japanese label, after normalise_key (NFKC, trim);
// the labels of both vocabularies are NFKC-normal already.
Severity parse_severity(std::string_view s) {
  if (const auto v = enum_of<Severity>(Vocabulary::severity, normalise_key(s))) return *v;
  throw ValidationError(
      {Diagnostic{"<severity>", 1, 1,
                  message("unknown severity '{severity}' (major_nonconformity, minor_nonconformity, observation, "
                          "recommendation)",
                          fmt::arg("severity", s))}});
}

std::string_view to_string(FindingState s) noexcept { return enum_id(Vocabulary::finding_state, s, "open"); }

std::string_view state_label(FindingState s) noexcept { return label_of(Vocabulary::finding_state, to_string(s)); }

FindingState parse_finding_state(std::string_view s) {
  if (const auto v = enum_of<FindingState>(Vocabulary::finding_state, normalise_key(s))) return *v;
  std::string all;
  for (const Term& t : terms(Vocabulary::finding_state)) all += (all.empty() ? "" : ", ") + std::string(t.id);
  throw ValidationError({Diagnostic{
      "<state>", 1, 1,
      message("unknown finding state '{state}' ({states})", fmt::arg("state", s), fmt::arg("states", all))}});
}

bool is_closed(FindingState s) noexcept { return s == S::verified || s == S::risk_accepted || s == S::discarded; }

std::string_view to_string(CheckAnswer a) noexcept {
  return a == CheckAnswer::checked_no_issue ? "checked_no_issue" : "same_issue_found";
}

std::string_view check_answer_label(CheckAnswer a) noexcept { return label_of(Vocabulary::check_answer, to_string(a)); }

CheckAnswer parse_check_answer(std::string_view s) {
  const std::string n = normalise_key(s);
  for (CheckAnswer v : {CheckAnswer::checked_no_issue, CheckAnswer::same_issue_found})
    if (n == to_string(v) || n == check_answer_label(v)) return v;
  throw ValidationError({Diagnostic{
      "<answer>", 1, 1,
      message("unknown check answer '{answer}' (checked_no_issue, same_issue_found)", fmt::arg("answer", s))}});
}

bool Person::has(std::string_view role) const noexcept {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool independent_of(const Person& auditor, std::string_view department) noexcept {
  return auditor.department != department;
}

// ---- Trail states -------------------------------------------------------------------------

namespace detail {

void json_strings(std::string& s, const std::vector<std::string>& v) {
  s += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    json_string(s, v[i]);
  }
  s += ']';
}

std::vector<std::string> split_words(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t j = s.find_first_of(seps, i);
    const std::string_view w = text::trim(s.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (!w.empty()) out.emplace_back(w);
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

std::string join_words(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& w : v) out += (out.empty() ? "" : " ") + w;
  return out;
}

namespace {

// Reports every row of T's table as row(table, entity, key, state), in `suffix` order. A row the
// reader cannot even parse (e.g. a state changed to nonsense) is reported with an "unreadable"
// state naming the error, so verify still names it.
template <class T>
void replay_rows(sql::Db& db, const char* suffix, const char* table, const char* entity,
                 const schema::RowVisitor& row) {
  sql::Stmt s = db.prepare(select_sql<T>(suffix));
  while (s.step()) {
    std::string state;
    try {
      state = state_of(read_row<T>(s));
    } catch (const Error& e) {
      state = std::string("{\"unreadable\":\"") + e.what() + "\"}";
    }
    row(table, entity, s.str(0), state);
  }
}

}  // namespace

void followup_rows(sql::Db& db, const schema::RowVisitor& row) {
  replay_rows<Person>(db, "", "people", "person", row);
  replay_rows<Finding>(db, " ORDER BY id", "findings", "finding", row);
  replay_rows<Transition>(db, " ORDER BY id", "finding_transitions", "finding_transition", row);
  replay_rows<CheckRequest>(db, " ORDER BY id", "check_requests", "check_request", row);
  replay_rows<ExceptionRecord>(db, " ORDER BY id", "exceptions", "exception", row);
}

namespace {
const bool kFollowupSchemaRegistered = register_followup_schema();  // schema.cpp

// The evidence targets this stage owns (store/evidence_targets.h): a finding or an exception by
// its number, which must exist.
std::string numbered_target(sql::Db& db, std::string_view key, bool finding) {
  const std::string k(text::trim(key));
  if (k.empty() || k.size() > 12 || k.find_first_not_of("0123456789") != std::string::npos)
    throw ValidationError(
        {Diagnostic{"", 0, 0,
                    finding ? message("a finding is named by its number, not '{key}'", fmt::arg("key", key))
                            : message("an exception is named by its number, not '{key}'", fmt::arg("key", key))}});
  sql::Stmt s = db.prepare(finding ? "SELECT 1 FROM findings WHERE id = ?" : "SELECT 1 FROM exceptions WHERE id = ?");
  s.bind(1, std::int64_t(std::stoll(k)));
  if (!s.step())
    throw NotFoundError(finding ? message("no finding {id} in this store", fmt::arg("id", k))
                                : message("no exception {id} in this store", fmt::arg("id", k)));
  return std::to_string(std::stoll(k));
}
std::string finding_target(sql::Db& db, std::string_view key) { return numbered_target(db, key, true); }
std::string exception_target(sql::Db& db, std::string_view key) { return numbered_target(db, key, false); }
const bool kFindingTargetRegistered = detail::evidence::register_target("finding", &finding_target);
const bool kExceptionTargetRegistered = detail::evidence::register_target("exception", &exception_target);
}  // namespace

// ---- Shared checks ------------------------------------------------------------------------

Person load_person(sql::Db& db, std::string_view name) {
  require_actor(name);
  sql::Stmt s = db.prepare(select_sql<Person>(" WHERE name = ?"));
  const std::string n(text::trim(name));
  s.bind(1, n);
  if (!s.step())
    throw NotFoundError(
        message("no person named '{name}' in the register (add them with `libaudit person add` or import)",
                fmt::arg("name", n)));
  return read_person(s);
}

std::string parent_of(sql::Db& db, std::string_view code) {
  sql::Stmt s = db.prepare(
      "SELECT coalesce(p.code, '') FROM departments d LEFT JOIN departments p ON p.id = d.parent_id WHERE d.code = ?");
  s.bind(1, code);
  return s.step() ? s.str(0) : std::string();
}

std::string require_leaf(sql::Db& db, std::string_view raw) {
  const std::string code = normalise_key(raw);
  sql::Stmt s = db.prepare(
      "SELECT EXISTS (SELECT 1 FROM departments c WHERE c.parent_id = d.id) FROM departments d WHERE d.code = ?");
  s.bind(1, code);
  if (!s.step()) throw NotFoundError(message("no department with code '{code}'", fmt::arg("code", code)));
  if (s.i64(0))
    throw ValidationError({Diagnostic{
        "<department>", 1, 1,
        message("department '{code}' is not a section (it has sections under it)", fmt::arg("code", code))}});
  return code;
}

bool acts_for(const Person& p, std::string_view role, std::string_view dept, std::string_view parent) {
  if (!p.has(role)) return false;
  if (role == "security_officer") return p.department == dept || (!parent.empty() && p.department == parent);
  return p.department == dept;
}

bool acts_for_department(sql::Db& db, const Person& p, std::string_view role, std::string_view dept) {
  if (!p.has(role)) return false;
  return acts_for(p, role, dept, role == "security_officer" ? parent_of(db, dept) : std::string());
}

bool manages_department(sql::Db& db, const Person& p, std::string_view dept) {
  for (std::string_view role : {"security_manager", "security_officer", "system_administrator"})
    if (acts_for_department(db, p, role, dept)) return true;
  return false;
}

MoverVerdict judge_mover(const Person& p, const Finding& f, const TransitionRule& rule, std::string_view parent) {
  MoverVerdict v;
  v.why = MoverVerdict::no_role;
  for (std::string_view role : rule.roles) {
    if (!p.has(role)) continue;
    if (role == "auditor" || role == "chief_auditor") {
      if (!independent_of(p, f.department)) {
        v = {MoverVerdict::own_department, role};
        continue;
      }
      if (f.state == S::remediation_reported && p.name == f.remediated_by) {
        v = {MoverVerdict::remediator, role};
        continue;
      }
    } else if (role == "security_manager" || role == "security_officer") {
      if (!acts_for(p, role, f.department, parent)) {
        v = {MoverVerdict::other_department, role};
        continue;
      }
    }
    return {MoverVerdict::ok, role};  // ciso: no condition
  }
  return v;
}

std::string roles_text(const Person& p) {
  return p.roles.empty() ? tr("no roles") : message("roles {roles}", fmt::arg("roles", join_words(p.roles)));
}

std::string own_department_rule() { return tr("no dual role: an auditor may not audit their own department"); }

std::string unknown_role(std::string_view role) {
  std::string ids;
  for (const Term& t : terms(Vocabulary::role)) ids += (ids.empty() ? "" : ", ") + std::string(t.id);
  return message("unknown role '{role}': one of {roles} (`libaudit vocabulary role` lists them with their names)",
                 fmt::arg("role", role), fmt::arg("roles", ids));
}

std::shared_ptr<const Checklist> checklist_of(const Store& store, std::int64_t checklist_id) {
  return cached_checklist(Store::Snapshot(store).db, checklist_id);
}

}  // namespace detail

// ---- People -------------------------------------------------------------------------------

namespace {

// Validates and normalises rows; throws ImportValidationError listing every bad one.
std::vector<Person> clean_people(sql::Db& db, const std::vector<PersonRow>& rows, const std::string& src) {
  std::vector<Diagnostic> diags;
  std::vector<Person> out;
  std::unordered_map<std::string, int> seen;
  for (const PersonRow& r : rows) {
    Person p;
    p.name = std::string(text::trim(r.name));
    p.department = normalise_key(r.department);
    const std::size_t before = diags.size();
    if (p.name.empty() || text::find_invalid_utf8(p.name)) diags.push_back({src, r.line, 1, tr("name is empty")});
    if (text::find_invalid_utf8(r.roles))
      diags.push_back({src, r.line, 1, tr("roles are not UTF-8")});
    else
      for (std::string& role : split_words(normalise_key(r.roles), ";, \t")) {
        if (!find_role(role)) {
          diags.push_back({src, r.line, 1, unknown_role(role)});
          continue;
        }
        p.roles.push_back(role);
      }
    std::sort(p.roles.begin(), p.roles.end());
    p.roles.erase(std::unique(p.roles.begin(), p.roles.end()), p.roles.end());
    if (p.department.empty())
      diags.push_back({src, r.line, 1, tr("department is empty")});
    else {
      sql::Stmt s = db.prepare("SELECT 1 FROM departments WHERE code = ?");
      s.bind(1, p.department);
      if (!s.step())
        diags.push_back(
            {src, r.line, 1, message("department '{code}' is not in the store", fmt::arg("code", p.department))});
    }
    if (!p.name.empty()) {
      if (auto [it, fresh] = seen.emplace(p.name, r.line); !fresh)
        diags.push_back({src, r.line, 1,
                         message("{name} is listed twice (also on line {line})", fmt::arg("name", p.name),
                                 fmt::arg("line", it->second))});
    }
    if (diags.size() == before) out.push_back(std::move(p));
  }
  if (!diags.empty()) throw ImportValidationError(std::move(diags));
  return out;
}

}  // namespace

Store& People::writable() const {
  if (read_only_) throw StoreError(tr("this People register was built from a const Store: read-only"));
  return store_;
}

Store& Findings::writable() const {
  if (read_only_) throw StoreError(tr("these Findings were built from a const Store: read-only"));
  return store_;
}

void People::put(std::string_view actor, const Person& p) {
  PersonRow r{p.name, p.department, join_words(p.roles), 1};
  import_rows(actor, {r}, "<person>");
}

ImportResult People::import_rows(std::string_view actor, const std::vector<PersonRow>& rows,
                                 const std::string& source) {
  require_actor(actor);
  Store::Transaction im(writable());
  const std::vector<Person> people = clean_people(im.db, rows, source);
  ImportResult result;
  result.rows = rows.size();
  TrailWriter* trail = nullptr;
  for (const Person& p : people) {
    bool had = false;
    Person old;
    {
      sql::Stmt s = im.db.prepare(select_sql<Person>(" WHERE name = ?"));
      s.bind(1, p.name);
      if (s.step()) {
        had = true;
        old = read_person(s);
      }
    }
    if (had && old.department == p.department && old.roles == p.roles) {
      ++result.unchanged;
      continue;
    }
    const std::string roles = join_words(p.roles);
    im.db
        .prepare(
            "INSERT INTO people(name, department, roles) VALUES (?,?,?) ON CONFLICT(name) DO UPDATE SET "
            "department = excluded.department, roles = excluded.roles")
        .bind_all(p.name, p.department, roles)
        .run();
    if (!trail) trail = &im.trail(actor, now_utc_iso());
    trail->append("person", p.name, had ? "update" : "insert", person_state(p));
    ++(had ? result.updated : result.inserted);
  }
  im.commit();
  return result;
}

ImportResult People::import_csv(std::string_view actor, const std::filesystem::path& file, csv::Encoding encoding) {
  const csv::Table t = csv::read(file, encoding);
  auto col = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (int c = csv::column(t.header, n); c >= 0) return c;
    return -1;
  };
  const int cn = col({"name", "氏名", "名前"}), cd = col({"department", "所属", "課"}), cr = col({"roles", "役割"});
  if (cn < 0 || cd < 0 || cr < 0)
    throw ImportValidationError(
        {Diagnostic{t.source, 1, 1, tr("the header must name the columns name,department,roles")}});
  std::vector<PersonRow> rows;
  for (const csv::Record& r : t.records) rows.push_back({r.fields[cn], r.fields[cd], r.fields[cr], r.line});
  return import_rows(actor, rows, t.source);
}

std::vector<Person> People::list() const {
  const Store::Snapshot im(store_);
  return load_rows<Person>(im.db, " ORDER BY name");
}

Person People::get(std::string_view name) const { return load_person(Store::Snapshot(store_).db, name); }

// ---- Findings -----------------------------------------------------------------------------

namespace {

Finding load_finding(sql::Db& db, std::int64_t id) {
  return load_by_id<Finding>(db, id, message("no finding with id {id}", fmt::arg("id", id)));
}

void count_checks(sql::Db& db, Finding& f) {
  sql::Stmt s = db.prepare("SELECT count(*), coalesce(sum(answer = ''), 0) FROM check_requests WHERE finding = ?");
  s.bind(1, f.id);
  if (s.step()) {
    f.checks_total = std::size_t(s.i64(0));
    f.checks_open = std::size_t(s.i64(1));
  }
}

std::string criterion_of(const Checklist& c, const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& id : items)
    if (const Item* it = c.find_item(id)) out += (out.empty() ? "" : "\n") + it->clause + " " + it->text;
  return out;
}

std::int64_t insert_finding(Store::Transaction& im, TrailWriter& trail, Finding& f) {
  f.updated_at = f.raised_at;
  f.id = insert_row(im.db, f);
  trail.append("finding", std::to_string(f.id), "insert", finding_state(f));
  return f.id;
}

void require_auditor_not_of(const Person& p, std::string_view dept) {
  if (!p.has("auditor") && !p.has("chief_auditor"))
    throw RoleError(message("{name} ({roles}) cannot raise a finding: it needs an auditor or chief_auditor",
                            fmt::arg("name", p.name), fmt::arg("roles", roles_text(p))));
  if (!independent_of(p, dept))
    throw RoleError(message("{name} belongs to department {department} and cannot raise a finding against it: {rule}",
                            fmt::arg("name", p.name), fmt::arg("department", p.department),
                            fmt::arg("rule", own_department_rule())));
}

Cycle audit_cycle(Store::Transaction& im, std::int64_t id) {
  const Cycle c = im.load_cycle(id);
  if (c.kind == CycleKind::self_inspection)
    throw CycleStateError(
        message("cycle {cycle} ({name}) is a self-inspection; findings are raised in an internal_audit or "
                "external_audit cycle",
                fmt::arg("cycle", id), fmt::arg("name", c.name)));
  if (c.status == CycleStatus::closed)
    throw CycleStateError(message("cycle {cycle} ({name}) is closed; it takes no new findings", fmt::arg("cycle", id),
                                  fmt::arg("name", c.name)));
  return c;
}

}  // namespace

std::int64_t Findings::raise(std::string_view by, const FindingSpec& spec) {
  Store::Transaction im(writable());
  const std::int64_t id = raise_finding(im, store_, by, spec);
  im.commit();
  return id;
}

std::int64_t detail::raise_finding(Store::Transaction& im, const Store& store, std::string_view by,
                                   const FindingSpec& spec) {
  const Person p = load_person(im.db, by);
  const Cycle c = audit_cycle(im, spec.cycle);
  const std::string dept = require_leaf(im.db, spec.department);
  if (!std::binary_search(c.departments.begin(), c.departments.end(), dept))
    throw ValidationError(
        {Diagnostic{"<finding>", 1, 1,
                    message("department {department} is not a target of cycle {cycle} ({name})",
                            fmt::arg("department", dept), fmt::arg("cycle", c.id), fmt::arg("name", c.name))}});
  require_auditor_not_of(p, dept);
  std::vector<Diagnostic> diags;
  std::vector<std::string> items;
  const auto checklist = checklist_of(store, c.checklist);
  for (const std::string& raw : spec.items) {
    const std::string id = normalise_key(raw);
    if (!checklist->find_item(id))
      diags.push_back(
          {"<finding>", 1, 1, message("item '{item}' is not in the cycle's checklist", fmt::arg("item", id))});
    else if (std::find(items.begin(), items.end(), id) == items.end())
      items.push_back(id);
  }
  if (spec.items.empty()) diags.push_back({"<finding>", 1, 1, tr("a finding names at least one checklist item")});
  const std::string condition(text::trim(spec.condition));
  if (condition.empty()) diags.push_back({"<finding>", 1, 1, tr("the condition (what was found) is empty")});
  for (const std::string* f : {&spec.condition, &spec.evidence, &spec.recommendation})
    if (text::find_invalid_utf8(*f)) diags.push_back({"<finding>", 1, 1, tr("a text field is not valid UTF-8")});
  if (!diags.empty()) throw ValidationError(std::move(diags));
  Finding f;
  f.cycle = c.id;
  f.department = dept;
  f.items = items;
  f.severity = spec.severity;
  f.state = S::open;
  f.condition = condition;
  f.criterion = criterion_of(*checklist, items);
  f.evidence = std::string(text::trim(spec.evidence));
  f.recommendation = std::string(text::trim(spec.recommendation));
  f.due = spec.due;
  f.raised_by = p.name;
  f.raised_at = now_utc_iso();
  TrailWriter& trail = im.trail(p.name, f.raised_at);
  return insert_finding(im, trail, f);
}

namespace {

// The rule moving `f` to `to`; TransitionError naming the moves there are.
const TransitionRule& rule_for(const Finding& f, FindingState to) {
  const TransitionRule* rule = nullptr;
  std::string possible;
  for (const TransitionRule& r : kTransitions) {
    if (r.from != f.state) continue;
    possible += (possible.empty() ? "" : ", ") + std::string(to_string(r.to));
    if (r.to == to) rule = &r;
  }
  if (!rule)
    throw TransitionError(
        possible.empty()
            ? message("finding {finding} is {state} ({label}); it cannot become {to} (it is closed)",
                      fmt::arg("finding", f.id), fmt::arg("state", to_string(f.state)),
                      fmt::arg("label", state_label(f.state)), fmt::arg("to", to_string(to)))
            : message("finding {finding} is {state} ({label}); it cannot become {to} (from {state}: {possible})",
                      fmt::arg("finding", f.id), fmt::arg("state", to_string(f.state)),
                      fmt::arg("label", state_label(f.state)), fmt::arg("to", to_string(to)),
                      fmt::arg("possible", possible)));
  return *rule;
}

// `p` may make the move `rule` of `f` (judge_mover); RoleError.
void require_mover(sql::Db& db, const Person& p, const Finding& f, const TransitionRule& rule) {
  const MoverVerdict v = judge_mover(p, f, rule, parent_of(db, f.department));
  if (v.why == MoverVerdict::ok) return;
  std::string why;
  switch (v.why) {
    case MoverVerdict::own_department:
      why = message("{name} belongs to department {department} ({rule})", fmt::arg("name", p.name),
                    fmt::arg("department", f.department), fmt::arg("rule", own_department_rule()));
      break;
    case MoverVerdict::remediator:
      why = message("{name} reported the remediation and cannot also verify it (the verifier is not the remediator)",
                    fmt::arg("name", p.name));
      break;
    case MoverVerdict::other_department:
      why = message("{name} is a {role} of {own}, not of department {department}", fmt::arg("name", p.name),
                    fmt::arg("role", v.role), fmt::arg("own", p.department), fmt::arg("department", f.department));
      break;
    default: {
      std::string need;
      for (std::string_view r : rule.roles) need += (need.empty() ? "" : ", ") + std::string(r);
      why = message("it needs one of the roles {roles}", fmt::arg("roles", need));
    }
  }
  throw RoleError(message("{name} ({roles}) may not move finding {finding} from {from} to {to}: {why}",
                          fmt::arg("name", p.name), fmt::arg("roles", roles_text(p)), fmt::arg("finding", f.id),
                          fmt::arg("from", to_string(f.state)), fmt::arg("to", to_string(rule.to)),
                          fmt::arg("why", why)));
}

}  // namespace

namespace {

// Writes the move of `f` to `to` by `p` (checked already): the finding, its transition row and
// their two trail records. `f` is left as it now stands.
Transition apply_move(Store::Transaction& im, TrailWriter& trail, const Person& p, Finding& f, FindingState to,
                      std::string_view note, const std::string& at) {
  const FindingState from = f.state;
  f.state = to;
  if (from == S::in_remediation && to == S::remediation_reported) f.remediated_by = p.name;
  f.updated_at = at;
  im.db.prepare("UPDATE findings SET state = ?, remediated_by = ?, updated_at = ? WHERE id = ?")
      .bind_all(to_string(to), f.remediated_by, at, f.id)
      .run();
  Transition t{0, f.id, from, to, p.name, at, std::string(text::trim(note))};
  im.db.prepare("INSERT INTO finding_transitions(finding, from_state, to_state, by, at, note) VALUES (?,?,?,?,?,?)")
      .bind_all(f.id, to_string(from), to_string(to), t.by, at, t.note)
      .run();
  t.id = sqlite3_last_insert_rowid(im.db.handle());
  trail.append("finding", std::to_string(f.id), "update", finding_state(f));
  trail.append("finding_transition", std::to_string(t.id), "insert", transition_state(t));
  return t;
}

// One refusal of a bulk move, located at the move's line of `source` (unlocated for line 0).
Diagnostic refusal_of(const FindingMove& m, const std::string& source, std::string why) {
  return m.line > 0 ? Diagnostic{source, m.line, 1, std::move(why)} : Diagnostic{"", 1, 1, std::move(why)};
}

// THE bulk move inside `im` (move_many, move_where): every move checked first, every refusal
// kept; then, when none is refused and not `dry_run`, every move written and committed.
std::vector<Transition> move_all(Store::Transaction& im, const Person& p, const std::vector<FindingMove>& moves,
                                 bool dry_run, const std::string& source) {
  std::vector<Diagnostic> refused;
  std::vector<Finding> found;
  std::map<std::int64_t, int> seen;  // finding -> the line of its first move
  for (const FindingMove& m : moves) {
    if (const auto [first, fresh] = seen.emplace(m.finding, m.line); !fresh) {
      refused.push_back(refusal_of(
          m, source,
          first->second > 0 ? message("finding {id} is named twice (first on line {line}); a finding moves once",
                                      fmt::arg("id", m.finding), fmt::arg("line", first->second))
                            : message("finding {id} is named twice; a finding moves once", fmt::arg("id", m.finding))));
      continue;
    }
    try {
      Finding f = load_finding(im.db, m.finding);
      require_mover(im.db, p, f, rule_for(f, m.to));
      found.push_back(std::move(f));
    } catch (const NotFoundError& e) {
      refused.push_back(refusal_of(m, source, e.what()));
    } catch (const TransitionError& e) {
      refused.push_back(refusal_of(m, source, e.what()));
    } catch (const RoleError& e) {
      refused.push_back(refusal_of(m, source, e.what()));
    }
  }
  if (!refused.empty()) throw ValidationError(std::move(refused));
  std::vector<Transition> out;
  const std::string at = dry_run ? std::string() : now_utc_iso();
  TrailWriter* trail = nullptr;
  for (std::size_t k = 0; k < moves.size(); ++k) {
    Finding& f = found[k];
    const FindingMove& m = moves[k];
    if (dry_run) {
      out.push_back({0, f.id, f.state, m.to, p.name, "", std::string(text::trim(m.note))});
      continue;
    }
    if (!trail) trail = &im.trail(p.name, at);
    out.push_back(apply_move(im, *trail, p, f, m.to, m.note, at));
  }
  if (!dry_run) im.commit();
  return out;
}

// The findings `filter` selects, by id, with their 横展開 counts (list(), move_where()).
std::vector<Finding> select_findings(sql::Db& db, const FindingFilter& filter, const Date& d) {
  std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> checks;
  {
    sql::Stmt s = db.prepare("SELECT finding, count(*), sum(answer = '') FROM check_requests GROUP BY finding");
    while (s.step()) checks[s.i64(0)] = {std::size_t(s.i64(1)), std::size_t(s.i64(2))};
  }
  const std::string dept = filter.department ? normalise_key(*filter.department) : std::string();
  sql::Stmt s = db.prepare(select_sql<Finding>(" ORDER BY id"));
  std::vector<Finding> out;
  while (s.step()) {
    if (filter.cycle && s.i64(1) != *filter.cycle) continue;
    if (filter.department && s.text(2) != dept) continue;
    Finding f = read_finding(s);
    if (filter.state && f.state != *filter.state) continue;
    if (filter.severity && f.severity != *filter.severity) continue;
    if (!filter.include_drafts && (f.state == S::draft || f.state == S::discarded)) continue;
    if (filter.overdue_only && !f.overdue(d)) continue;
    if (auto it = checks.find(f.id); it != checks.end()) std::tie(f.checks_total, f.checks_open) = it->second;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

void Findings::move(std::string_view by, std::int64_t id, FindingState to, std::string_view note) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  Finding f = load_finding(im.db, id);
  const TransitionRule& rule = rule_for(f, to);
  require_mover(im.db, p, f, rule);
  const std::string at = now_utc_iso();
  apply_move(im, im.trail(p.name, at), p, f, to, note, at);
  im.commit();
}

std::vector<Transition> Findings::move_many(std::string_view by, const std::vector<FindingMove>& moves, bool dry_run,
                                            const std::string& source) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  return move_all(im, p, moves, dry_run, source);
}

std::vector<Transition> Findings::move_where(std::string_view by, const FindingFilter& filter, FindingState to,
                                             std::string_view note, bool dry_run) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  if (filter.cycle) im.load_cycle(*filter.cycle);  // NotFoundError
  std::vector<FindingMove> moves;
  for (const Finding& f : select_findings(im.db, filter, today_japan()))
    moves.push_back({f.id, to, std::string(note), 0});
  return move_all(im, p, moves, dry_run, {});
}

Finding Findings::get(std::int64_t id) const {
  const Store::Snapshot im(store_);
  Finding f = load_finding(im.db, id);
  count_checks(im.db, f);
  return f;
}

std::vector<Finding> Findings::list(const FindingFilter& filter, std::optional<Date> today) const {
  const Store::Snapshot im(store_);
  if (filter.cycle) im.load_cycle(*filter.cycle);  // NotFoundError, as everywhere a cycle is named
  return select_findings(im.db, filter, today.value_or(today_japan()));
}

std::vector<Transition> Findings::history(std::int64_t finding) const {
  const Store::Snapshot im(store_);
  load_finding(im.db, finding);
  return load_rows<Transition>(im.db, " WHERE finding = ? ORDER BY id", finding);
}

std::vector<OverdueFinding> Findings::overdue(std::optional<Date> today) const {
  const Store::Snapshot im(store_);
  const Date d = today.value_or(today_japan());
  const std::string ds = d.to_string();
  sql::Stmt s = im.db.prepare(
      select_sql<Finding>(" WHERE state <> 'verified' AND state <> 'risk_accepted' AND state <> 'discarded' "
                          "AND state <> 'draft' AND due < ? ORDER BY due, id"));
  s.bind(1, ds);
  std::vector<OverdueFinding> out;
  while (s.step()) {
    Finding f = read_finding(s);
    const int days = days_between(f.due, d);
    out.push_back({std::move(f), days});
  }
  return out;
}

std::vector<OverdueByDepartment> Findings::overdue_by_department(std::optional<Date> today) const {
  const Store::Snapshot im(store_);
  const Date d = today.value_or(today_japan());
  const std::string ds = d.to_string();
  // Only what the grouping needs: (課, due, id), oldest first.
  sql::Stmt s = im.db.prepare(
      "SELECT f.department, f.due, f.id, coalesce(d.name, '') FROM findings f LEFT JOIN departments d ON d.code = "
      "f.department WHERE f.state <> 'verified' AND f.state <> 'risk_accepted' AND f.state <> 'discarded' AND "
      "f.state <> 'draft' AND f.due < ? ORDER BY f.due, f.id");
  s.bind(1, ds);
  std::unordered_map<std::string, std::size_t> index;
  std::vector<OverdueByDepartment> out;
  while (s.step()) {
    const std::string_view dept = s.text(0);
    auto it = index.find(std::string(dept));
    if (it == index.end()) {
      it = index.emplace(std::string(dept), out.size()).first;
      OverdueByDepartment g;
      g.department = std::string(dept);
      g.name = s.str(3);
      Date due{};
      try {
        due = parse_date(s.text(1));
      } catch (const Error&) {
      }
      g.oldest_days = days_between(due, d);
      out.push_back(std::move(g));
    }
    OverdueByDepartment& g = out[it->second];
    ++g.count;
    g.findings.push_back(s.i64(2));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.count != b.count ? a.count > b.count : a.department < b.department;
  });
  return out;
}

// ---- 横展開 -------------------------------------------------------------------------------

std::vector<std::int64_t> Findings::spread(std::string_view by, std::int64_t finding,
                                           const std::vector<std::string>& departments) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  const Finding f = load_finding(im.db, finding);
  if (!p.has("auditor") && !p.has("chief_auditor"))
    throw RoleError(
        message("{name} ({roles}) cannot ask other departments to check for the same problem: it needs a chief_auditor "
                "or auditor",
                fmt::arg("name", p.name), fmt::arg("roles", roles_text(p))));
  if (f.state == S::draft || f.state == S::discarded)
    throw TransitionError(message(
        "finding {finding} is {state}; confirm it before asking other departments to check for the same problem",
        fmt::arg("finding", finding), fmt::arg("state", to_string(f.state))));
  std::vector<std::string> targets;
  if (!departments.empty()) {
    for (const std::string& raw : departments) targets.push_back(require_leaf(im.db, raw));
  } else {
    // Every 課 that answers one of the finding's items and that it applies to (applicability.h):
    // a body-level item only the cycle's secretariat.
    const Cycle c = im.load_cycle(f.cycle);
    const auto checklist = checklist_of(store_, c.checklist);
    for (const DepartmentProfile& d : department_profiles(store_))
      for (const std::string& id : f.items)
        if (const Item* it = checklist->find_item(id);
            it && answers_item(*it, c, d.code) && applies(it->applies_to, d)) {
          targets.push_back(d.code);
          break;
        }
  }
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  const std::string at = now_utc_iso();
  TrailWriter* trail = nullptr;
  std::vector<std::int64_t> out;
  for (const std::string& dept : targets) {
    if (dept == f.department) continue;
    {
      sql::Stmt s = im.db.prepare("SELECT 1 FROM check_requests WHERE finding = ? AND department = ?");
      s.bind(1, finding).bind(2, dept);
      if (s.step()) continue;
    }
    CheckRequest c;
    c.finding = finding;
    c.department = dept;
    c.requested_by = p.name;
    c.requested_at = at;
    im.db.prepare("INSERT INTO check_requests(finding, department, requested_by, requested_at) VALUES (?,?,?,?)")
        .bind_all(finding, dept, p.name, at)
        .run();
    c.id = sqlite3_last_insert_rowid(im.db.handle());
    if (!trail) trail = &im.trail(p.name, at);
    trail->append("check_request", std::to_string(c.id), "insert", check_state(c));
    out.push_back(c.id);
  }
  im.commit();
  return out;
}

std::int64_t Findings::answer_check(std::string_view by, std::int64_t request, CheckAnswer answer,
                                    std::string_view note, std::optional<Date> due) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  CheckRequest c =
      load_by_id<CheckRequest>(im.db, request, message("no check request with id {id}", fmt::arg("id", request)));
  if (c.answer)
    throw TransitionError(message("check request {request} was already answered ({answer} by {by})",
                                  fmt::arg("request", request), fmt::arg("answer", to_string(*c.answer)),
                                  fmt::arg("by", c.answered_by)));
  const bool ok = manages_department(im.db, p, c.department);
  if (!ok)
    throw RoleError(
        message("{name} ({roles}, of {own}) cannot answer for department {department}: it needs its "
                "security_manager, security_officer or system_administrator",
                fmt::arg("name", p.name), fmt::arg("roles", roles_text(p)), fmt::arg("own", p.department),
                fmt::arg("department", c.department)));
  const Finding src = load_finding(im.db, c.finding);
  const std::string at = now_utc_iso();
  TrailWriter& trail = im.trail(p.name, at);
  if (answer == CheckAnswer::same_issue_found) {
    Finding f;
    f.cycle = src.cycle;
    f.department = c.department;
    f.items = src.items;
    f.severity = src.severity;
    f.state = S::open;
    const std::string n(text::trim(note));
    // Stored text, in Japanese whatever the language shown: 「横展開（指摘 3）: …」.
    f.condition = "横展開（指摘 " + std::to_string(src.id) + "）: " + std::string(check_answer_label(answer)) +
                  (n.empty() ? "" : ": " + n);
    f.criterion = src.criterion;
    f.recommendation = src.recommendation;
    f.due = due.value_or(src.due);
    f.raised_by = p.name;
    f.raised_at = at;
    f.source_finding = src.id;
    c.linked_finding = insert_finding(im, trail, f);
  }
  c.answer = answer;
  c.answered_by = p.name;
  c.answered_at = at;
  c.note = std::string(text::trim(note));
  im.db
      .prepare(
          "UPDATE check_requests SET answer = ?, answered_by = ?, answered_at = ?, note = ?, linked_finding = ? "
          "WHERE id = ?")
      .bind_all(to_string(answer), c.answered_by, at, c.note, c.linked_finding, request)
      .run();
  trail.append("check_request", std::to_string(request), "update", check_state(c));
  im.commit();
  return c.linked_finding;
}

std::vector<CheckRequest> Findings::checks(std::int64_t finding) const {
  const Store::Snapshot im(store_);
  load_finding(im.db, finding);
  return load_rows<CheckRequest>(im.db, " WHERE finding = ? ORDER BY department", finding);
}

// ---- Decisions on many findings -----------------------------------------------------------

namespace {

// A finding id as a person types it (full-width digits too); nullopt when it is not one.
std::optional<std::int64_t> finding_id(std::string_view raw) {
  const std::string t(text::trim(text::nfkc(raw)));
  if (t.empty() || t.size() > 18 || t.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoll(t);
}

}  // namespace

std::vector<FindingMove> read_decisions(const std::filesystem::path& file, csv::Encoding encoding) {
  const csv::Table t = csv::read(file, encoding);
  auto col = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      if (int c = csv::column(t.header, n); c >= 0) return c;
    return -1;
  };
  const int cf = col({"finding", "指摘番号", "指摘", "番号"}), cs = col({"state", "状態", "新しい状態"});
  const int cn = col({"note", "メモ", "備考"});
  if (cf < 0 || cs < 0)
    throw ImportValidationError(
        {Diagnostic{t.source, 1, 1, tr("the header must name the columns finding,state (and note, if any)")}});
  std::vector<FindingMove> out;
  std::vector<Diagnostic> diags;
  for (const csv::Record& r : t.records) {
    auto field = [&](int c) { return c >= 0 && std::size_t(c) < r.fields.size() ? r.fields[std::size_t(c)] : ""; };
    const std::string id_text = field(cf);
    const std::optional<std::int64_t> id = finding_id(id_text);
    if (!id) {
      diags.push_back(
          {t.source, r.line, cf + 1, message("finding '{text}' is not a finding number", fmt::arg("text", id_text))});
      continue;
    }
    try {
      out.push_back({*id, parse_finding_state(field(cs)), field(cn), r.line});
    } catch (const ValidationError& e) {
      const std::string why = e.diagnostics().empty() ? e.what() : e.diagnostics().front().message;
      diags.push_back({t.source, r.line, cs + 1, why});
    }
  }
  if (out.empty() && diags.empty()) diags.push_back({t.source, 1, 1, tr("the decisions file lists no finding")});
  if (!diags.empty()) throw ImportValidationError(std::move(diags));
  return out;
}

// ---- Promotion from a self-inspection ----------------------------------------------------

PromoteResult Findings::promote(std::string_view by, std::int64_t self_inspection, std::int64_t audit,
                                const PromoteOptions& options) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  if (!p.has("auditor") && !p.has("chief_auditor"))
    throw RoleError(message("{name} ({roles}) cannot promote answers to findings: it needs an auditor or chief_auditor",
                            fmt::arg("name", p.name), fmt::arg("roles", roles_text(p))));
  const Cycle src = im.load_cycle(self_inspection);
  if (src.kind != CycleKind::self_inspection)
    throw CycleStateError(message("cycle {cycle} ({name}) is not a self-inspection", fmt::arg("cycle", src.id),
                                  fmt::arg("name", src.name)));
  const Cycle dst = audit_cycle(im, audit);
  const auto checklist = checklist_of(store_, dst.checklist);
  const Date due = options.due.value_or(fiscal_year_end(dst.fiscal_year));
  // Pairs already promoted into this cycle.
  std::set<std::pair<std::string, std::string>> done;
  {
    sql::Stmt s = im.db.prepare("SELECT department, items FROM findings WHERE cycle = ? AND promoted_from = ?");
    s.bind(1, audit).bind(2, self_inspection);
    while (s.step()) done.emplace(s.str(0), s.str(1));
  }
  std::vector<std::tuple<std::string, std::string, std::string, std::string>> rows;  // 課, item, answer, comment
  {
    sql::Stmt s = im.db.prepare(
        "SELECT d.code, r.item_id, r.answer, r.comment FROM responses r JOIN departments d ON d.id = r.department "
        "WHERE r.cycle = ? AND (r.answer = 'not_implemented' OR (? AND r.answer = 'partial')) ORDER BY d.code, "
        "r.item_id");
    s.bind(1, self_inspection).bind(2, options.include_partial);
    while (s.step()) rows.emplace_back(s.str(0), s.str(1), s.str(2), s.str(3));
  }
  PromoteResult result;
  const std::string at = now_utc_iso();
  TrailWriter* trail = nullptr;
  for (const auto& [dept, item, answer, comment] : rows) {
    if (!std::binary_search(dst.departments.begin(), dst.departments.end(), dept) || !checklist->find_item(item) ||
        done.count({dept, item})) {
      ++result.skipped;
      continue;
    }
    Finding f;
    f.cycle = audit;
    f.department = dept;
    f.items = {item};
    const bool partial = answer == "partial";
    f.severity = partial ? Severity::observation : Severity::minor_nonconformity;
    f.state = S::draft;
    // Stored text, in Japanese whatever the language shown: 「自己点検（実施回 2）の回答: …」.
    f.condition = std::string(label_of(Vocabulary::cycle_kind, to_string(CycleKind::self_inspection))) + "（実施回 " +
                  std::to_string(self_inspection) +
                  "）の回答: " + std::string(answer_label(partial ? Answer::partial : Answer::not_implemented)) +
                  (comment.empty() ? "" : " — " + comment);
    f.criterion = criterion_of(*checklist, f.items);
    f.due = due;
    f.raised_by = p.name;
    f.raised_at = at;
    f.promoted_from = self_inspection;
    if (!trail) trail = &im.trail(p.name, at);
    result.created.push_back(insert_finding(im, *trail, f));
  }
  im.commit();
  return result;
}

}  // namespace libaudit
