// Internal to the exchange stage: the registration of its schema component (collection.cpp),
// called from questionnaire.cpp's static initialisation, so that every program that links the
// questionnaire model knows the table questionnaire_exports.
#pragma once

namespace libaudit::detail {
bool register_exchange_schema() noexcept;
}  // namespace libaudit::detail
