// Evidence files (libaudit/store/evidence.h) for libaudit.evidence: module functions that take
// the compiled store; revisions as dicts. Long copies run without the GIL.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"
#include "libaudit/store/evidence.h"

namespace libaudit::python {

namespace {

py::dict file_dict(const EvidenceFile& f) {
  return py::dict("id"_a = f.id, "revision"_a = f.revision, "target_kind"_a = f.target_kind,
                  "target_key"_a = f.target_key, "title"_a = f.title, "file_name"_a = f.file_name,
                  "media_type"_a = f.media_type, "sha256"_a = f.sha256, "size"_a = f.size,
                  "evidence_date"_a = f.evidence_date, "added_by"_a = f.added_by, "added_at"_a = f.added_at,
                  "status"_a = std::string(to_string(f.status)), "withdrawn_by"_a = f.withdrawn_by,
                  "withdrawn_at"_a = f.withdrawn_at, "withdraw_reason"_a = f.withdraw_reason,
                  "purged_by"_a = f.purged_by, "purged_at"_a = f.purged_at);
}

py::list files_list(const std::vector<EvidenceFile>& files) { return list_of(files, file_dict); }

EvidenceProgress progress_of(const py::object& progress) {
  if (progress.is_none()) return {};
  return [progress](std::int64_t done, std::int64_t total) {
    py::gil_scoped_acquire gil;
    progress(done, total);
  };
}

// Runs `run` without the GIL; the progress callback (holding a Python object) is made and
// dropped with the GIL held.
template <class Run>
auto without_gil(const py::object& progress, Run&& run) {
  EvidenceProgress p = progress_of(progress);
  py::gil_scoped_release nogil;
  return run(p);
}

EvidenceSpec spec_of(std::string kind, std::string key, std::string title, std::string date, std::string name) {
  return EvidenceSpec{std::move(kind), std::move(key), std::move(title), std::move(date), std::move(name)};
}

}  // namespace

void bind_evidence(py::module_& m) {
  m.def(
      "_evidence_add",
      [](Store& store, std::string_view actor, std::string kind, std::string key, const std::filesystem::path& source,
         std::string title, std::string date, std::string name, const py::object& progress) {
        const EvidenceSpec spec =
            spec_of(std::move(kind), std::move(key), std::move(title), std::move(date), std::move(name));
        return file_dict(without_gil(
            progress, [&](const EvidenceProgress& p) { return Evidence(store).add(actor, spec, source, p); }));
      },
      py::arg("store"), py::arg("actor"), py::arg("target_kind"), py::arg("target_key"), py::arg("source"),
      py::arg("title") = "", py::arg("evidence_date") = "", py::arg("file_name") = "", py::arg("progress") = py::none(),
      "Adds an evidence file (evidence.h). Use Store.evidence.");
  m.def(
      "_evidence_revise",
      [](Store& store, std::string_view actor, std::int64_t id, const std::filesystem::path& source, std::string title,
         std::string date, std::string name, const py::object& progress) {
        const EvidenceSpec spec = spec_of({}, {}, std::move(title), std::move(date), std::move(name));
        return file_dict(without_gil(
            progress, [&](const EvidenceProgress& p) { return Evidence(store).revise(actor, id, spec, source, p); }));
      },
      py::arg("store"), py::arg("actor"), py::arg("id"), py::arg("source"), py::arg("title") = "",
      py::arg("evidence_date") = "", py::arg("file_name") = "", py::arg("progress") = py::none(),
      "Adds the next revision of an evidence item.");
  m.def(
      "_evidence_withdraw",
      [](Store& store, std::string_view actor, std::int64_t id, std::string_view reason) {
        return files_list(Evidence(store).withdraw(actor, id, reason));
      },
      py::arg("store"), py::arg("actor"), py::arg("id"), py::arg("reason"), "Withdraws every revision of an item.");
  m.def(
      "_evidence_purge",
      [](Store& store, std::string_view actor, std::int64_t id, const py::object& today) {
        return files_list(Evidence(store).purge(actor, id, opt_date(today)));
      },
      py::arg("store"), py::arg("actor"), py::arg("id"), py::arg("today") = py::none(),
      "Purges a withdrawn item whose retention has ended: its bytes go, its rows stay.");
  m.def(
      "_evidence_list",
      [](const Store& store, std::string_view kind, std::string_view key) {
        return files_list(Evidence(store).list(kind, key));
      },
      py::arg("store"), py::arg("target_kind") = "", py::arg("target_key") = "",
      "Every revision, by id then revision (optionally one target's).");
  m.def(
      "_evidence_get",
      [](const Store& store, std::int64_t id, int revision) { return file_dict(Evidence(store).get(id, revision)); },
      py::arg("store"), py::arg("id"), py::arg("revision") = 0, "One revision (0: the last).");
  m.def(
      "_evidence_copy_out",
      [](const Store& store, std::int64_t id, int revision, const std::filesystem::path& out,
         const py::object& progress) {
        return file_dict(without_gil(
            progress, [&](const EvidenceProgress& p) { return Evidence(store).copy_out(id, revision, out, p); }));
      },
      py::arg("store"), py::arg("id"), py::arg("revision"), py::arg("out"), py::arg("progress") = py::none(),
      "Writes a revision's bytes to `out`, checked against its SHA-256 on the way.");
  m.def(
      "_evidence_settings",
      [](const Store& store) {
        const EvidenceSettings s = Evidence(store).settings();
        return py::dict("max_bytes"_a = s.max_bytes, "retention_days"_a = s.retention_days);
      },
      py::arg("store"), "The store's evidence settings.");
  m.def(
      "_evidence_set_settings",
      [](Store& store, std::string_view actor, std::int64_t max_bytes, int retention_days) {
        Evidence(store).set_settings(actor, EvidenceSettings{max_bytes, retention_days});
      },
      py::arg("store"), py::arg("actor"), py::arg("max_bytes"), py::arg("retention_days"),
      "Sets the store's evidence settings (recorded in the trail).");
  m.def(
      "_evidence_folder", [](const Store& store) { return Evidence(store).folder(); }, py::arg("store"),
      "The folder of the evidence bytes.");
  m.def(
      "_evidence_unreferenced", [](const Store& store) { return Evidence(store).unreferenced(); }, py::arg("store"),
      "Files of the evidence folder that are not evidence.");
  m.def(
      "_evidence_clean", [](Store& store) { return Evidence(store).clean(); }, py::arg("store"),
      "Removes the files of the evidence folder that are not evidence; returns them.");
  m.def(
      "sniff_evidence",
      [](const std::filesystem::path& path, std::string_view name) {
        const Sniffed s = libaudit::sniff_evidence(path, name);
        return std::make_pair(s.media_type, s.refusal);
      },
      py::arg("path"), py::arg("name") = "",
      "(media type, '') for a file accepted as evidence, ('', why not) for one refused.");
  m.attr("EVIDENCE_DEFAULT_MAX_BYTES") = kEvidenceDefaultMaxBytes;
  m.attr("EVIDENCE_DEFAULT_RETENTION_DAYS") = kEvidenceDefaultRetentionDays;
}

}  // namespace libaudit::python
