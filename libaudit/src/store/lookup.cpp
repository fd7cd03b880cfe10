// Stored things as a person names them: a checklist version by the store's row id, the
// checklist's own id or id@version (Store::find_checklist); which cycle comes before which
// (earlier_cycle).
#include <algorithm>
#include <string>
#include <vector>

#include "libaudit/base/error.h"
#include "libaudit/base/messages.h"
#include "libaudit/store/store.h"
#include "store/store_internal.h"

namespace libaudit {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string stored_list(const std::vector<StoredChecklist>& all) {
  std::string out;
  for (const StoredChecklist& c : all) out += (out.empty() ? "" : ", ") + c.checklist_id + "@" + c.version;
  return out;
}

}  // namespace

StoredChecklist Store::find_checklist(std::string_view ref) const {
  const std::string key = detail::normalise_key(ref);
  const std::vector<StoredChecklist> all = checklists();
  if (all_digits(key)) {
    const std::int64_t row = std::stoll(key);
    for (const StoredChecklist& c : all)
      if (c.id == row) return c;
  }
  const std::size_t at = key.rfind('@');
  const std::string id = key.substr(0, at);
  const std::string version = at == std::string::npos ? std::string() : key.substr(at + 1);
  std::vector<StoredChecklist> versions;
  for (const StoredChecklist& c : all)
    if (detail::normalise_key(c.checklist_id) == id && (version.empty() || detail::normalise_key(c.version) == version))
      versions.push_back(c);
  if (versions.size() == 1) return versions.front();
  if (all.empty())
    throw NotFoundError(
        message("the store holds no checklist yet, so not '{ref}': import one with libaudit "
                "checklist import DB FILE.yaml",
                fmt::arg("ref", key)));
  if (versions.empty())
    throw NotFoundError(message("the store holds no checklist '{ref}' (stored: {stored}; libaudit checklist list DB)",
                                fmt::arg("ref", key), fmt::arg("stored", stored_list(all))));
  throw ValidationError({Diagnostic{
      "<checklist>", 1, 1,
      message("the store holds {count} versions of checklist '{id}': name one as {id}@VERSION ({versions})",
              fmt::arg("count", versions.size()), fmt::arg("id", id), fmt::arg("versions", stored_list(versions)))}});
}

bool earlier_cycle(const Cycle& a, const Cycle& b) noexcept {
  if (a.fiscal_year != b.fiscal_year) return a.fiscal_year < b.fiscal_year;
  return a.id < b.id;
}

}  // namespace libaudit
