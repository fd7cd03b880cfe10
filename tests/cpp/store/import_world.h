// The bulk-import tests' world: one 部 with n 課 (K1000…, row ids in that order), a checklist
// of one chapter with `items` staff items (8.1 … 8.<items>) and an open cycle over every 課.
#pragma once

#include <string>
#include <vector>

#include "checklist_yaml.h"
#include "libaudit/store/store.h"

namespace libaudit::testing {

inline std::string import_checklist_yaml(int items) {
  std::string y = kEvaluationChecklistHead;
  for (int k = 1; k <= items; ++k) {
    const std::string n = std::to_string(k);
    y += item_yaml("8." + n, "職員は、項目" + n + "を実施しなければならない。", "項目" + n + "を実施しているか。",
                   "staff");
  }
  return y;
}

// The code of 課 k.
inline std::string import_code(int k) { return "K" + std::to_string(1000 + k); }

// The world in `s`; returns the cycle.
inline std::int64_t import_world(Store& s, int departments, int items) {
  std::vector<DepartmentRow> depts = {{Department{"B", "総務部", "", "", ""}, 1}};
  for (int k = 0; k < departments; ++k)
    depts.push_back({Department{import_code(k), "課" + std::to_string(k), "B", "", ""}, k + 2});
  s.import_departments("t", depts);
  const auto cl = s.import_checklist("t", Checklist::from_yaml(import_checklist_yaml(items)));
  const auto cycle = s.create_cycle("t", CycleSpec{"令和6年度", CycleKind::self_inspection, 2024, cl, {}});
  s.open_cycle("t", cycle);
  return cycle;
}

}  // namespace libaudit::testing
