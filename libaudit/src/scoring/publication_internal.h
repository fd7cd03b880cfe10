// Internal to the scoring stage: the registration of its schema component (publication.cpp),
// called from scoring.cpp's static initialisation, so that every program that scores links the
// tables a published store holds.
#pragma once

namespace libaudit::detail {
bool register_scoring_schema() noexcept;
}  // namespace libaudit::detail
