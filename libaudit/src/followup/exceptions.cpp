// Exceptions (例外措置; 小牧市 7(7) for one body): request, CISO approval or rejection, emergency exceptions
// reported afterwards, expiry, and the set in force that scoring leaves out (findings.h).
#include <algorithm>
#include <memory>

#include "followup/findings_internal.h"
#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"

namespace libaudit {

using namespace detail;

std::string_view to_string(ExceptionStatus s) noexcept { return enum_id(Vocabulary::exception_status, s, "requested"); }

std::string_view exception_status_label(ExceptionStatus s) noexcept {
  return label_of(Vocabulary::exception_status, to_string(s));
}

ExceptionStatus detail::parse_exception_status(std::string_view s) {
  if (const auto v = enum_of_id<ExceptionStatus>(Vocabulary::exception_status, s)) return *v;
  throw ValidationError(
      {Diagnostic{"<exception>", 1, 1, message("unknown exception status '{status}'", fmt::arg("status", s))}});
}

bool ExceptionRecord::late(const Date& today, int report_days) const {
  if (!emergency) return false;
  const Date deadline = add_days(start, report_days);
  if (reported_at.empty()) return status == ExceptionStatus::taken && today > deadline;
  return japan_date_of(reported_at) > deadline;
}

namespace {

ExceptionRecord load_exception(sql::Db& db, std::int64_t id) {
  return load_by_id<ExceptionRecord>(db, id, message("no exception with id {id}", fmt::arg("id", id)));
}

void write_exception(Store::Transaction& im, const ExceptionRecord& e, const std::string& actor,
                     const std::string& at) {
  im.db
      .prepare(
          "UPDATE exceptions SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, reported_at = ? "
          "WHERE id = ?")
      .bind_all(to_string(e.status), e.decided_by, e.decided_at, e.decision_note, e.reported_at, e.id)
      .run();
  TrailWriter& trail = im.trail(actor, at);
  trail.append("exception", std::to_string(e.id), "update", exception_state(e));
}

std::vector<ExceptionRecord> all(Store& store) {
  const Store::Snapshot im(store);
  return load_rows<ExceptionRecord>(im.db, " ORDER BY id");
}

}  // namespace

std::int64_t Exceptions::request(std::string_view by, const ExceptionSpec& spec) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  ExceptionRecord e;
  e.department = require_leaf(im.db, spec.department);
  const bool ok = p.has("ciso") || manages_department(im.db, p, e.department);
  if (!ok)
    throw RoleError(
        message("{name} ({roles}, of {own}) cannot request an exception for department {department}: it needs "
                "its security_manager, security_officer or system_administrator",
                fmt::arg("name", p.name), fmt::arg("roles", roles_text(p)), fmt::arg("own", p.department),
                fmt::arg("department", e.department)));
  std::vector<Diagnostic> diags;
  e.item = normalise_key(spec.item);
  {
    sql::Stmt s = im.db.prepare("SELECT 1 FROM items WHERE item_id = ? LIMIT 1");
    s.bind(1, e.item);
    if (e.item.empty() || !s.step())
      diags.push_back(
          {"<exception>", 1, 1, message("item '{item}' is in no stored checklist", fmt::arg("item", e.item))});
  }
  e.system = std::string(text::trim(spec.system));
  if (!e.system.empty()) {
    sql::Stmt s =
        im.db.prepare("SELECT d.code FROM systems s JOIN departments d ON d.id = s.department_id WHERE s.name = ?");
    s.bind(1, e.system);
    if (!s.step())
      diags.push_back({"<exception>", 1, 1, message("no system named '{system}'", fmt::arg("system", e.system))});
    else if (s.text(0) != e.department)
      diags.push_back({"<exception>", 1, 1,
                       message("system '{system}' belongs to {owner}, not {department}", fmt::arg("system", e.system),
                               fmt::arg("owner", s.str(0)), fmt::arg("department", e.department))});
  }
  e.reason = std::string(text::trim(spec.reason));
  e.compensating_measure = std::string(text::trim(spec.compensating_measure));
  if (e.reason.empty())
    diags.push_back({"<exception>", 1, 1, tr("the reason is empty: an exception needs a reasonable cause")});
  for (const std::string* f : {&e.reason, &e.compensating_measure})
    if (text::find_invalid_utf8(*f)) diags.push_back({"<exception>", 1, 1, tr("a text field is not valid UTF-8")});
  e.start = spec.start;
  e.end = spec.end;
  if (e.end < e.start)
    diags.push_back({"<exception>", 1, 1,
                     message("the period ends ({end}) before it starts ({start})", fmt::arg("end", e.end.to_string()),
                             fmt::arg("start", e.start.to_string()))});
  if (!diags.empty()) throw ValidationError(std::move(diags));
  e.emergency = spec.emergency;
  e.status = spec.emergency ? ExceptionStatus::taken : ExceptionStatus::requested;
  e.requested_by = p.name;
  e.requested_at = now_utc_iso();
  e.id = insert_row(im.db, e);
  TrailWriter& trail = im.trail(p.name, e.requested_at);
  trail.append("exception", std::to_string(e.id), "insert", exception_state(e));
  im.commit();
  return e.id;
}

