// The audit plan (plan.h, docs/audit.md): the rules that propose it, its overrides, assignments,
// schedule and approval, its rows and trail states.
#include "libaudit/audit/plan.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "audit/audit_internal.h"
#include "followup/fields_sql.h"
#include "followup/findings_internal.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/scoring/scoring.h"

namespace libaudit {

namespace {
const bool kAuditSchemaRegistered = detail::register_audit_schema();  // schema.cpp
}  // namespace

using json = nlohmann::ordered_json;
using namespace detail;

std::string_view to_string(PlanState s) noexcept { return enum_id(Vocabulary::plan_state, s, "proposed"); }

std::size_t AuditPlan::selected() const noexcept {
  return std::size_t(std::count_if(entries.begin(), entries.end(), [](const PlanEntry& e) { return e.selected; }));
}

const PlanEntry* AuditPlan::entry(std::string_view department) const noexcept {
  for (const PlanEntry& e : entries)
    if (e.department == department) return &e;
  return nullptr;
}

// ---- States, rows ---------------------------------------------------------------------------

namespace detail {

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json reasons_json(const std::vector<PlanReason>& reasons) {
  json out = json::array();
  for (const PlanReason& r : reasons) out.push_back(json::array({r.reason, r.figure, r.points}));
  return out;
}

std::vector<PlanReason> reasons_of(const std::string& text) {
  std::vector<PlanReason> out;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const json& r : j)
    if (r.is_array() && r.size() == 3 && r[0].is_string() && r[1].is_string() && r[2].is_number_integer())
      out.push_back({r[0].get<std::string>(), r[1].get<std::string>(), r[2].get<int>()});
  return out;
}

json entry_json(std::int64_t plan, const PlanEntry& e) {
  return json{{"plan", plan},
              {"department", e.department},
              {"name", e.name},
              {"selected", e.selected},
              {"selected_by", e.selected_by},
              {"points", e.points},
              {"last_audited", e.last_audited},
              {"reasons", reasons_json(e.reasons)},
              {"auditor", e.auditor},
              {"scheduled", e.scheduled ? e.scheduled->to_string() : std::string()},
              {"override_reason", e.override_reason}};
}

constexpr const char* kSelectPlans =
    "SELECT id, fiscal_year, rotation, state, basis_cycle, reference_day, auditors, proposed_by, proposed_at, "
    "approved_by, approved_at FROM audit_plans";
constexpr const char* kSelectEntries =
    "SELECT plan, department, name, selected, selected_by, points, last_audited, reasons, auditor, scheduled, "
    "override_reason FROM audit_plan_entries";

AuditPlan read_plan(const sql::Stmt& s) {
  AuditPlan p;
  p.id = s.i64(0);
  p.fiscal_year = int(s.i64(1));
  p.rotation = int(s.i64(2));
  p.state = enum_of_id<PlanState>(Vocabulary::plan_state, s.str(3)).value_or(PlanState::proposed);
  p.basis_cycle = s.i64(4);
  p.reference_day = parse_date(s.str(5));
  p.auditors = split_words(s.str(6), ";");
  p.proposed_by = s.str(7);
  p.proposed_at = s.str(8);
  p.approved_by = s.str(9);
  p.approved_at = s.str(10);
  return p;
}

PlanEntry read_entry(const sql::Stmt& s) {
  PlanEntry e;
  e.department = s.str(1);
  e.name = s.str(2);
  e.selected = s.i64(3) != 0;
  e.selected_by = s.str(4);
  e.points = int(s.i64(5));
  e.last_audited = int(s.i64(6));
  e.reasons = reasons_of(s.str(7));
  e.auditor = s.str(8);
  if (const std::string d = s.str(9); !d.empty()) e.scheduled = parse_date(d);
  e.override_reason = s.str(10);
  return e;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ";") + n;
  return out;
}

}  // namespace

std::string plan_state(const AuditPlan& p) {
  json auditors = json::array();
  for (const std::string& a : p.auditors) auditors.push_back(a);
  return dump(json{{"id", p.id},
                   {"fiscal_year", p.fiscal_year},
                   {"rotation", p.rotation},
                   {"state", std::string(to_string(p.state))},
                   {"basis_cycle", p.basis_cycle},
                   {"reference_day", p.reference_day.to_string()},
                   {"auditors", auditors},
                   {"proposed_by", p.proposed_by},
                   {"proposed_at", p.proposed_at},
                   {"approved_by", p.approved_by},
                   {"approved_at", p.approved_at}});
}

