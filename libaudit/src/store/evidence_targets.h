// The targets evidence files attach to (libaudit/store/evidence.h), and the evidence
// component's part in verify(). Internal to libaudit: the store stage and the stages after it
// include it; a C++ user of the library never does.
//
// A target is a kind and a key. The store stage registers the kind "response" (key
// "CYCLE/課/ITEM"); a later stage registers its own kinds from the static initialiser of a file
// every user of it links (the follow-up stage: "finding" and "exception", in findings.cpp; the
// audit stage: "working_paper"), so the store stage never knows what a finding is. A check
// returns the key as stored (normalised) or throws NotFoundError / ValidationError; it reads
// through the caller's connection inside the caller's transaction and writes nothing.
//
// Thread-safety: kinds register during static initialisation; the registry is only read after.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/store/store.h"
#include "store/sqlite.h"

namespace libaudit::detail::evidence {

using TargetCheck = std::string (*)(sql::Db& db, std::string_view key);

// Registers `kind` (a namespace-scope literal) with its check; a second registration of the same
// kind is ignored. Returns true, for `const bool registered = register_target(…);`.
bool register_target(const char* kind, TargetCheck check) noexcept;
// The registered kinds, sorted.
std::vector<std::string> target_kinds();
// The key as stored, checked by the kind's check; ValidationError for an unknown kind.
std::string check_target(sql::Db& db, std::string_view kind, std::string_view key);

// Registers the evidence schema component (tables evidence, evidence_settings) and the kind
// "response"; store.cpp calls it at static initialisation, so every program that opens a store
// knows the tables.
bool register_schema() noexcept;

// verify()'s file phase: every revision not purged must have its bytes in `folder` with the
// recorded SHA-256 and size (hashed streaming, each blob once): a problem ("evidence", its key,
// "missing" | "altered") names the file and the evidence id otherwise. Files of the folder that
// are not evidence (unreferenced blobs, temporaries of an interrupted add) go to `unreferenced`,
// never to the problems. `rows` counts the revisions checked.
void check_files(sql::Db& db, const std::string& store_path, std::vector<Problem>& problems, std::size_t& rows,
                 std::vector<std::string>& unreferenced);

}  // namespace libaudit::detail::evidence