namespace {
void decide(Store& store, std::string_view by, std::int64_t id, std::string_view note, ExceptionStatus to) {
  Store::Transaction im(store);
  const Person p = load_person(im.db, by);
  ExceptionRecord e = load_exception(im.db, id);
  if (!p.has("ciso")) {
    // fmt::arg keeps a reference: the values live here.
    const std::string roles_of_p = roles_text(p);
    const std::string_view ciso_label = label_of(Vocabulary::role, "ciso");
    const auto name = fmt::arg("name", p.name);
    const auto roles = fmt::arg("roles", roles_of_p);
    const auto ciso = fmt::arg("ciso", ciso_label);
    throw RoleError(to == ExceptionStatus::approved
                        ? message("{name} ({roles}) cannot approve an exception: exceptions are decided by the CISO "
                                  "({ciso}) alone",
                                  name, roles, ciso)
                        : message("{name} ({roles}) cannot reject an exception: exceptions are decided by the CISO "
                                  "({ciso}) alone",
                                  name, roles, ciso));
  }
  if (e.status != ExceptionStatus::requested && e.status != ExceptionStatus::reported)
    throw TransitionError(
        e.status == ExceptionStatus::taken
            ? message("exception {exception} is {status}; only a requested one, or a reported emergency one, can be "
                      "decided (report it to the CISO first)",
                      fmt::arg("exception", id), fmt::arg("status", to_string(e.status)))
            : message("exception {exception} is {status}; only a requested one, or a reported emergency one, can be "
                      "decided",
                      fmt::arg("exception", id), fmt::arg("status", to_string(e.status))));
  e.status = to;
  e.decided_by = p.name;
  e.decided_at = now_utc_iso();
  e.decision_note = std::string(text::trim(note));
  write_exception(im, e, p.name, e.decided_at);
  im.commit();
}
}  // namespace

Store& Exceptions::writable() const {
  if (read_only_) throw StoreError(tr("these Exceptions were built from a const Store: read-only"));
  return store_;
}

void Exceptions::approve(std::string_view by, std::int64_t id, std::string_view note) {
  decide(writable(), by, id, note, ExceptionStatus::approved);
}

void Exceptions::reject(std::string_view by, std::int64_t id, std::string_view note) {
  decide(writable(), by, id, note, ExceptionStatus::rejected);
}

void Exceptions::report(std::string_view by, std::int64_t id, std::string_view note) {
  Store::Transaction im(writable());
  const Person p = load_person(im.db, by);
  ExceptionRecord e = load_exception(im.db, id);
  if (!e.emergency || e.status != ExceptionStatus::taken)
    throw TransitionError(
        e.emergency ? message("exception {exception} is {status}; only an emergency exception taken and not yet "
                              "reported can be reported",
                              fmt::arg("exception", id), fmt::arg("status", to_string(e.status)))
                    : message("exception {exception} is {status} and not an emergency one; only an emergency exception "
                              "taken and not yet reported can be reported",
                              fmt::arg("exception", id), fmt::arg("status", to_string(e.status))));
  const bool ok = p.has("ciso") || manages_department(im.db, p, e.department);
  if (!ok)
    throw RoleError(message("{name} ({roles}) cannot report for department {department}", fmt::arg("name", p.name),
                            fmt::arg("roles", roles_text(p)), fmt::arg("department", e.department)));
  e.status = ExceptionStatus::reported;
  e.reported_at = now_utc_iso();
  if (!note.empty()) e.decision_note = std::string(text::trim(note));
  write_exception(im, e, p.name, e.reported_at);
  im.commit();
}

ExceptionRecord Exceptions::get(std::int64_t id) const { return load_exception(Store::Snapshot(store_).db, id); }

std::vector<ExceptionRecord> Exceptions::list() const { return all(store_); }

namespace {
// The exceptions of `store` for which keep(e) holds, by id.
template <class Keep>
std::vector<ExceptionRecord> where(Store& store, Keep keep) {
  std::vector<ExceptionRecord> out;
  for (ExceptionRecord& e : all(store))
    if (keep(e)) out.push_back(std::move(e));
  return out;
}
}  // namespace

std::vector<ExceptionRecord> Exceptions::in_force(std::optional<Date> today) const {
  const Date d = today.value_or(today_japan());
  return where(store_, [&](const ExceptionRecord& e) { return e.in_force(d); });
}

std::vector<ExceptionRecord> Exceptions::expiring(int within_days, std::optional<Date> today) const {
  const Date d = today.value_or(today_japan());
  const Date until = add_days(d, within_days);
  std::vector<ExceptionRecord> out = where(store_, [&](const auto& e) { return e.in_force(d) && e.end <= until; });
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.end < b.end; });
  return out;
}

std::vector<ExceptionRecord> Exceptions::expired(std::optional<Date> today) const {
  const Date d = today.value_or(today_japan());
  return where(store_, [&](const ExceptionRecord& e) { return e.expired(d); });
}

std::vector<ExceptionRecord> Exceptions::late(int report_days, std::optional<Date> today) const {
  const Date d = today.value_or(today_japan());
  return where(store_, [&](const ExceptionRecord& e) { return e.late(d, report_days); });
}

std::set<std::pair<std::string, std::string>> Exceptions::for_scoring(std::int64_t cycle,
                                                                      std::optional<TrailPoint> point) const {
  const Cycle c = store_.cycle(cycle);  // NotFoundError
  const TrailPoint at = point ? *point : store_.cycle_point(cycle);
  std::set<std::string> items;
  {
    const Store::Snapshot im(store_);
    sql::Stmt s = im.db.prepare("SELECT item_id FROM items WHERE checklist = ?");
    s.bind(1, c.checklist);
    while (s.step()) items.insert(s.str(0));
  }
  std::set<std::pair<std::string, std::string>> out;
  for (const ExceptionRecord& e : followup_at(store_, at).exceptions)
    if (e.counts_for(c.fiscal_year) && items.count(e.item) &&
        std::binary_search(c.departments.begin(), c.departments.end(), e.department))
      out.emplace(e.department, e.item);
  return out;
}

}  // namespace libaudit