std::string plan_entry_state(std::int64_t plan, const PlanEntry& e) { return dump(entry_json(plan, e)); }

std::string pair_key(std::int64_t plan, std::string_view department) {
  return dump(json::array({plan, std::string(department)}));
}

AuditPlan load_plan(sql::Db& db, std::int64_t id) {
  static const std::string by_id = std::string(kSelectPlans) + " WHERE id = ?";
  static const std::string entries = std::string(kSelectEntries) + " WHERE plan = ? ORDER BY department";
  sql::Stmt s = db.prepare(by_id.c_str());
  s.bind(1, id);
  if (!s.step()) throw NotFoundError(message("no audit plan with id {id}", fmt::arg("id", id)));
  AuditPlan p = read_plan(s);
  sql::Stmt e = db.prepare(entries.c_str());
  e.bind(1, id);
  while (e.step()) p.entries.push_back(read_entry(e));
  return p;
}

std::vector<std::int64_t> plan_ids(sql::Db& db) {
  std::vector<std::int64_t> out;
  sql::Stmt s = db.prepare("SELECT id FROM audit_plans ORDER BY id");
  while (s.step()) out.push_back(s.i64(0));
  return out;
}

Person audit_team_member(sql::Db& db, std::string_view name, TeamAct act) {
  const Person p = load_person(db, name);  // NotFoundError
  if (p.has("auditor") || p.has("chief_auditor")) return p;
  const std::string held = roles_text(p);  // fmt::arg keeps a reference: the text must outlive it
  const auto n = fmt::arg("name", p.name);
  const auto roles = fmt::arg("roles", held);
  switch (act) {
    case TeamAct::propose:
      throw RoleError(
          message("{name} ({roles}) cannot propose an audit plan: it needs an auditor or chief_auditor", n, roles));
    case TeamAct::change:
      throw RoleError(
          message("{name} ({roles}) cannot change an audit plan: it needs an auditor or chief_auditor", n, roles));
    case TeamAct::write:
      throw RoleError(
          message("{name} ({roles}) cannot write working papers: it needs an auditor or chief_auditor", n, roles));
    default:
      throw RoleError(
          message("{name} ({roles}) cannot audit a department: it needs an auditor or chief_auditor", n, roles));
  }
}

void require_independent(const Person& auditor, std::string_view department) {
  if (!independent_of(auditor, department))
    throw RoleError(message("{name} belongs to department {department} and cannot be assigned to audit it: {rule}",
                            fmt::arg("name", auditor.name), fmt::arg("department", department),
                            fmt::arg("rule", own_department_rule())));
}

void audit_rows(sql::Db& db, const schema::RowVisitor& row) {
  for (const std::int64_t id : plan_ids(db)) {
    const AuditPlan p = load_plan(db, id);
    row("audit_plans", "audit_plan", std::to_string(p.id), plan_state(p));
    for (const PlanEntry& e : p.entries)
      row("audit_plan_entries", "audit_plan_entry", pair_key(p.id, e.department), plan_entry_state(p.id, e));
  }
  workpaper_rows(db, row);
}

}  // namespace detail

