// Bindings of libaudit/followup/findings.h: the entities as read-only classes of libaudit._core
// (Person, Finding, Transition, CheckRequest, ExceptionRecord) whose attributes and to_dict()
// are generated from the field tables (libaudit/followup/fields.h), their rules (closed,
// is_overdue, in_force, …) bound from C++, and the facades' calls as module functions taking
// the _Store. libaudit.findings wraps the calls (store.people / store.findings /
// store.exceptions) and re-exports the classes.
//
// A date argument is None (today in Japan), an ISO date, an ISO 8601 time with a zone, a
// datetime.date, or a datetime.datetime (naive ones are UTC), taken as its date in Japan.
#include "libaudit/followup/findings.h"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <type_traits>

#include "bindings.h"
#include "libaudit/base/messages.h"
#include "libaudit/followup/fields.h"

namespace libaudit::python {

std::optional<Date> opt_date(const py::handle& when) {
  if (when.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(when)) return japan_date_of(when.cast<std::string>());
  const py::module_ dt = py::module_::import("datetime");
  if (py::isinstance(when, dt.attr("datetime"))) {
    const py::object utc = dt.attr("timezone").attr("utc");
    py::object t = py::reinterpret_borrow<py::object>(when);
    if (t.attr("tzinfo").is_none()) t = t.attr("replace")(py::arg("tzinfo") = utc);
    return japan_date_of(t.attr("astimezone")(utc).attr("isoformat")().cast<std::string>());
  }
  if (py::isinstance(when, dt.attr("date"))) return parse_date(when.attr("isoformat")().cast<std::string>());
  throw py::type_error(message("a date is None, an ISO string, a datetime.date or a datetime.datetime, not {type}",
                               fmt::arg("type", py::str(py::type::of(when)).cast<std::string>())));
}

std::optional<std::string> as_of_instant(const py::handle& when) {
  const std::optional<Date> d = opt_date(when);
  if (!d) return std::nullopt;
  return japan_day_end_utc(*d);
}

namespace {

// ---- Dates -------------------------------------------------------------------------------

// The date in Japan of a date argument (see the file comment); nullopt for None.
Date date_arg(const py::handle& when) { return opt_date(when).value_or(today_japan()); }

// ---- Values of members in Python -----------------------------------------------------------

py::object to_py(std::int64_t v) { return py::int_(v); }
py::object to_py(std::size_t v) { return py::int_(v); }
py::object to_py(int v) { return py::int_(v); }
py::object to_py(bool v) { return py::bool_(v); }
py::object to_py(const std::string& v) { return py::str(v); }
py::object to_py(const std::vector<std::string>& v) {
  py::tuple t(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) t[i] = py::str(v[i]);
  return t;
}
py::object to_py(const Date& v) { return py::str(v.to_string()); }
py::object to_py(const std::optional<CheckAnswer>& v) { return py::str(v ? to_string(*v) : std::string_view()); }
template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
py::object to_py(E v) {
  return py::str(std::string(to_string(v)));
}

// The entities as Python sees them: with what a query computed as of its day.
struct FindingView : Finding {
  int days_overdue = 0;  // Findings::overdue(): days past due
};
struct ExceptionView : ExceptionRecord {
  bool late_now = false;  // late(today, report_days) of the query
};

template <class T>
py::dict fields_dict(const T& x) {
  py::dict d;
  fields::for_each_field<T>([&](const auto& f) {
    if constexpr ((std::decay_t<decltype(f)>::use & fields::kPython) != 0)
      d[py::str(std::string(f.name))] = to_py(x.*f.member);
  });
  return d;
}

py::dict to_dict(const Person& p) { return fields_dict(p); }
py::dict to_dict(const Transition& t) { return fields_dict(t); }
py::dict to_dict(const CheckRequest& c) { return fields_dict(c); }
py::dict to_dict(const FindingView& f) {
  py::dict d = fields_dict<Finding>(f);
  d["days_overdue"] = f.days_overdue;
  return d;
}
py::dict to_dict(const ExceptionView& e) {
  py::dict d = fields_dict<ExceptionRecord>(e);
  d["late"] = e.late_now;
  return d;
}

// The Python type of what to_py() makes of a member (for the stubs: tools/entity_stubs.py).
template <class M>
constexpr const char* py_type() {
  if constexpr (std::is_same_v<M, bool>)
    return "bool";
  else if constexpr (std::is_integral_v<M>)
    return "int";
  else if constexpr (std::is_same_v<M, std::vector<std::string>>)
    return "tuple[str, ...]";
  else
    return "str";  // strings, dates, enums and check answers as their codes
}

// A read-only class `name` for C (T, or a view derived from T): one property per kPython field
// of T, to_dict(), equality, hashing and a repr, as the frozen dataclasses had; and
// __field_types__ ({attribute: Python type}, in the field table's order), from which
// tools/entity_stubs.py writes the properties into _core.pyi.
template <class C, class T = C>
py::class_<C> bind_entity(py::module_& m, const char* name, const char* doc) {
  py::class_<C> c(m, name, doc);
  py::dict types;
  fields::for_each_field<T>([&](const auto& f) {
    using Field = std::decay_t<decltype(f)>;
    if constexpr ((Field::use & fields::kPython) != 0) {
      auto member = f.member;
      c.def_property_readonly(std::string(f.name).c_str(), [member](const C& x) { return to_py(x.*member); });
      types[py::str(std::string(f.name))] = py::str(py_type<typename Field::Member>());
    }
  });
  c.attr("__field_types__") = types;
  c.def(
      "to_dict", [](const C& x) { return to_dict(x); }, "Plain data (English codes), as ``--json`` prints it.");
  c.def("__eq__", [](const C& a, const py::object& b) {
    return py::isinstance<C>(b) && to_dict(a).equal(to_dict(b.cast<const C&>()));
  });
  c.def("__hash__", [](const C& x) { return py::hash(py::tuple(to_dict(x).attr("values")())); });
  c.def("__repr__", [name](const C& x) {
    std::string out = std::string(name) + "(";
    bool first = true;
    for (const auto& [k, v] : to_dict(x)) {
      out += (first ? "" : ", ") + std::string(py::str(k)) + "=" + std::string(py::repr(v));
      first = false;
    }
    return out + ")";
  });
  return c;
}

template <class V, class T>
std::vector<V> views(std::vector<T> v) {
  std::vector<V> out;
  out.reserve(v.size());
  for (T& x : v) out.push_back(V{std::move(x)});
  return out;
}

// ---- The classes ----------------------------------------------------------------------------

void bind_classes(py::module_& m) {
  bind_entity<Person>(m, "Person", "Someone who acts: name (unique), the 課 they belong to, their roles.")
      .def("has", &Person::has, py::arg("role"));
  bind_entity<FindingView, Finding>(m, "Finding", "A finding (指摘事項) against one 課 and checklist items.")
      .def_readonly("days_overdue", &FindingView::days_overdue, "Days past due (Findings.overdue(); else 0).")
      .def_property_readonly("severity_label",
                             [](const FindingView& f) { return std::string(severity_label(f.severity)); })
      .def_property_readonly("state_label", [](const FindingView& f) { return std::string(state_label(f.state)); })
      .def_property_readonly(
          "closed", [](const FindingView& f) { return is_closed(f.state); }, "verified, risk_accepted or discarded.")
      .def(
          "is_overdue", [](const FindingView& f, const py::object& today) { return f.overdue(date_arg(today)); },
          py::arg("today") = py::none(), "Past its due date (in Japan) and not closed; drafts never are.")
      .def(
          "days_past_due",
          [](const FindingView& f, const py::object& today) { return f.days_past_due(date_arg(today)); },
          py::arg("today") = py::none(), "Days past due on `today` (in Japan) when overdue, else 0.");
  bind_entity<Transition>(m, "Transition", "One move of a finding: who, when, from, to, note.");
  bind_entity<CheckRequest>(m, "CheckRequest", "A 横展開 request: 課 `department` checks for the finding's problem.")
      .def_property_readonly("answered", [](const CheckRequest& c) { return c.answer.has_value(); });
  bind_entity<ExceptionView, ExceptionRecord>(m, "ExceptionRecord",
                                              "An exception (例外措置) from an item for a 課 (and a system).")
      .def_readonly("late", &ExceptionView::late_now,
                    "Emergency and not reported in time, as of the query's day and report window.")
      .def_property_readonly("status_label",
                             [](const ExceptionView& e) { return std::string(exception_status_label(e.status)); })
      .def(
          "in_force", [](const ExceptionView& e, const py::object& today) { return e.in_force(date_arg(today)); },
          py::arg("today") = py::none(), "Approved and `today` (in Japan) within [start, end].")
      .def(
          "expired", [](const ExceptionView& e, const py::object& today) { return e.expired(date_arg(today)); },
          py::arg("today") = py::none(), "Approved, and the period ended before `today` (in Japan).");
}

// ---- Vocabulary ---------------------------------------------------------------------------

template <class E, std::size_t N, class Label>
std::vector<std::pair<std::string, std::string>> labels(const E (&values)[N], Label label) {
  std::vector<std::pair<std::string, std::string>> out;
  for (E v : values) out.emplace_back(to_string(v), label(v));
  return out;
}

void bind_vocabulary(py::module_& m) {
  m.def("finding_severities", [] {
    constexpr Severity all[] = {Severity::major_nonconformity, Severity::minor_nonconformity, Severity::observation,
                                Severity::recommendation};
    return labels(all, severity_label);
  });
  m.def("finding_states", [] {
    constexpr FindingState all[] = {FindingState::draft,
                                    FindingState::open,
                                    FindingState::plan_submitted,
                                    FindingState::in_remediation,
                                    FindingState::remediation_reported,
                                    FindingState::verified,
                                    FindingState::risk_accepted,
                                    FindingState::discarded};
    return labels(all, state_label);
  });
  m.def("exception_statuses", [] {
    constexpr ExceptionStatus all[] = {ExceptionStatus::requested, ExceptionStatus::approved, ExceptionStatus::rejected,
                                       ExceptionStatus::taken, ExceptionStatus::reported};
    return labels(all, exception_status_label);
  });
  m.def("transition_rules", [] {
    py::list out;
    for (const TransitionRule& r : transition_rules()) {
      std::vector<std::string> roles(r.roles.begin(), r.roles.end());
      out.append(py::make_tuple(std::string(to_string(r.from)), std::string(to_string(r.to)), roles,
                                r.note.empty() ? std::string() : tr(r.note)));
    }
    return out;
  });
  m.def(
      "japan_date", [](const py::object& when) { return date_arg(when).to_string(); }, py::arg("when") = py::none(),
      "The ISO date in Japan of a date argument (None: today).");
  m.def("emergency_report_days", [] { return kEmergencyReportDays; });
}

// ---- People and findings ----------------------------------------------------------------------

void bind_people(py::module_& m) {
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
  m.def("person_list", [](Store& s) { return People(s).list(); });
  m.def("person_get", [](Store& s, std::string_view name) { return People(s).get(name); });
}

void bind_finding_calls(py::module_& m) {
  m.def("finding_raise", [](Store& s, std::string_view by, std::int64_t cycle, const std::string& dept,
                            const std::vector<std::string>& items, const std::string& severity,
                            const std::string& condition, const std::string& evidence,
                            const std::string& recommendation, const py::object& due) {
    FindingSpec spec{cycle, dept, items, parse_severity(severity), condition, evidence, recommendation, date_arg(due)};
    return Findings(s).raise(by, spec);
  });
  m.def("finding_move", [](Store& s, std::string_view by, std::int64_t id, const std::string& to,
                           const std::string& note) { Findings(s).move(by, id, parse_finding_state(to), note); });
  m.def("finding_get", [](Store& s, std::int64_t id) { return FindingView{Findings(s).get(id)}; });
  m.def("finding_list", [](Store& s, std::optional<std::int64_t> cycle, std::optional<std::string> dept,
                           std::optional<std::string> state, bool overdue, bool drafts, const py::object& today) {
    FindingFilter f;
    f.cycle = cycle;
    f.department = dept;
    if (state) f.state = parse_finding_state(*state);
    f.overdue_only = overdue;
    f.include_drafts = drafts;
    return views<FindingView>(Findings(s).list(f, opt_date(today)));
  });
  m.def("finding_history", [](Store& s, std::int64_t id) { return Findings(s).history(id); });
  m.def("finding_overdue", [](Store& s, const py::object& today) {
    std::vector<FindingView> out;
    for (OverdueFinding& o : Findings(s).overdue(opt_date(today))) out.push_back({std::move(o.finding), o.days});
    return out;
  });
  m.def("finding_overdue_by_department", [](Store& s, const py::object& today) {
    py::list out;
    for (const OverdueByDepartment& g : Findings(s).overdue_by_department(opt_date(today)))
      out.append(py::make_tuple(g.department, g.name, g.count, g.oldest_days, g.findings));
    return out;
  });
  m.def("finding_spread", [](Store& s, std::string_view by, std::int64_t id, const std::vector<std::string>& depts) {
    return Findings(s).spread(by, id, depts);
  });
  m.def("finding_answer_check", [](Store& s, std::string_view by, std::int64_t request, const std::string& answer,
                                   const std::string& note, const py::object& due) {
    return Findings(s).answer_check(by, request, parse_check_answer(answer), note, opt_date(due));
  });
  m.def("finding_checks", [](Store& s, std::int64_t id) { return Findings(s).checks(id); });
  m.def("finding_promote", [](Store& s, std::string_view by, std::int64_t from, std::int64_t into, bool include_partial,
                              const py::object& due) {
    PromoteOptions o;
    o.include_partial = include_partial;
    o.due = opt_date(due);
    const PromoteResult r = Findings(s).promote(by, from, into, o);
    return std::make_pair(r.created, r.skipped);
  });
}

// ---- Exceptions ---------------------------------------------------------------------------

std::vector<ExceptionView> late_marked(std::vector<ExceptionRecord> v, const Date& today, int report_days) {
  std::vector<ExceptionView> out = views<ExceptionView>(std::move(v));
  for (ExceptionView& e : out) e.late_now = e.late(today, report_days);
  return out;
}

void bind_exceptions(py::module_& m) {
  m.def("exception_request", [](Store& s, std::string_view by, const std::string& dept, const std::string& item,
                                const std::string& system, const std::string& reason, const std::string& measure,
                                const py::object& start, const py::object& end, bool emergency) {
    ExceptionSpec spec{dept, item, system, reason, measure, date_arg(start), date_arg(end), emergency};
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
  m.def("exception_get", [](Store& s, std::int64_t id, const py::object& today, int report_days) {
    return late_marked({Exceptions(s).get(id)}, date_arg(today), report_days).front();
  });
  m.def("exception_list", [](Store& s, const std::string& which, int days, const py::object& today, int report_days) {
    const Exceptions x(s);
    const Date d = date_arg(today);
    std::vector<ExceptionRecord> v;
    if (which == "in_force")
      v = x.in_force(d);
    else if (which == "expiring")
      v = x.expiring(days, d);
    else if (which == "expired")
      v = x.expired(d);
    else if (which == "late")
      v = x.late(days, d);
    else if (which == "all")
      v = x.list();
    else
      throw py::value_error(message("unknown exception list '{list}': all, in_force, expiring, expired or late",
                                    fmt::arg("list", which)));
    return late_marked(std::move(v), d, report_days);
  });
  m.def("exceptions_for_scoring", [](Store& s, std::int64_t cycle, const py::object& as_of) {
    const auto set = Exceptions(s).for_scoring(cycle, s.cycle_point(cycle, as_of_instant(as_of)));
    return std::vector<std::pair<std::string, std::string>>(set.begin(), set.end());
  });
}

}  // namespace

void bind_findings(py::module_& m) {
  bind_classes(m);
  bind_vocabulary(m);
  bind_people(m);
  bind_finding_calls(m);
  bind_exceptions(m);
}

}  // namespace libaudit::python
