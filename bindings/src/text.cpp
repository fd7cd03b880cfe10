#include <pybind11/stl.h>

#include "bindings.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"

namespace libaudit::python {

void bind_text(py::module_& m) {
  m.def(
      "display_width", [](std::string_view s) { return text::display_width(s); }, py::arg("text"),
      "Columns `text` takes in a terminal: East Asian wide and full-width characters count 2.");
  m.def(
      "nfkc", [](std::string_view s) { return text::nfkc(s); }, py::arg("text"),
      "Unicode NFKC normalisation (full-width digits and brackets become ASCII).");
  m.def(
      "builtin_roles",
      [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const Term& t : builtin_roles()) out.emplace_back(t.id, t.label);
        return out;
      },
      "DOMAIN.md roles as (id, Japanese label) pairs.");
  m.def(
      "tiers",
      [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const Term& t : tiers()) out.emplace_back(t.id, t.label);
        return out;
      },
      "Network tiers as (id, Japanese label) pairs.");
}

}  // namespace libaudit::python
