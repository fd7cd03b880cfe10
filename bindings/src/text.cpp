#include <pybind11/stl.h>

#include "bindings.h"
#include "libaudit/base/csv.h"
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
  m.def(
      "read_csv_table",
      [](const py::bytes& data, std::string_view source, std::string_view encoding) {
        const std::string bytes = data;
        const csv::Encoding e = csv::parse_encoding(encoding);
        csv::Table t = csv::parse(csv::decode(bytes, e, source), source);
        std::vector<std::pair<int, std::vector<std::string>>> records;
        for (csv::Record& r : t.records) records.emplace_back(r.line, std::move(r.fields));
        return std::make_pair(std::move(t.header), std::move(records));
      },
      py::arg("data"), py::arg("source"), py::arg("encoding") = "detect",
      "CSV bytes through the core's reader (libaudit/base/csv.h: encoding detection, BOM, CP932, RFC 4180): "
      "(header, [(line, fields)]). ValidationError with every located problem.");
}

}  // namespace libaudit::python