std::string plan_json(const AuditPlan& p) {
  json j = json::parse(plan_state(p));
  j["state_label"] = std::string(label_of(Vocabulary::plan_state, to_string(p.state)));
  j["fiscal_year_label"] = fiscal_year_label(p.fiscal_year);
  j["selected"] = p.selected();
  json entries = json::array();
  for (const PlanEntry& e : p.entries) {
    json x = entry_json(p.id, e);
    x.erase("plan");
    x["selected_by_label"] = std::string(label_of(Vocabulary::plan_selection, e.selected_by));
    json reasons = json::array();
    for (const PlanReason& r : e.reasons)
      reasons.push_back(json{{"reason", r.reason},
                             {"label", std::string(label_of(Vocabulary::plan_reason, r.reason))},
                             {"figure", r.figure},
                             {"points", r.points}});
    x["reasons"] = std::move(reasons);
    entries.push_back(std::move(x));
  }
  j["entries"] = std::move(entries);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---- The rules of a proposal (docs/audit.md, "Selection") ---------------------------------

namespace {

constexpr int kLowRatePoints = 2, kOverduePoints = 3, kOpenPoints = 1, kMynumberPoints = 2, kImportantPoints = 1;

// What the store knows about one 課, read for a proposal.
struct Facts {
  std::string code, name;
  double rate = std::nan("");
  std::size_t open = 0, overdue = 0, mynumber = 0, important = 0;
  int last_audited = 0;
};

// The latest self-inspection cycle of a 年度 not after `year` (a later 年度 first, then the one
// created last); 0 when none.
std::int64_t basis_cycle(const Store& store, int year) {
  std::int64_t best = 0;
  int best_year = 0;
  for (const Cycle& c : store.cycles())
    if (c.kind == CycleKind::self_inspection && c.fiscal_year <= year && c.fiscal_year >= best_year) {
      best = c.id;
      best_year = c.fiscal_year;
    }
  return best;
}

std::string rate_text(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", rate);
  return buf;
}

std::map<std::string, Facts> gather(const Store& store, int year, std::int64_t basis, const Date& reference) {
  std::map<std::string, Facts> facts;
  for (const Department& d : store.departments())
    if (d.is_leaf) facts[d.code] = Facts{d.code, d.name};
  for (const System& s : store.systems())
    if (auto it = facts.find(s.department_code); it != facts.end()) {
      it->second.mynumber += s.tier == "mynumber";
      it->second.important += s.important_assets;
    }
  if (basis) {
    const CycleAt at = CycleAt::load(store, basis);
    for (const GroupScore& g : score(at.data, GroupBy::department, at.options).rows)
      if (auto it = facts.find(g.group); it != facts.end()) it->second.rate = g.score;
  }
  for (const Finding& f : Findings(store).list({}, reference))
    if (auto it = facts.find(f.department); it != facts.end() && f.state != FindingState::draft && !is_closed(f.state))
      ++(f.overdue(reference) ? it->second.overdue : it->second.open);
  // Last audited: an audit cycle of an earlier 年度 that targeted the 課, or an approved plan of
  // an earlier 年度 that selected it.
  for (const Cycle& c : store.cycles())
    if (c.kind != CycleKind::self_inspection && c.fiscal_year < year)
      for (const std::string& code : c.departments)
        if (auto it = facts.find(code); it != facts.end())
          it->second.last_audited = std::max(it->second.last_audited, c.fiscal_year);
  for (const AuditPlan& p : AuditPlans(store).list())
    if (p.state == PlanState::approved && p.fiscal_year < year)
      for (const PlanEntry& e : p.entries)
        if (auto it = facts.find(e.department); it != facts.end() && e.selected)
          it->second.last_audited = std::max(it->second.last_audited, p.fiscal_year);
  return facts;
}

PlanEntry entry_of(const Facts& f, int year, int rotation) {
  PlanEntry e;
  e.department = f.code;
  e.name = f.name;
  e.last_audited = f.last_audited;
  if (f.last_audited == 0)
    e.reasons.push_back({"never_audited", "", 0});
  else if (year - f.last_audited >= rotation)
    e.reasons.push_back({"rotation_due", std::to_string(year - f.last_audited), 0});
  else
    e.reasons.push_back({"last_audited", std::to_string(f.last_audited), 0});
  if (!std::isnan(f.rate) && f.rate < kLowRateThreshold)
    e.reasons.push_back({"low_rate", rate_text(f.rate), kLowRatePoints});
  if (f.overdue) e.reasons.push_back({"overdue_findings", std::to_string(f.overdue), kOverduePoints});
  if (f.open) e.reasons.push_back({"open_findings", std::to_string(f.open), kOpenPoints});
  if (f.mynumber) e.reasons.push_back({"mynumber", std::to_string(f.mynumber), kMynumberPoints});
  if (f.important) e.reasons.push_back({"important_assets", std::to_string(f.important), kImportantPoints});
  for (const PlanReason& r : e.reasons) e.points += r.points;
  return e;
}

// Selects by rotation (the ceil(K / N) stalest 課 — never audited first, then the earliest last
// audit; ties: more points, then code — and every 課 whose rotation is due) and by risk
// (points >= kRiskPointsThreshold).
void select(std::vector<PlanEntry>& entries, int year, int rotation) {
  std::vector<PlanEntry*> order;
  for (PlanEntry& e : entries) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const PlanEntry* a, const PlanEntry* b) {
    return std::tuple(a->last_audited, -a->points, a->department) <
           std::tuple(b->last_audited, -b->points, b->department);
  });
  const std::size_t quota = (entries.size() + std::size_t(rotation) - 1) / std::size_t(rotation);
  for (std::size_t i = 0; i < order.size(); ++i) {
    PlanEntry& e = *order[i];
    const bool due = e.last_audited != 0 && year - e.last_audited >= rotation;
    if (i < quota || due) {
      e.selected = true;
      e.selected_by = "rotation";
    } else if (e.points >= kRiskPointsThreshold) {
      e.selected = true;
      e.selected_by = "risk";
    }
  }
}

