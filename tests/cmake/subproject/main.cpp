// Links libaudit::libaudit from a project of its own and calls into an early and a later stage.
#include <iostream>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/checklist/checklist.h"

int main() {
  const auto checklist = libaudit::Checklist::from_yaml(R"yaml(id: sub
title: subproject
version: "1"
body: テスト市
source: {document: sub.txt, title: サブ}
roles: [staff]
sections:
  - id: "1"
    clause: "1"
    title: 組織体制
    items:
      - id: "1.1"
        clause: "1"
        text: 職員等は、定めなければならない。
        question: 定めているか。
        roles: [staff]
)yaml");
  const std::string label = libaudit::fiscal_year_label(2024);
  std::cout << "libaudit as a subproject: " << checklist.id() << ", " << label << "\n";
  return label == "令和6年度" && checklist.id() == "sub" ? 0 : 1;
}
