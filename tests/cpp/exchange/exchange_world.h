// The exchange tests' world: the items their checklists are made of (checklist_yaml.h) and an
// organisation of 総務部 (100) with up to three 課 (101 総務課, 102 人事課, 103 市民課).
#pragma once

#include <string>
#include <vector>

#include "checklist_yaml.h"
#include "libaudit/store/store.h"

namespace libaudit::testing {

inline const std::string kActor = "テスト";

// The head and the section the exchange tests' checklists open with: 7, 運用.
inline const std::string kOperationsChecklistHead = kChecklistHead + section_yaml("7", "7", "運用");

// The security_manager monitors.
inline std::string monitoring_item(const std::string& id) {
  return item_yaml(id, "情報セキュリティ管理者は、監視しなければならない。", "監視しているか。", "security_manager");
}

// Staff take the training; `more` as item_yaml's.
inline std::string training_item(const std::string& id, const std::string& more = "") {
  return item_yaml(id, "職員等は、研修を受講しなければならない。", "研修を受講しているか。", "staff", more);
}

// The system_administrator keeps logs: asked only of the 課 that own a system.
inline std::string logging_item(const std::string& id) {
  return item_yaml(id, "情報システム管理者は、ログを取得しなければならない。", "ログを取得しているか。",
                   "system_administrator", kSystemOwnersOnly);
}

// 総務部 100 and one 課 a name in `managers` (101 総務課, 102 人事課, 103 市民課, in that order),
// each with that name as its manager ("" for none).
inline void put_departments(Store& store, const std::vector<std::string>& managers) {
  static const std::vector<std::string> kNames = {"総務課", "人事課", "市民課"};
  store.put_department(kActor, {"100", "総務部", "", "", "", false});
  for (std::size_t k = 0; k < managers.size(); ++k)
    store.put_department(kActor, {std::to_string(101 + k), kNames.at(k), "100", "", managers[k], true});
}

}  // namespace libaudit::testing