bool weekday(const Date& d) {
  const std::chrono::weekday w{std::chrono::sys_days{std::chrono::year{d.year} / std::chrono::month(unsigned(d.month)) /
                                                     std::chrono::day(unsigned(d.day))}};
  return w != std::chrono::Saturday && w != std::chrono::Sunday;
}

// The first weekday on or after `d`.
Date next_weekday(Date d) {
  while (!weekday(d)) d = add_days(d, 1);
  return d;
}

// The independent auditor of `pool` with the fewest of the plan's 課 so far (then pool order);
// "" when none may audit `department`.
std::string least_loaded(const std::vector<Person>& pool, const std::vector<PlanEntry>& entries,
                         std::string_view department) {
  std::string best;
  std::size_t best_load = 0;
  for (const Person& p : pool) {
    if (!independent_of(p, department)) continue;
    const auto load = std::size_t(
        std::count_if(entries.begin(), entries.end(), [&](const PlanEntry& e) { return e.auditor == p.name; }));
    if (best.empty() || load < best_load) {
      best = p.name;
      best_load = load;
    }
  }
  return best;
}

// The day after the last day scheduled (its next weekday), or the first weekday from `start`.
Date next_day(const std::vector<PlanEntry>& entries, const Date& start) {
  std::optional<Date> last;
  for (const PlanEntry& e : entries)
    if (e.scheduled && (!last || *last < *e.scheduled)) last = e.scheduled;
  return next_weekday(last ? add_days(*last, 1) : start);
}

std::vector<Person> auditor_pool(sql::Db& db, const std::vector<std::string>& names) {
  std::vector<Person> pool;
  if (names.empty()) {
    for (const Person& p : load_rows<Person>(db, " ORDER BY name"))
      if (p.has("auditor") || p.has("chief_auditor")) pool.push_back(p);
    return pool;
  }
  std::set<std::string> seen;
  for (const std::string& raw : names) {
    const std::string name(text::trim(raw));
    if (seen.insert(name).second) pool.push_back(audit_team_member(db, name, TeamAct::audit));
  }
  std::sort(pool.begin(), pool.end(), [](const Person& a, const Person& b) { return a.name < b.name; });
  return pool;
}

void require_fiscal_year(int year, int rotation) {
  std::vector<Diagnostic> diags;
  if (year < 1989 || year > 2100)
    diags.push_back({"<plan>", 1, 1, message("fiscal year {year} is out of range", fmt::arg("year", year))});
  if (rotation < 1 || rotation > 10)
    diags.push_back({"<plan>", 1, 1,
                     message("the rotation period is {n} years: it must be 1 to 10 years", fmt::arg("n", rotation))});
  if (!diags.empty()) throw ValidationError(std::move(diags));
}

}  // namespace

