// Bindings of libaudit/audit/plan.h (and workpapers.h): the facades' calls as private module
// functions taking the _Store, each plan as its JSON (plan_json) parsed by libaudit.audit into
// dataclasses. Writes run without the GIL.
#include "libaudit/audit/plan.h"
#include "libaudit/audit/workpapers.h"

#include <pybind11/stl.h>

#include "bindings.h"
#include "libaudit/base/messages.h"

namespace libaudit::python {

namespace {

// f() with the GIL released; what it throws propagates with the GIL held again.
template <class F>
auto without_gil(F&& f) {
  py::gil_scoped_release nogil;
  return f();
}

py::object parsed(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

PlanOptions plan_options(int fiscal_year, int rotation, const std::vector<std::string>& auditors,
                         const py::handle& start) {
  PlanOptions o;
  o.fiscal_year = fiscal_year;
  o.rotation = rotation;
  o.auditors = auditors;
  o.start = opt_date(start);
  return o;
}

void bind_workpapers(py::module_& m) {
  m.def(
      "_workpaper_add",
      [](Store& store, const std::string& by, std::int64_t cycle, const std::string& dept, const std::string& item,
         const std::string& method, const std::string& observed, const std::string& judgement,
         const py::object& examined_on) {
        WorkingPaperSpec spec{cycle, dept, item, parse_audit_method(method), observed, {}, opt_date(examined_on)};
        if (!judgement.empty()) spec.judgement = parse_judgement(judgement);
        return without_gil([&] { return WorkingPapers(store).add(by, spec); });
      },
      py::arg("store"), py::arg("by"), py::arg("cycle"), py::arg("department"), py::arg("item"), py::arg("method"),
      py::arg("observed"), py::arg("judgement"), py::arg("examined_on"));
  m.def(
      "_workpaper_judge",
      [](Store& store, const std::string& by, std::int64_t paper, const std::string& judgement,
         const std::string& observed) {
        const Judgement j = parse_judgement(judgement);
        without_gil([&] { WorkingPapers(store).judge(by, paper, j, observed); });
      },
      py::arg("store"), py::arg("by"), py::arg("paper"), py::arg("judgement"), py::arg("observed"));
  m.def(
      "_workpaper_review",
      [](Store& store, const std::string& by, std::int64_t paper, const std::string& note) {
        without_gil([&] { WorkingPapers(store).review(by, paper, note); });
      },
      py::arg("store"), py::arg("by"), py::arg("paper"), py::arg("note"));
  m.def(
      "_workpaper_raise",
      [](Store& store, const std::string& by, std::int64_t paper, const std::string& severity,
         const std::string& condition, const std::string& recommendation, const py::object& due) {
        const std::optional<Date> day = opt_date(due);
        if (!day) throw ValidationError({Diagnostic{"<workpaper>", 1, 1, tr("give the finding's due date (--due)")}});
        const RaiseFromPaper spec{parse_severity(severity), condition, recommendation, *day};
        return without_gil([&] { return WorkingPapers(store).raise_finding(by, paper, spec); });
      },
      py::arg("store"), py::arg("by"), py::arg("paper"), py::arg("severity"), py::arg("condition"),
      py::arg("recommendation"), py::arg("due"));
  m.def(
      "_workpaper_get",
      [](const Store& store, std::int64_t paper) {
        return parsed(working_paper_json(WorkingPapers(store).get(paper)));
      },
      py::arg("store"), py::arg("paper"));
  m.def(
      "_workpaper_list",
      [](const Store& store, std::int64_t cycle, const std::optional<std::string>& dept) {
        return list_of(WorkingPapers(store).list(cycle, dept),
                       [](const WorkingPaper& p) { return parsed(working_paper_json(p)); });
      },
      py::arg("store"), py::arg("cycle"), py::arg("department"));
  m.def(
      "_workpaper_for_finding",
      [](const Store& store, std::int64_t finding) {
        return list_of(WorkingPapers(store).for_finding(finding),
                       [](const WorkingPaper& p) { return parsed(working_paper_json(p)); });
      },
      py::arg("store"), py::arg("finding"));
}

}  // namespace

void bind_audit(py::module_& m) {
  m.def(
      "_plan_compute",
      [](const Store& store, int fiscal_year, int rotation, const std::vector<std::string>& auditors,
         const py::object& start) {
        const PlanOptions o = plan_options(fiscal_year, rotation, auditors, start);
        return parsed(without_gil([&] { return plan_json(AuditPlans(store).compute(o)); }));
      },
      py::arg("store"), py::arg("fiscal_year"), py::arg("rotation"), py::arg("auditors"), py::arg("start"));
  m.def(
      "_plan_propose",
      [](Store& store, const std::string& by, int fiscal_year, int rotation, const std::vector<std::string>& auditors,
         const py::object& start) {
        const PlanOptions o = plan_options(fiscal_year, rotation, auditors, start);
        return parsed(without_gil([&] { return plan_json(AuditPlans(store).propose(by, o)); }));
      },
      py::arg("store"), py::arg("by"), py::arg("fiscal_year"), py::arg("rotation"), py::arg("auditors"),
      py::arg("start"));
  m.def(
      "_plan_get", [](const Store& store, std::int64_t plan) { return parsed(plan_json(AuditPlans(store).get(plan))); },
      py::arg("store"), py::arg("plan"));
  m.def(
      "_plan_list",
      [](const Store& store) {
        return list_of(AuditPlans(store).list(), [](const AuditPlan& p) { return parsed(plan_json(p)); });
      },
      py::arg("store"));
  m.def(
      "_plan_change",
      [](Store& store, const std::string& by, std::int64_t plan, const std::string& action, const std::string& dept,
         const std::string& value) {
        if (action != "add" && action != "remove" && action != "assign" && action != "schedule")
          throw py::value_error("unknown plan change " + action);
        AuditPlans plans(store);
        without_gil([&] {
          if (action == "add")
            plans.add(by, plan, dept, value);
          else if (action == "remove")
            plans.remove(by, plan, dept, value);
          else if (action == "assign")
            plans.assign(by, plan, dept, value);
          else
            plans.schedule(by, plan, dept, parse_date(value));
        });
      },
      py::arg("store"), py::arg("by"), py::arg("plan"), py::arg("action"), py::arg("department"), py::arg("value"));
  bind_workpapers(m);
  m.def(
      "_plan_approve",
      [](Store& store, const std::string& by, std::int64_t plan) {
        without_gil([&] { AuditPlans(store).approve(by, plan); });
      },
      py::arg("store"), py::arg("by"), py::arg("plan"));
}

}  // namespace libaudit::python
