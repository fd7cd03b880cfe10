// Evidence files (証跡ファイル): files attached to a response, a working-paper entry, a finding
// or an exception, kept so that none is lost or silently changed (小牧市 8(1)オ; docs/evidence.md).
//
// Where the bytes live: in a folder beside the store, `<store>.evidence/`, content-addressed by
// SHA-256 (`sha256/ab/abcdef…`, read-only files). An add copies the file into
// `<store>.evidence/tmp/` while hashing it (1 MiB at a time: memory stays bounded whatever the
// size), fsyncs it, then in ONE write transaction renames it into place and writes the metadata
// row and its trail record (the trail carries the SHA-256 and the size). A crash leaves at most
// a temporary or an unreferenced blob: neither is evidence; verify() lists them apart
// (VerifyReport::unreferenced), Evidence::clean() removes them.
//
// What is accepted, by content (never by the name): PDF, PNG, JPEG, GIF, TIFF, plain text and
// CSV (no NUL or control bytes, no HTML/SVG/XML markup), and the Office Open XML documents
// (docx, xlsx, pptx) without macros. Refused: executables, scripts, HTML, SVG, XML, archives
// (ZIP and others), legacy OLE Office files, macro-enabled Office files, empty files, anything
// else. Size: at most EvidenceSettings::max_bytes (default 1 GiB, a store setting); a larger
// file (a 2 GB one with the default) is refused before a byte is copied.
//
// Revisions: revise() adds revision n+1 of an item; the old bytes and row stay. withdraw()
// marks every revision of an item withdrawn (the bytes stay); purge() of a withdrawn item whose
// retention period (EvidenceSettings::retention_days after the withdrawal, default 1827 days,
// five years) has ended removes its bytes (the rows and the trail stay, marked purged).
//
// Targets: kind + key. The store stage checks kind "response" (key "CYCLE/課/ITEM"); a later
// stage registers its own kinds ("finding", "exception": the follow-up stage; "working_paper":
// the audit stage) with a check (src/store/evidence_targets.h). An unknown kind, or a key its
// check refuses, is a ValidationError / NotFoundError and nothing is written.
//
// Evidence borrows its Store (which must outlive it) and shares its thread-safety (none). The
// store must be a file (not ":memory:"). Errors: ValidationError (bad input, refused type, too
// large), NotFoundError (unknown item, revision or target), StoreError (read-only, the
// database), IoError (the source, the folder or the output cannot be read or written). A failed
// call writes nothing (the bytes of a failed add are removed).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/base/fiscal_year.h"
#include "libaudit/store/store.h"

namespace libaudit {

inline constexpr std::int64_t kEvidenceDefaultMaxBytes = std::int64_t(1) << 30;  // 1 GiB
inline constexpr int kEvidenceDefaultRetentionDays = 1827;                       // five years

enum class EvidenceStatus { active, withdrawn, purged };
std::string_view to_string(EvidenceStatus s) noexcept;  // active | withdrawn | purged

// One revision of an evidence item (one row of the table evidence).
struct EvidenceFile {
  std::int64_t id = 0;  // the item; its revisions share it
  int revision = 0;     // 1, 2, …
  std::string target_kind, target_key;
  std::string title;
  std::string file_name;      // the name it was added under (no folder)
  std::string media_type;     // from its content: application/pdf, image/png, text/csv, …
  std::string sha256;         // lower-case hex of its bytes
  std::int64_t size = 0;      // bytes
  std::string evidence_date;  // YYYY-MM-DD: when it was produced; "" when not given
  std::string added_by, added_at;
  EvidenceStatus status = EvidenceStatus::active;
  std::string withdrawn_by, withdrawn_at, withdraw_reason;
  std::string purged_by, purged_at;
};

// What add() and revise() take besides the file.
struct EvidenceSpec {
  std::string target_kind, target_key;  // add() only; revise() keeps the item's
  std::string title;                    // revise(): "" keeps the previous revision's
  std::string evidence_date;            // YYYY-MM-DD or ""
  std::string file_name;                // "" : the source's file name
};

struct EvidenceSettings {
  std::int64_t max_bytes = kEvidenceDefaultMaxBytes;   // per file, 1 … 2^40
  int retention_days = kEvidenceDefaultRetentionDays;  // after withdrawal, 0 … 36500
};

// What a file is, by its content: {media type, ""} when accepted, {"", why not} when refused.
struct Sniffed {
  std::string media_type;
  std::string refusal;  // in the catalogue's language
};
// Sniffs the file at `path` (reads its head, and a ZIP's central directory). `name` decides
// text/csv against text/plain only. IoError when it cannot be read.
Sniffed sniff_evidence(const std::filesystem::path& path, std::string_view name);

// Called now and then with (bytes done, bytes in all), from the calling thread.
using EvidenceProgress = std::function<void(std::int64_t, std::int64_t)>;

class Evidence {
 public:
  explicit Evidence(Store& store) : store_(store) {}
  explicit Evidence(const Store& store) : store_(const_cast<Store&>(store)), read_only_(true) {}

  // The folder of the bytes: `<store path>.evidence`.
  std::filesystem::path folder() const;

  // Adds revision 1 of a new item; returns it as stored.
  EvidenceFile add(std::string_view actor, const EvidenceSpec& spec, const std::filesystem::path& source,
                   const EvidenceProgress& progress = {});
  // Adds the next revision of item `id` (which must be active).
  EvidenceFile revise(std::string_view actor, std::int64_t id, const EvidenceSpec& spec,
                      const std::filesystem::path& source, const EvidenceProgress& progress = {});
  // Withdraws every revision of item `id` (active → withdrawn); `reason` must not be empty.
  std::vector<EvidenceFile> withdraw(std::string_view actor, std::int64_t id, std::string_view reason);
  // Purges a withdrawn item whose retention has ended by `today` (default: today in Japan):
  // its rows become purged and its bytes are removed (unless another revision not purged holds
  // the same bytes). ValidationError naming the day it may be purged, when too early.
  std::vector<EvidenceFile> purge(std::string_view actor, std::int64_t id, std::optional<Date> today = {});

  // Every revision, by id then revision; with a kind (and key), only that target's.
  std::vector<EvidenceFile> list(std::string_view target_kind = {}, std::string_view target_key = {}) const;
  // Revision `revision` of item `id` (0: its last). NotFoundError.
  EvidenceFile get(std::int64_t id, int revision = 0) const;
  // Writes the bytes of a revision to `out` (a temporary beside it, renamed into place), checking
  // them against the recorded SHA-256 on the way: a changed or missing file is a StoreError
  // naming it, and `out` is left as it was. A purged revision has no bytes (ValidationError).
  EvidenceFile copy_out(std::int64_t id, int revision, const std::filesystem::path& out,
                        const EvidenceProgress& progress = {}) const;

  EvidenceSettings settings() const;
  void set_settings(std::string_view actor, const EvidenceSettings& s);  // recorded in the trail

  // Files in the folder that are not evidence: blobs no row (not purged) references, and
  // temporaries left by an interrupted add (not one in progress). Paths, sorted.
  std::vector<std::filesystem::path> unreferenced() const;
  // Removes them (under the store's write lock, so no add in progress is touched); returns them.
  std::vector<std::filesystem::path> clean();

 private:
  EvidenceFile store_file(std::string_view actor, std::int64_t id, const EvidenceSpec& spec,
                          const std::filesystem::path& source, const EvidenceProgress& progress);
  Store& store_;
  bool read_only_ = false;
};

}  // namespace libaudit