AuditPlan AuditPlans::compute(const PlanOptions& o) const {
  require_fiscal_year(o.fiscal_year, o.rotation);
  const Store::Snapshot snap(store_);
  AuditPlan plan;
  plan.fiscal_year = o.fiscal_year;
  plan.rotation = o.rotation;
  plan.reference_day = add_days(fiscal_year_start(o.fiscal_year), -1);
  plan.basis_cycle = basis_cycle(store_, o.fiscal_year);
  const std::vector<Person> pool = auditor_pool(snap.db, o.auditors);
  for (const Person& p : pool) plan.auditors.push_back(p.name);
  for (const auto& [code, f] : gather(store_, o.fiscal_year, plan.basis_cycle, plan.reference_day))
    plan.entries.push_back(entry_of(f, o.fiscal_year, o.rotation));
  select(plan.entries, o.fiscal_year, o.rotation);
  const Date start = o.start ? *o.start : Date{o.fiscal_year, 7, 1};
  if (fiscal_year_of(start) != o.fiscal_year)
    throw ValidationError({Diagnostic{"<plan>", 1, 1,
                                      message("the schedule's first day {day} is not in fiscal year {year}",
                                              fmt::arg("day", start.to_string()), fmt::arg("year", o.fiscal_year))}});
  for (PlanEntry& e : plan.entries) {
    if (!e.selected) continue;
    e.auditor = least_loaded(pool, plan.entries, e.department);
    e.scheduled = next_day(plan.entries, start);
  }
  return plan;
}

Store& AuditPlans::writable() const {
  if (read_only_) throw StoreError(tr("these AuditPlans were built from a const Store: read-only"));
  return store_;
}

namespace {

void insert_plan(Store::Transaction& im, TrailWriter& trail, AuditPlan& p) {
  im.db
      .prepare(
          "INSERT INTO audit_plans(fiscal_year, rotation, state, basis_cycle, reference_day, auditors, proposed_by, "
          "proposed_at) VALUES (?,?,?,?,?,?,?,?)")
      .bind_all(std::int64_t(p.fiscal_year), std::int64_t(p.rotation), std::string(to_string(p.state)), p.basis_cycle,
                p.reference_day.to_string(), join_names(p.auditors), p.proposed_by, p.proposed_at)
      .run();
  sql::Stmt last = im.db.prepare("SELECT last_insert_rowid()");
  last.step();
  p.id = last.i64(0);
  trail.append("audit_plan", std::to_string(p.id), "insert", plan_state(p));
}

void write_entry(Store::Transaction& im, TrailWriter& trail, std::int64_t plan, const PlanEntry& e, bool insert) {
  im.db
      .prepare(
          "INSERT INTO audit_plan_entries(plan, department, name, selected, selected_by, points, last_audited, "
          "reasons, auditor, scheduled, override_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(plan, department) "
          "DO UPDATE SET selected = excluded.selected, selected_by = excluded.selected_by, auditor = excluded.auditor, "
          "scheduled = excluded.scheduled, override_reason = excluded.override_reason")
      .bind_all(plan, e.department, e.name, std::int64_t(e.selected), e.selected_by, std::int64_t(e.points),
                std::int64_t(e.last_audited), dump(reasons_json(e.reasons)), e.auditor,
                e.scheduled ? e.scheduled->to_string() : std::string(), e.override_reason)
      .run();
  trail.append("audit_plan_entry", pair_key(plan, e.department), insert ? "insert" : "update",
               plan_entry_state(plan, e));
}

// The plan, still proposed (TransitionError otherwise), and the entry of `department` in it.
AuditPlan changeable(sql::Db& db, std::int64_t id) {
  AuditPlan p = load_plan(db, id);
  if (p.state != PlanState::proposed)
    throw TransitionError(
        message("audit plan {plan} is approved: it no longer changes (propose a new one)", fmt::arg("plan", id)));
  return p;
}

PlanEntry& entry_in(AuditPlan& p, std::string_view raw) {
  const std::string code = normalise_key(raw);
  for (PlanEntry& e : p.entries)
    if (e.department == code) return e;
  throw NotFoundError(message("department {department} is not a section of audit plan {plan}",
                              fmt::arg("department", code), fmt::arg("plan", p.id)));
}

// The entry of a 課 the plan selects: remove, assign and schedule act on no other.
PlanEntry& selected_entry_in(AuditPlan& p, std::string_view raw) {
  PlanEntry& e = entry_in(p, raw);
  if (!e.selected)
    throw ValidationError({Diagnostic{"<plan>", 1, 1,
                                      message("department {department} is not in audit plan {plan}",
                                              fmt::arg("department", e.department), fmt::arg("plan", p.id))}});
  return e;
}

std::string required_reason(std::string_view reason) {
  std::string why(text::trim(reason));
  if (why.empty() || text::find_invalid_utf8(why))
    throw ValidationError(
        {Diagnostic{"<plan>", 1, 1, tr("write the reason for the change (--reason): it is kept in the trail")}});
  return why;
}

}  // namespace

