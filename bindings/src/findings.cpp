// Bindings of libaudit/followup/findings.h as module functions of libaudit._core taking the _Store.
// libaudit.findings wraps them (store.people / store.findings / store.exceptions) and turns the
// dicts returned here into plain objects. Dates cross as ISO strings ("2025-03-31"); an empty
// string means "today in Japan".
#include "libaudit/followup/findings.h"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"

namespace libaudit::python {

namespace {

std::optional<Date> opt_date(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return parse_date(s);
}

py::dict to_dict(const Person& p) {
  py::dict o;
  o["name"] = p.name;
  o["department"] = p.department;
  o["roles"] = p.roles;
  return o;
}

py::dict to_dict(const Finding& f) {
  py::dict o;
  o["id"] = f.id;
  o["cycle"] = f.cycle;
  o["department"] = f.department;
  o["items"] = f.items;
  o["severity"] = std::string(to_string(f.severity));
  o["state"] = std::string(to_string(f.state));
  o["condition"] = f.condition;
  o["criterion"] = f.criterion;
  o["evidence"] = f.evidence;
  o["recommendation"] = f.recommendation;
  o["due"] = f.due.to_string();
  o["raised_by"] = f.raised_by;
  o["raised_at"] = f.raised_at;
  o["source_finding"] = f.source_finding;
  o["promoted_from"] = f.promoted_from;
  o["remediated_by"] = f.remediated_by;
  o["updated_at"] = f.updated_at;
  o["checks_open"] = f.checks_open;
  o["checks_total"] = f.checks_total;
  return o;
}

py::dict to_dict(const Transition& t) {
  py::dict o;
  o["id"] = t.id;
  o["finding"] = t.finding;
  o["from_state"] = std::string(to_string(t.from));
  o["to_state"] = std::string(to_string(t.to));
  o["by"] = t.by;
  o["at"] = t.at;
  o["note"] = t.note;
  return o;
}

py::dict to_dict(const CheckRequest& c) {
  py::dict o;
  o["id"] = c.id;
  o["finding"] = c.finding;
  o["department"] = c.department;
  o["requested_by"] = c.requested_by;
  o["requested_at"] = c.requested_at;
  o["answer"] = c.answer ? std::string(to_string(*c.answer)) : std::string();
  o["answered_by"] = c.answered_by;
  o["answered_at"] = c.answered_at;
  o["note"] = c.note;
  o["linked_finding"] = c.linked_finding;
  return o;
}

py::dict to_dict(const ExceptionRecord& e) {
  py::dict o;
  o["id"] = e.id;
  o["department"] = e.department;
  o["item"] = e.item;
  o["system"] = e.system;
  o["reason"] = e.reason;
  o["compensating_measure"] = e.compensating_measure;
  o["start"] = e.start.to_string();
  o["end"] = e.end.to_string();
  o["emergency"] = e.emergency;
  o["status"] = std::string(to_string(e.status));
  o["requested_by"] = e.requested_by;
  o["requested_at"] = e.requested_at;
  o["decided_by"] = e.decided_by;
  o["decided_at"] = e.decided_at;
  o["decision_note"] = e.decision_note;
  o["reported_at"] = e.reported_at;
  return o;
}

template <class T>
py::list dicts(const std::vector<T>& v) {
  py::list out;
  for (const T& x : v) out.append(to_dict(x));
  return out;
}

}  // namespace

void bind_findings(py::module_& m) {
  // -- vocabulary
  m.def("finding_severities", [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (Severity s : {Severity::major_nonconformity, Severity::minor_nonconformity, Severity::observation,
                       Severity::recommendation})
      out.emplace_back(to_string(s), severity_label(s));
    return out;
  });
  m.def("finding_states", [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (FindingState s : {FindingState::draft, FindingState::open, FindingState::plan_submitted,
                           FindingState::in_remediation, FindingState::remediation_reported, FindingState::verified,
                           FindingState::risk_accepted, FindingState::discarded})
      out.emplace_back(to_string(s), state_label(s));
    return out;
  });
  m.def("exception_statuses", [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (ExceptionStatus s : {ExceptionStatus::requested, ExceptionStatus::approved, ExceptionStatus::rejected,
                              ExceptionStatus::taken, ExceptionStatus::reported})
      out.emplace_back(to_string(s), exception_status_label(s));
    return out;
  });
  m.def("transition_rules", [] {
    py::list out;
    for (const TransitionRule& r : transition_rules()) {
      std::vector<std::string> roles(r.roles.begin(), r.roles.end());
      out.append(
          py::make_tuple(std::string(to_string(r.from)), std::string(to_string(r.to)), roles, std::string(r.note)));
    }
    return out;
  });
  m.def("emergency_report_days", [] { return kEmergencyReportDays; });

  // -- people
  m.def("person_put", [](Store& s, std::string_view actor, const std::string& name, const std::string& dept,
                         const std::string& roles) {
    return import_result_dict(People(s).import_rows(actor, {PersonRow{name, dept, roles, 1}}, "<person>"));
  });
  m.def("person_import", [](Store& s, std::string_view actor, const std::vector<std::vector<std::string>>& rows) {
    std::vector<PersonRow> in;
    int line = 0;
    for (const auto& r : rows) {
      ++line;
      in.push_back({r.size() > 0 ? r[0] : "", r.size() > 1 ? r[1] : "", r.size() > 2 ? r[2] : "", line});
    }
    return import_result_dict(People(s).import_rows(actor, in));
  });
  m.def("person_import_csv",
        [](Store& s, std::string_view actor, const std::filesystem::path& f, std::string_view encoding) {
          return import_result_dict(People(s).import_csv(actor, f, csv::parse_encoding(encoding)));
        });
  m.def("person_list", [](Store& s) { return dicts(People(s).list()); });
  m.def("person_get", [](Store& s, std::string_view name) { return to_dict(People(s).get(name)); });

  // -- findings
  m.def("finding_raise",
        [](Store& s, std::string_view by, std::int64_t cycle, const std::string& dept,
           const std::vector<std::string>& items, const std::string& severity, const std::string& condition,
           const std::string& evidence, const std::string& recommendation, const std::string& due) {
          FindingSpec spec{cycle,     dept,     items,          parse_severity(severity),
                           condition, evidence, recommendation, parse_date(due)};
          return Findings(s).raise(by, spec);
        });
  m.def("finding_move", [](Store& s, std::string_view by, std::int64_t id, const std::string& to,
                           const std::string& note) { Findings(s).move(by, id, parse_finding_state(to), note); });
  m.def("finding_get", [](Store& s, std::int64_t id) { return to_dict(Findings(s).get(id)); });
  m.def("finding_list", [](Store& s, std::optional<std::int64_t> cycle, std::optional<std::string> dept,
                           std::optional<std::string> state, bool overdue, bool drafts, const std::string& today) {
    FindingFilter f;
    f.cycle = cycle;
    f.department = dept;
    if (state) f.state = parse_finding_state(*state);
    f.overdue_only = overdue;
    f.include_drafts = drafts;
    return dicts(Findings(s).list(f, opt_date(today)));
  });
  m.def("finding_history", [](Store& s, std::int64_t id) { return dicts(Findings(s).history(id)); });
  m.def("finding_overdue", [](Store& s, const std::string& today) {
    py::list out;
    for (const OverdueFinding& o : Findings(s).overdue(opt_date(today))) {
      py::dict d = to_dict(o.finding);
      d["days_overdue"] = o.days;
      out.append(d);
    }
    return out;
  });
  m.def("finding_overdue_by_department", [](Store& s, const std::string& today) {
    py::list out;
    for (const OverdueByDepartment& g : Findings(s).overdue_by_department(opt_date(today))) {
      py::dict d;
      d["department"] = g.department;
      d["name"] = g.name;
      d["count"] = g.count;
      d["oldest_days"] = g.oldest_days;
      d["findings"] = g.findings;
      out.append(d);
    }
    return out;
  });
  m.def("finding_spread", [](Store& s, std::string_view by, std::int64_t id, const std::vector<std::string>& depts) {
    return Findings(s).spread(by, id, depts);
  });
  m.def("finding_answer_check", [](Store& s, std::string_view by, std::int64_t request, const std::string& answer,
                                   const std::string& note, const std::string& due) {
    return Findings(s).answer_check(by, request, parse_check_answer(answer), note, opt_date(due));
  });
  m.def("finding_checks", [](Store& s, std::int64_t id) { return dicts(Findings(s).checks(id)); });
  m.def("finding_promote", [](Store& s, std::string_view by, std::int64_t from, std::int64_t into, bool include_partial,
                              const std::string& due) {
    PromoteOptions o;
    o.include_partial = include_partial;
    o.due = opt_date(due);
    const PromoteResult r = Findings(s).promote(by, from, into, o);
    py::dict d;
    d["created"] = r.created;
    d["skipped"] = r.skipped;
    return d;
  });

  // -- exceptions
  m.def("exception_request", [](Store& s, std::string_view by, const std::string& dept, const std::string& item,
                                const std::string& system, const std::string& reason, const std::string& measure,
                                const std::string& start, const std::string& end, bool emergency) {
    ExceptionSpec spec{dept, item, system, reason, measure, parse_date(start), parse_date(end), emergency};
    return Exceptions(s).request(by, spec);
  });
  m.def("exception_approve", [](Store& s, std::string_view by, std::int64_t id, const std::string& note) {
    Exceptions(s).approve(by, id, note);
  });
  m.def("exception_reject", [](Store& s, std::string_view by, std::int64_t id, const std::string& note) {
    Exceptions(s).reject(by, id, note);
  });
  m.def("exception_report", [](Store& s, std::string_view by, std::int64_t id, const std::string& note) {
    Exceptions(s).report(by, id, note);
  });
  m.def("exception_get", [](Store& s, std::int64_t id) { return to_dict(Exceptions(s).get(id)); });
  m.def("exception_list", [](Store& s, const std::string& which, int days, const std::string& today) {
    Exceptions x(s);
    const auto d = opt_date(today);
    if (which == "in_force") return dicts(x.in_force(d));
    if (which == "expiring") return dicts(x.expiring(days, d));
    if (which == "expired") return dicts(x.expired(d));
    if (which == "late") return dicts(x.late(days, d));
    return dicts(x.list());
  });
  m.def("exception_late_ids", [](Store& s, int days, const std::string& today) {
    std::vector<std::int64_t> out;
    for (const ExceptionRecord& e : Exceptions(s).late(days, opt_date(today))) out.push_back(e.id);
    return out;
  });
  m.def("exceptions_for_scoring", [](Store& s, std::int64_t cycle, const std::string& as_of) {
    const auto set = Exceptions(s).for_scoring(cycle, opt_date(as_of));
    return std::vector<std::pair<std::string, std::string>>(set.begin(), set.end());
  });
}

}  // namespace libaudit::python
