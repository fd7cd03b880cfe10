// Store::Snapshot and Store::Transaction (access.h).
#include "store/access.h"

#include "libaudit/base/fiscal_year.h"
#include "libaudit/base/messages.h"
#include "store/import.h"

namespace libaudit {

namespace {
Store::Impl& open_impl(const std::unique_ptr<Store::Impl>& impl) {
  if (!impl) throw StoreError(tr("the store is closed"));
  return *impl;
}
}  // namespace

Store::Snapshot::Snapshot(const Store& store) : db(open_impl(store.impl_).db), txn_(db) {}

std::int64_t Store::Snapshot::department_id(std::string_view code) const { return detail::department_id(db, code); }

Store::Transaction::Transaction(Store& store)
    : db(open_impl(store.impl_).db), sha_(store.impl_->sha), trail_key_(store.impl_->trail_key), txn_(db) {}

detail::TrailWriter& Store::Transaction::trail(std::string_view actor, std::string at) {
  if (!trail_) {
    trail_.emplace(db, sha_, trail_key_, actor, std::move(at));
    actor_ = actor;
  } else if (actor != actor_) {
    throw StoreError("internal error: one transaction's trail written for two actors");
  }
  return *trail_;
}

void Store::Transaction::commit() { txn_.commit(); }

void Store::Transaction::move_cycle(std::string_view actor, std::int64_t id, CycleStatus from, CycleStatus to) {
  detail::require_actor(actor);
  detail::move_cycle_status(db, trail(actor, now_utc_iso()), id, from, to);
}

ImportResult Store::Transaction::import_responses(std::string_view actor, std::int64_t cycle,
                                                  std::span<const ResponseRowView> rows, const ImportOptions& options) {
  detail::require_actor(actor);
  const std::function<detail::TrailWriter&()> trail_of = [&]() -> detail::TrailWriter& {
    return trail(actor, now_utc_iso());
  };
  return detail::import_responses_in(db, trail_of, cycle, rows, options);
}

std::int64_t Store::Transaction::department_id(std::string_view code) const { return detail::department_id(db, code); }

}  // namespace libaudit