AuditPlan AuditPlans::propose(std::string_view by, const PlanOptions& options) {
  Store::Transaction im(writable());
  const Person p = audit_team_member(im.db, by, TeamAct::propose);
  AuditPlan plan = compute(options);
  plan.proposed_by = p.name;
  plan.proposed_at = now_utc_iso();
  TrailWriter& trail = im.trail(p.name, plan.proposed_at);
  insert_plan(im, trail, plan);
  for (const PlanEntry& e : plan.entries) write_entry(im, trail, plan.id, e, true);
  im.commit();
  return plan;
}

void AuditPlans::add(std::string_view by, std::int64_t id, std::string_view department, std::string_view reason) {
  Store::Transaction im(writable());
  const Person p = audit_team_member(im.db, by, TeamAct::change);
  const std::string why = required_reason(reason);
  AuditPlan plan = changeable(im.db, id);
  PlanEntry& e = entry_in(plan, department);
  if (e.selected)
    throw ValidationError({Diagnostic{"<plan>", 1, 1,
                                      message("department {department} is in audit plan {plan} already",
                                              fmt::arg("department", e.department), fmt::arg("plan", id))}});
  std::vector<Person> pool = auditor_pool(im.db, plan.auditors);
  e.selected = true;
  e.selected_by = "added";
  e.override_reason = why;
  e.auditor = least_loaded(pool, plan.entries, e.department);
  e.scheduled = next_day(plan.entries, Date{plan.fiscal_year, 7, 1});
  write_entry(im, im.trail(p.name, now_utc_iso()), id, e, false);
  im.commit();
}

void AuditPlans::remove(std::string_view by, std::int64_t id, std::string_view department, std::string_view reason) {
  Store::Transaction im(writable());
  const Person p = audit_team_member(im.db, by, TeamAct::change);
  const std::string why = required_reason(reason);
  AuditPlan plan = changeable(im.db, id);
  PlanEntry& e = selected_entry_in(plan, department);
  e.selected = false;
  e.selected_by = "removed";
  e.override_reason = why;
  e.auditor.clear();
  e.scheduled.reset();
  write_entry(im, im.trail(p.name, now_utc_iso()), id, e, false);
  im.commit();
}

void AuditPlans::assign(std::string_view by, std::int64_t id, std::string_view department, std::string_view auditor) {
  Store::Transaction im(writable());
  const Person p = audit_team_member(im.db, by, TeamAct::change);
  AuditPlan plan = changeable(im.db, id);
  PlanEntry& e = selected_entry_in(plan, department);
  const Person a = audit_team_member(im.db, text::trim(auditor), TeamAct::audit);
  require_independent(a, e.department);  // 兼務の禁止: refused, nothing written
  e.auditor = a.name;
  write_entry(im, im.trail(p.name, now_utc_iso()), id, e, false);
  im.commit();
}

void AuditPlans::schedule(std::string_view by, std::int64_t id, std::string_view department, const Date& day) {
  Store::Transaction im(writable());
  const Person p = audit_team_member(im.db, by, TeamAct::change);
  AuditPlan plan = changeable(im.db, id);
  PlanEntry& e = selected_entry_in(plan, department);
  if (fiscal_year_of(day) != plan.fiscal_year)
    throw ValidationError(
        {Diagnostic{"<plan>", 1, 1,
                    message("{day} is not in fiscal year {year} of audit plan {plan}", fmt::arg("day", day.to_string()),
                            fmt::arg("year", plan.fiscal_year), fmt::arg("plan", id))}});
  e.scheduled = day;
  write_entry(im, im.trail(p.name, now_utc_iso()), id, e, false);
  im.commit();
}

