// Working papers (workpapers.h, docs/audit.md "Working papers"): the entries, their role rules,
// the review, findings raised from them with their links, their rows and trail states.
#include "libaudit/audit/workpapers.h"

#include <algorithm>

#include "audit/audit_internal.h"
#include "followup/findings_internal.h"
#include "libaudit/audit/plan.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"

namespace libaudit {

using json = nlohmann::ordered_json;
using namespace detail;

std::string_view to_string(AuditMethod m) noexcept { return enum_id(Vocabulary::audit_method, m, "document_review"); }
std::string_view to_string(Judgement j) noexcept { return enum_id(Vocabulary::audit_judgement, j, "observation"); }

AuditMethod parse_audit_method(std::string_view s) {
  if (const auto v = enum_of<AuditMethod>(Vocabulary::audit_method, normalise_key(s))) return *v;
  throw ValidationError(
      {Diagnostic{"<workpaper>", 1, 1,
                  message("unknown method '{method}' (document_review, interview, onsite_inspection, system_check)",
                          fmt::arg("method", s))}});
}

Judgement parse_judgement(std::string_view s) {
  if (const auto v = enum_of<Judgement>(Vocabulary::audit_judgement, normalise_key(s))) return *v;
  throw ValidationError(
      {Diagnostic{"<workpaper>", 1, 1,
                  message("unknown judgement '{judgement}' (conforming, nonconforming, observation, not_applicable)",
                          fmt::arg("judgement", s))}});
}

namespace detail {

namespace {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json paper_json(const WorkingPaper& p) {
  return json{{"id", p.id},
              {"cycle", p.cycle},
              {"department", p.department},
              {"item", p.item},
              {"method", std::string(to_string(p.method))},
              {"observed", p.observed},
              {"judgement", p.judgement ? std::string(to_string(*p.judgement)) : std::string()},
              {"auditor", p.auditor},
              {"examined_on", p.examined_on.to_string()},
              {"recorded_at", p.recorded_at},
              {"updated_at", p.updated_at},
              {"reviewed_by", p.reviewed_by},
              {"reviewed_at", p.reviewed_at},
              {"review_note", p.review_note}};
}

constexpr const char* kSelectPapers =
    "SELECT id, cycle, department, item, method, observed, judgement, auditor, examined_on, recorded_at, updated_at, "
    "reviewed_by, reviewed_at, review_note FROM audit_workpapers";

WorkingPaper read_paper(sql::Db& db, const sql::Stmt& s) {
  WorkingPaper p;
  p.id = s.i64(0);
  p.cycle = s.i64(1);
  p.department = s.str(2);
  p.item = s.str(3);
  p.method = enum_of_id<AuditMethod>(Vocabulary::audit_method, s.str(4)).value_or(AuditMethod::document_review);
  p.observed = s.str(5);
  p.judgement = enum_of_id<Judgement>(Vocabulary::audit_judgement, s.str(6));
  p.auditor = s.str(7);
  p.examined_on = parse_date(s.str(8));
  p.recorded_at = s.str(9);
  p.updated_at = s.str(10);
  p.reviewed_by = s.str(11);
  p.reviewed_at = s.str(12);
  p.review_note = s.str(13);
  sql::Stmt f = db.prepare("SELECT finding FROM audit_workpaper_findings WHERE workpaper = ? ORDER BY finding");
  f.bind(1, p.id);
  while (f.step()) p.findings.push_back(f.i64(0));
  return p;
}

template <class... Args>
std::vector<WorkingPaper> papers_where(sql::Db& db, const std::string& sql, const Args&... args) {
  std::vector<std::int64_t> ids;
  {
    sql::Stmt s = db.prepare(sql.c_str());
    s.bind_all(args...);
    while (s.step()) ids.push_back(s.i64(0));
  }
  static const std::string by_id = std::string(kSelectPapers) + " WHERE id = ?";
  std::vector<WorkingPaper> out;
  for (const std::int64_t id : ids) {
    sql::Stmt s = db.prepare(by_id.c_str());
    s.bind(1, id);
    if (s.step()) out.push_back(read_paper(db, s));
  }
  return out;
}

}  // namespace

std::string working_paper_target(sql::Db& db, std::string_view key) {
  const std::string k(text::trim(key));
  if (k.empty() || k.size() > 12 || k.find_first_not_of("0123456789") != std::string::npos)
    throw ValidationError(
        {Diagnostic{"", 0, 0, message("a working paper is named by its number, not '{key}'", fmt::arg("key", key))}});
  sql::Stmt s = db.prepare("SELECT 1 FROM audit_workpapers WHERE id = ?");
  s.bind(1, std::int64_t(std::stoll(k)));
  if (!s.step()) throw NotFoundError(message("no working paper with id {id}", fmt::arg("id", k)));
  return std::to_string(std::stoll(k));
}

std::string workpaper_state(const WorkingPaper& p) { return dump(paper_json(p)); }

std::string workpaper_link_key(std::int64_t paper, std::int64_t finding) { return dump(json::array({paper, finding})); }

WorkingPaper load_paper(sql::Db& db, std::int64_t id) {
  static const std::string sql = "SELECT id FROM audit_workpapers WHERE id = ?";
  std::vector<WorkingPaper> found = papers_where(db, sql, id);
  if (found.empty()) throw NotFoundError(message("no working paper with id {id}", fmt::arg("id", id)));
  return std::move(found.front());
}

void workpaper_rows(sql::Db& db, const schema::RowVisitor& row) {
  static const std::string all = "SELECT id FROM audit_workpapers ORDER BY id";
  for (const WorkingPaper& p : papers_where(db, all)) {
    row("audit_workpapers", "audit_workpaper", std::to_string(p.id), workpaper_state(p));
    for (const std::int64_t f : p.findings)
      row("audit_workpaper_findings", "audit_workpaper_finding", workpaper_link_key(p.id, f),
          dump(json{{"workpaper", p.id}, {"finding", f}}));
  }
}

}  // namespace detail

std::string working_paper_json(const WorkingPaper& p) {
  json j = json::parse(workpaper_state(p));
  j["method_label"] = std::string(label_of(Vocabulary::audit_method, to_string(p.method)));
  j["judgement_label"] =
      p.judgement ? std::string(label_of(Vocabulary::audit_judgement, to_string(*p.judgement))) : std::string();
  j["findings"] = p.findings;
  return dump(j);
}

Store& WorkingPapers::writable() const {
  if (read_only_) throw StoreError(tr("these WorkingPapers were built from a const Store: read-only"));
  return store_;
}

namespace {

// An audit cycle that is not closed (CycleStateError).
Cycle open_audit_cycle(Store::Transaction& im, std::int64_t id) {
  const Cycle c = im.load_cycle(id);  // NotFoundError
  if (c.kind == CycleKind::self_inspection)
    throw CycleStateError(
        message("cycle {cycle} ({name}) is a self-inspection; working papers are kept for an "
                "internal_audit or external_audit cycle",
                fmt::arg("cycle", id), fmt::arg("name", c.name)));
  if (c.status == CycleStatus::closed)
    throw CycleStateError(message("cycle {cycle} ({name}) is closed; its working papers no longer change",
                                  fmt::arg("cycle", id), fmt::arg("name", c.name)));
  return c;
}

// The writer of an entry of `dept` in cycle `c`: on the audit team, independent of the 課, and —
// when the 年度 has an approved plan selecting the 課 — its assigned auditor or a chief_auditor.
Person require_writer(Store::Transaction& im, const Store& store, std::string_view by, const Cycle& c,
                      std::string_view dept) {
  const Person p = audit_team_member(im.db, by, TeamAct::write);
  require_independent(p, dept);
  if (p.has("chief_auditor")) return p;
  if (const std::optional<AuditPlan> plan = AuditPlans(store).approved(c.fiscal_year))
    if (const PlanEntry* e = plan->entry(dept); e && e->selected && e->auditor != p.name)
      throw RoleError(
          message("{name} is not the auditor assigned to department {department} in audit plan {plan} "
                  "({auditor} is)",
                  fmt::arg("name", p.name), fmt::arg("department", dept), fmt::arg("plan", plan->id),
                  fmt::arg("auditor", e->auditor)));
  return p;
}

// A changeable entry: not reviewed (TransitionError).
WorkingPaper changeable(sql::Db& db, std::int64_t id) {
  WorkingPaper p = load_paper(db, id);
  if (!p.reviewed_by.empty())
    throw TransitionError(message("working paper {paper} was reviewed by {reviewer}: it no longer changes",
                                  fmt::arg("paper", id), fmt::arg("reviewer", p.reviewed_by)));
  return p;
}

void write_paper(Store::Transaction& im, TrailWriter& trail, WorkingPaper& p, bool insert) {
  if (insert) {
    im.db
        .prepare(
            "INSERT INTO audit_workpapers(cycle, department, item, method, observed, judgement, auditor, examined_on, "
            "recorded_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)")
        .bind_all(p.cycle, p.department, p.item, std::string(to_string(p.method)), p.observed,
                  p.judgement ? std::string(to_string(*p.judgement)) : std::string(), p.auditor,
                  p.examined_on.to_string(), p.recorded_at, p.updated_at)
        .run();
    sql::Stmt last = im.db.prepare("SELECT last_insert_rowid()");
    last.step();
    p.id = last.i64(0);
  } else {
    im.db
        .prepare(
            "UPDATE audit_workpapers SET observed = ?, judgement = ?, updated_at = ?, reviewed_by = ?, "
            "reviewed_at = ?, review_note = ? WHERE id = ?")
        .bind_all(p.observed, p.judgement ? std::string(to_string(*p.judgement)) : std::string(), p.updated_at,
                  p.reviewed_by, p.reviewed_at, p.review_note, p.id)
        .run();
  }
  trail.append("audit_workpaper", std::to_string(p.id), insert ? "insert" : "update", workpaper_state(p));
}

std::string clean_text(std::string_view s) {
  if (text::find_invalid_utf8(s))
    throw ValidationError({Diagnostic{"<workpaper>", 1, 1, tr("a text field is not valid UTF-8")}});
  return std::string(text::trim(s));
}

}  // namespace

std::int64_t WorkingPapers::add(std::string_view by, const WorkingPaperSpec& spec) {
  Store::Transaction im(writable());
  const Cycle c = open_audit_cycle(im, spec.cycle);
  const std::string dept = require_leaf(im.db, spec.department);
  if (!std::binary_search(c.departments.begin(), c.departments.end(), dept))
    throw ValidationError(
        {Diagnostic{"<workpaper>", 1, 1,
                    message("department {department} is not a target of cycle {cycle} ({name})",
                            fmt::arg("department", dept), fmt::arg("cycle", c.id), fmt::arg("name", c.name))}});
  const Person p = require_writer(im, store_, by, c, dept);
  WorkingPaper w;
  w.cycle = c.id;
  w.department = dept;
  w.item = normalise_key(spec.item);
  if (!store_.load_checklist(c.checklist).find_item(w.item))
    throw ValidationError({Diagnostic{
        "<workpaper>", 1, 1, message("item '{item}' is not in the cycle's checklist", fmt::arg("item", w.item))}});
  w.method = spec.method;
  w.observed = clean_text(spec.observed);
  if (w.observed.empty())
    throw ValidationError({Diagnostic{"<workpaper>", 1, 1, tr("write what was seen (--observed): it is empty")}});
  w.judgement = spec.judgement;
  w.auditor = p.name;
  w.examined_on = spec.examined_on ? *spec.examined_on : today_japan();
  w.recorded_at = w.updated_at = now_utc_iso();
  write_paper(im, im.trail(p.name, w.recorded_at), w, true);
  im.commit();
  return w.id;
}

void WorkingPapers::judge(std::string_view by, std::int64_t id, Judgement judgement, std::string_view observed) {
  Store::Transaction im(writable());
  WorkingPaper w = changeable(im.db, id);
  const Cycle c = open_audit_cycle(im, w.cycle);
  const Person p = require_writer(im, store_, by, c, w.department);
  if (p.name != w.auditor && !p.has("chief_auditor"))
    throw RoleError(
        message("{name} did not examine working paper {paper} ({auditor} did): only they or a "
                "chief_auditor judge it",
                fmt::arg("name", p.name), fmt::arg("paper", id), fmt::arg("auditor", w.auditor)));
  w.judgement = judgement;
  if (const std::string seen = clean_text(observed); !seen.empty()) w.observed = seen;
  w.updated_at = now_utc_iso();
  write_paper(im, im.trail(p.name, w.updated_at), w, false);
  im.commit();
}

void WorkingPapers::review(std::string_view by, std::int64_t id, std::string_view note) {
  Store::Transaction im(writable());
  WorkingPaper w = changeable(im.db, id);
  open_audit_cycle(im, w.cycle);
  const Person p = load_person(im.db, by);
  if (!p.has("chief_auditor"))
    throw RoleError(message("{name} ({roles}) cannot review working papers: they are reviewed by the {chief_auditor}",
                            fmt::arg("name", p.name), fmt::arg("roles", roles_text(p)),
                            fmt::arg("chief_auditor", label_of(Vocabulary::role, "chief_auditor"))));
  require_independent(p, w.department);
  if (!w.judgement)
    throw TransitionError(
        message("working paper {paper} is not judged yet: judge it before the review", fmt::arg("paper", id)));
  w.reviewed_by = p.name;
  w.reviewed_at = w.updated_at = now_utc_iso();
  w.review_note = clean_text(note);
  write_paper(im, im.trail(p.name, w.updated_at), w, false);
  im.commit();
}

std::int64_t WorkingPapers::raise_finding(std::string_view by, std::int64_t id, const RaiseFromPaper& spec) {
  Store::Transaction im(writable());
  const WorkingPaper w = load_paper(im.db, id);
  if (w.judgement != Judgement::nonconforming && w.judgement != Judgement::observation)
    throw TransitionError(
        message("working paper {paper} is judged {judgement}: a finding is raised from one judged "
                "nonconforming or observation",
                fmt::arg("paper", id), fmt::arg("judgement", w.judgement ? to_string(*w.judgement) : "-")));
  FindingSpec f;
  f.cycle = w.cycle;
  f.department = w.department;
  f.items = {w.item};
  f.severity = spec.severity;
  f.condition = spec.condition.empty() ? w.observed : spec.condition;
  // Stored data, in the reports' language whatever the user's (like the labels): 監査調書No.N（方法、日）：…
  f.evidence = "監査調書No." + std::to_string(id) + "（" +
               std::string(label_of(Vocabulary::audit_method, to_string(w.method))) + "、" + w.examined_on.to_string() +
               "）：" + w.observed;
  f.recommendation = spec.recommendation;
  f.due = spec.due;
  const std::int64_t finding = detail::raise_finding(im, store_, by, f);  // its checks, its trail record
  im.db.prepare("INSERT INTO audit_workpaper_findings(workpaper, finding) VALUES (?,?)").bind_all(id, finding).run();
  im.trail(load_person(im.db, by).name, now_utc_iso())
      .append("audit_workpaper_finding", workpaper_link_key(id, finding), "insert",
              dump(json{{"workpaper", id}, {"finding", finding}}));
  im.commit();
  return finding;
}

WorkingPaper WorkingPapers::get(std::int64_t id) const { return load_paper(Store::Snapshot(store_).db, id); }

std::vector<WorkingPaper> WorkingPapers::list(std::int64_t cycle, std::optional<std::string> department) const {
  const Store::Snapshot snap(store_);
  snap.load_cycle(cycle);  // NotFoundError
  static const std::string all = "SELECT id FROM audit_workpapers WHERE cycle = ? ORDER BY department, item, id";
  static const std::string one =
      "SELECT id FROM audit_workpapers WHERE cycle = ? AND department = ? ORDER BY department, item, id";
  if (department) return papers_where(snap.db, one, cycle, normalise_key(*department));
  return papers_where(snap.db, all, cycle);
}

std::vector<WorkingPaper> WorkingPapers::for_finding(std::int64_t finding) const {
  const Store::Snapshot snap(store_);
  static const std::string sql = "SELECT workpaper FROM audit_workpaper_findings WHERE finding = ? ORDER BY workpaper";
  return papers_where(snap.db, sql, finding);
}

}  // namespace libaudit
