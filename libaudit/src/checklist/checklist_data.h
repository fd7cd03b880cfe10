// The representation behind a Checklist (libaudit/checklist/checklist.h), for the checklist
// stage's own code: the loader builds one, checklist_for_body (profile.cpp) derives one from a
// model's. Immutable once a Checklist holds it; index() must run after any change to the items or
// sections.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "libaudit/checklist/checklist.h"

namespace libaudit {

struct Checklist::Data {
  int format = 1;
  ChecklistKind kind = ChecklistKind::body;
  std::string id, title, version, body, description, origin, secretariat;
  SourceDocument source;
  std::vector<RoleDefinition> roles;
  std::map<std::string, std::string> tier_names;
  std::vector<Section> sections;
  std::vector<Item> items;
  std::unordered_map<std::string, std::size_t> item_index;
  std::unordered_map<std::string, const Section*> section_index;
  std::vector<std::size_t> item_chapter;  // index into sections, per item

  void index() {
    item_index.clear();
    section_index.clear();
    item_chapter.assign(items.size(), 0);
    for (std::size_t i = 0; i < items.size(); ++i) item_index.emplace(items[i].id, i);
    for (std::size_t c = 0; c < sections.size(); ++c) index_section(sections[c], c);
  }
  void index_section(const Section& s, std::size_t chapter) {
    section_index.emplace(s.id, &s);
    for (std::size_t i : s.items) item_chapter[i] = chapter;
    for (const Section& sub : s.sections) index_section(sub, chapter);
  }
};

}  // namespace libaudit
