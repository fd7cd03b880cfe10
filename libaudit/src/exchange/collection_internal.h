// Internal to the exchange stage: the registration of its schema component (collection.cpp),
// called from questionnaire.cpp's static initialisation, so that every program that links the
// questionnaire model knows its tables (questionnaire_exports, questionnaire_submissions); and
// what collection.cpp and submissions.cpp share.
#pragma once

#include <string_view>
#include <vector>

#include "libaudit/exchange/collection.h"
#include "store/access.h"
#include "store/schema.h"

namespace libaudit::detail {
bool register_exchange_schema() noexcept;
}  // namespace libaudit::detail

namespace libaudit::exchange {

// The format (and file) of an export record that sends the web questionnaire (Submissions::send).
inline constexpr std::string_view kWebFormat = "web";
// The start of the trail source of a web save: "web: <課> by <person>" (Submissions::save).
inline constexpr std::string_view kWebSourcePrefix = "web: ";

// Exports::record inside the caller's transaction (its trail actor becomes `by`); not committed.
ExportRecord record_export(Store::Transaction& txn, std::string_view by, ExportRecord e);

// The component's reader and rules for questionnaire_submissions (submissions.cpp).
void submission_rows(sql::Db& db, const schema::RowVisitor& row);
void submission_rules(const schema::RuleContext& context, const schema::TrailGroup& group,
                      std::vector<libaudit::Problem>& problems);
}  // namespace libaudit::exchange
