// The follow-up tests' world (findings_test, and scoring_test's exceptions case): two 部, four
// 課, a system, a self-inspection and an internal audit open, and the people who act in them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "checklist_yaml.h"
#include "libaudit/followup/findings.h"

namespace libaudit::testing {

inline const std::string kFollowupChecklist =
    kEvaluationChecklistHead + cooperation_item("8.1") +
    item_yaml("8.2", "情報システム管理者は、実施手順を維持しなければならない。", "実施手順を維持しているか。",
              "system_administrator", kSystemOwnersOnly);

struct World {
  Store s;
  std::int64_t checklist = 0, self_cycle = 0, audit = 0;
  explicit World(const std::filesystem::path& p = ":memory:") : s(Store::open(p)) {
    s.import_departments("t", {{Department{"1", "総務部", "", "", ""}, 2},
                               {Department{"11", "総務課", "1", "", ""}, 3},
                               {Department{"12", "人事課", "1", "", ""}, 4},
                               {Department{"13", "財政課", "1", "", ""}, 5},
                               {Department{"2", "監査部", "", "", ""}, 6},
                               {Department{"21", "監査課", "2", "", ""}, 7}});
    s.put_system("t", System{"人事給与", "12", "lgwan", false});
    checklist = s.import_checklist("t", Checklist::from_yaml(kFollowupChecklist));
    self_cycle = s.create_cycle("t", CycleSpec{"自己点検", CycleKind::self_inspection, 2024, checklist, {}});
    s.open_cycle("t", self_cycle);
    audit = s.create_cycle("t", CycleSpec{"内部監査", CycleKind::internal_audit, 2024, checklist, {}});
    s.open_cycle("t", audit);
    People ppl(s);
    ppl.put("t", {"監査A", "21", {"auditor"}});
    ppl.put("t", {"監査B", "21", {"auditor"}});
    ppl.put("t", {"統括", "21", {"chief_auditor"}});
    ppl.put("t", {"CISO", "1", {"ciso"}});
    ppl.put("t", {"課長11", "11", {"security_manager"}});
    ppl.put("t", {"課長12", "12", {"security_manager", "system_administrator"}});
    ppl.put("t", {"課長13", "13", {"security_manager"}});
    ppl.put("t", {"部長1", "1", {"security_officer"}});
    ppl.put("t", {"監査11", "11", {"auditor"}});  // an auditor who belongs to 総務課
  }
  std::int64_t raise(std::string dept = "11", Date due = {2025, 3, 31}) {
    return Findings(s).raise(
        "監査A",
        FindingSpec{
            audit, dept, {"8.1"}, Severity::minor_nonconformity, "協力記録なし", "面談", "記録を残すこと", due});
  }
  std::int64_t head() { return s.trail().size(); }
  std::int64_t rows(const char* table) {
    // Via verify's row count is too coarse; count with the public API instead.
    if (std::string(table) == "findings") return std::int64_t(Findings(s).list().size());
    return 0;
  }
};

}  // namespace libaudit::testing