void AuditPlans::approve(std::string_view by, std::int64_t id) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  if (!p.has("chief_auditor"))
    throw RoleError(message("{name} ({roles}) cannot approve an audit plan: it is approved by the {chief_auditor}",
                            fmt::arg("name", p.name), fmt::arg("roles", roles_text(p)),
                            fmt::arg("chief_auditor", label_of(Vocabulary::role, "chief_auditor"))));
  AuditPlan plan = changeable(im.db, id);
  std::vector<Diagnostic> diags;
  for (const PlanEntry& e : plan.entries)
    if (e.selected && (e.auditor.empty() || !e.scheduled))
      diags.push_back({"<plan>", 1, 1,
                       message("department {department} ({name}) has no auditor or no day yet (plan assign, plan "
                               "schedule)",
                               fmt::arg("department", e.department), fmt::arg("name", e.name))});
  for (const std::int64_t other : plan_ids(im.db))
    if (const AuditPlan o = load_plan(im.db, other);
        other != id && o.fiscal_year == plan.fiscal_year && o.state == PlanState::approved)
      diags.push_back({"<plan>", 1, 1,
                       message("audit plan {other} of fiscal year {year} is approved already", fmt::arg("other", other),
                               fmt::arg("year", plan.fiscal_year))});
  if (!diags.empty()) throw ValidationError(std::move(diags));
  plan.state = PlanState::approved;
  plan.approved_by = p.name;
  plan.approved_at = now_utc_iso();
  im.db.prepare("UPDATE audit_plans SET state = ?, approved_by = ?, approved_at = ? WHERE id = ?")
      .bind_all(std::string(to_string(plan.state)), plan.approved_by, plan.approved_at, id)
      .run();
  im.trail(p.name, plan.approved_at).append("audit_plan", std::to_string(id), "update", plan_state(plan));
  im.commit();
}

AuditPlan AuditPlans::get(std::int64_t id) const { return load_plan(Store::Snapshot(store_).db, id); }

std::vector<AuditPlan> AuditPlans::list() const {
  const Store::Snapshot snap(store_);
  std::vector<AuditPlan> out;
  for (const std::int64_t id : plan_ids(snap.db)) out.push_back(load_plan(snap.db, id));
  return out;
}

std::optional<AuditPlan> AuditPlans::approved(int fiscal_year) const {
  for (AuditPlan& p : list())
    if (p.fiscal_year == fiscal_year && p.state == PlanState::approved) return std::move(p);
  return std::nullopt;
}

PlanCoverage plan_coverage(const Store& store, int fiscal_year) {
  PlanCoverage out;
  out.fiscal_year = fiscal_year;
  const std::vector<AuditPlan> plans = AuditPlans(store).list();
  int rotation_year = 0;
  for (const AuditPlan& p : plans)
    if (p.state == PlanState::approved && p.fiscal_year <= fiscal_year && p.fiscal_year >= rotation_year) {
      rotation_year = p.fiscal_year;
      out.rotation = p.rotation;
    }
  const int first = fiscal_year - std::max(1, out.rotation) + 1;
  std::map<std::string, int> last;  // 課 -> the latest 年度 audited in [first, fiscal_year]
  const auto audited = [&](const std::string& code, int year) {
    out.has_plan = true;
    if (year >= first && year <= fiscal_year) last[code] = std::max(last[code], year);
  };
  for (const Cycle& c : store.cycles())
    if (c.kind != CycleKind::self_inspection)
      for (const std::string& code : c.departments) audited(code, c.fiscal_year);
  for (const AuditPlan& p : plans)
    if (p.state == PlanState::approved)
      for (const PlanEntry& e : p.entries)
        if (e.selected) audited(e.department, p.fiscal_year);
  for (const Department& d : store.departments())
    if (d.is_leaf) out.departments.push_back(d.code);
  std::sort(out.departments.begin(), out.departments.end());
  for (const std::string& code : out.departments) {
    const auto it = last.find(code);
    if (it == last.end()) {
      out.not_in_period.push_back(code);
      continue;
    }
    out.in_period.push_back(code);
    if (it->second == fiscal_year) out.this_year.push_back(code);
  }
  return out;
}

}  // namespace libaudit
