// Test checklists written as YAML (what Checklist::from_yaml reads): the head every test
// checklist starts with (テスト点検表 of テスト市, source テスト基準), a section heading and an
// item in the block style, so that a test spells out only the items it is about.
#pragma once

#include <string>

namespace libaudit::testing {

// Everything before the first section.
inline const std::string kChecklistHead = R"yaml(format: 1
id: t
title: テスト点検表
version: "1"
body: テスト市
source: {document: t.txt, title: テスト基準}
sections:
)yaml";

// A section's heading, up to and with its `items:` line.
inline std::string section_yaml(const std::string& id, const std::string& clause, const std::string& title) {
  return "  - id: \"" + id + "\"\n    clause: \"" + clause + "\"\n    title: " + title + "\n    items:\n";
}

// The head and the one section of the store-stage tests' checklists: 8, 評価及び見直し (clause ８).
inline const std::string kEvaluationChecklistHead = kChecklistHead + section_yaml("8", "８", "評価及び見直し");

// Item `id` ("<section>.<n>", clause "<section>(<n>)") with its text, question and roles (the
// inside of the YAML list: "staff", "security_manager, staff"), then `more`: further keys as
// whole lines, indented as the item's keys are.
inline std::string item_yaml(const std::string& id, const std::string& text, const std::string& question,
                             const std::string& roles, const std::string& more = "") {
  const std::size_t dot = id.find('.');
  return "      - id: \"" + id + "\"\n        clause: \"" + id.substr(0, dot) + "(" + id.substr(dot + 1) +
         ")\"\n        text: " + text + "\n        question: " + question + "\n        roles: [" + roles + "]\n" + more;
}

// The `more` of an item asked only of the 課 that own a system.
inline const std::string kSystemOwnersOnly = "        applies_to: {departments: system_owners}\n";

// The auditee cooperates with the audit (8.1 of the store and follow-up tests).
inline std::string cooperation_item(const std::string& id) {
  return item_yaml(id, "被監査部門は、監査の実施に協力しなければならない。", "監査の実施に協力しているか。", "auditee");
}

}  // namespace libaudit::testing
