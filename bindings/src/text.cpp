// The base stage's bindings: text helpers, the label table (vocabulary.h), Japan time
// (fiscal_year.h) and the CSV reader (csv.h).
#include <pybind11/stl.h>

#include "bindings.h"
#include "libaudit/base/csv.h"
#include "libaudit/base/error.h"
#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"

namespace libaudit::python {

namespace {

std::vector<std::pair<std::string, std::string>> pairs(std::span<const Term> terms) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Term& t : terms) out.emplace_back(t.id, t.label);
  return out;
}

// The vocabulary named `name`; ValidationError (a ValueError in Python) naming them all otherwise.
Vocabulary vocabulary_named(std::string_view name) {
  if (const auto v = parse_vocabulary(name)) return *v;
  std::string all;
  for (Vocabulary v : vocabularies()) all += (all.empty() ? "" : ", ") + std::string(to_string(v));
  throw ValidationError(
      {Diagnostic{"<vocabulary>", 1, 1,
                  message("unknown vocabulary '{name}' ({names})", fmt::arg("name", name), fmt::arg("names", all))}});
}

}  // namespace

void bind_text(py::module_& m) {
  m.def(
      "use_catalog", [](const std::string& path) { use_catalog(path); }, py::arg("path"),
      "Translate the core's messages with the compiled gettext catalogue (.mo) at `path`.");
  m.def("use_no_catalog", &use_no_catalog, "The core's messages in the English of the code.");
  m.def("catalog_language", &catalog_language, "The language of the catalogue in use ('' for English).");
  m.def(
      "tr", [](std::string_view msgid) { return tr(msgid); }, py::arg("msgid"),
      "The core's translation of `msgid` (itself when the catalogue has none).");
  m.def(
      "display_width", [](std::string_view s) { return text::display_width(s); }, py::arg("text"),
      "Columns `text` takes in a terminal: East Asian wide and full-width characters count 2.");
  m.def(
      "nfkc", [](std::string_view s) { return text::nfkc(s); }, py::arg("text"),
      "Unicode NFKC normalisation (full-width digits and brackets become ASCII).");
  m.def(
      "builtin_roles", [] { return pairs(builtin_roles()); }, "DOMAIN.md roles as (id, Japanese label) pairs.");
  m.def(
      "tiers", [] { return pairs(tiers()); }, "Network tiers as (id, Japanese label) pairs.");

  // -- the label table
  m.def(
      "vocabularies",
      [] {
        std::vector<std::string> out;
        for (Vocabulary v : vocabularies()) out.emplace_back(to_string(v));
        return out;
      },
      "The names of the labelled vocabularies (answer, cycle_kind, …).");
  m.def(
      "terms", [](std::string_view vocabulary) { return pairs(terms(vocabulary_named(vocabulary))); },
      py::arg("vocabulary"),
      "A vocabulary's (id, Japanese label) pairs in display order. ValidationError for an unknown vocabulary.");
  m.def(
      "label",
      [](std::string_view vocabulary, std::string_view id) {
        return std::string(label_of(vocabulary_named(vocabulary), id));
      },
      py::arg("vocabulary"), py::arg("id"),
      "The Japanese label of an id ('' when the vocabulary has no such id). ValidationError for an unknown "
      "vocabulary.");

  // -- Japan time
  m.def(
      "japan_date_of", [](std::string_view iso) { return japan_date_of(iso).to_string(); }, py::arg("iso"),
      "The date in Japan (ISO) of an ISO 8601 timestamp with Z or ±HH:MM; a plain date as is.");
  m.def(
      "today_japan", [] { return today_japan().to_string(); }, "Today's date in Japan (UTC+9), ISO.");
  m.attr("JAPAN_UTC_OFFSET_MINUTES") = kJapanUtcOffsetMinutes;

  // -- CSV
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
  m.def(
      "neutralise_formula", [](std::string_view field) { return csv::neutralise_formula(field); }, py::arg("field"),
      "Text a spreadsheet would run as a formula (= + - @ TAB CR first) with a leading ' (csv.h); other text as is.");
}

}  // namespace libaudit::python
