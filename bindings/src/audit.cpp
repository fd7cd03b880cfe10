// Bindings of libaudit/audit/plan.h (and workpapers.h): the facades' calls as private module
// functions taking the _Store, each plan as its JSON (plan_json) parsed by libaudit.audit into
// dataclasses. Writes run without the GIL.
#include "libaudit/audit/plan.h"

#include <pybind11/stl.h>

#include "bindings.h"

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
  m.def(
      "_plan_approve",
      [](Store& store, const std::string& by, std::int64_t plan) {
        without_gil([&] { AuditPlans(store).approve(by, plan); });
      },
      py::arg("store"), py::arg("by"), py::arg("plan"));
}

}  // namespace libaudit::python
