// Store::response_history: one response's states, read from the "responses" batch records of
// its cycle (store_internal.h, ResponseBatch, gives the format).
#include <nlohmann/json.hpp>

#include "libaudit/base/messages.h"
#include "libaudit/store/store.h"
#include "store/access.h"
#include "store/store_internal.h"

namespace libaudit {

using namespace detail;

namespace {

// Row `row` of batch `batch` as the version it records, or nullopt when it is malformed
// (verify reports malformed records; history only skips them).
std::optional<ResponseVersion> version_of(const nlohmann::json& batch, const nlohmann::json& row) {
  if (!row.is_array() || (row.size() != 6 && row.size() != 8)) return std::nullopt;
  for (const auto& f : row)
    if (!f.is_string()) return std::nullopt;
  const bool own = row.size() == 8;
  const auto text = [](const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : std::string(); };
  ResponseVersion v;
  v.action = row[2].get<std::string>();
  v.answer = row[3].get<std::string>();
  v.comment = row[4].get<std::string>();
  v.evidence = row[5].get<std::string>();
  v.answered_by = own ? row[6].get<std::string>() : text(batch.value("answered_by", nlohmann::json()));
  v.answered_at = own ? row[7].get<std::string>() : text(batch.value("answered_at", nlohmann::json()));
  v.source = text(batch.value("source", nlohmann::json()));
  return v;
}

}  // namespace

namespace {

// Calls fn(row, version) for every well-formed row of the cycle's "responses" batch records after
// `after`, in trail order, the version's seq, at and actor those of its record.
template <class Fn>
void each_version(const Store::Snapshot& snap, const std::string& path, std::int64_t cycle, std::int64_t after,
                  Fn&& fn) {
  sql::Stmt s = snap.db.prepare(
      "SELECT seq, at, actor, state, state_size FROM trail WHERE entity = 'responses' AND key = ? AND seq > ? "
      "ORDER BY seq");
  s.bind(1, std::to_string(cycle)).bind(2, after);  // a temporary: bound as a copy (sqlite.h)
  std::string state;
  while (s.step()) {
    require_stored_state(s, 3, state, path);
    const nlohmann::json batch = nlohmann::json::parse(state, nullptr, false);
    if (!batch.is_object() || !batch.contains("rows") || !batch["rows"].is_array()) continue;
    for (const auto& row : batch["rows"]) {
      std::optional<ResponseVersion> v = version_of(batch, row);
      if (!v) continue;
      v->seq = s.i64(0);
      v->at = s.str(1);
      v->actor = s.str(2);
      fn(row, std::move(*v));
    }
  }
}

}  // namespace

std::vector<ResponseVersion> Store::response_history(std::int64_t cycle, std::string_view department,
                                                     std::string_view item) const {
  const Snapshot snap(*this);
  snap.load_cycle(cycle);  // NotFoundError, as for every call naming a cycle
  const std::string dept = normalise_key(department), id = normalise_key(item);
  std::vector<ResponseVersion> out;
  each_version(snap, path(), cycle, 0, [&](const nlohmann::json& row, ResponseVersion&& v) {
    if (row[0] == dept && row[1] == id) out.push_back(std::move(v));
  });
  return out;
}

std::vector<ResponseWrite> Store::responses_written_after(std::int64_t cycle, std::int64_t seq) const {
  const Snapshot snap(*this);
  snap.load_cycle(cycle);  // NotFoundError
  std::vector<ResponseWrite> out;
  each_version(snap, path(), cycle, seq, [&](const nlohmann::json& row, ResponseVersion&& v) {
    out.push_back(ResponseWrite{row[0].get<std::string>(), row[1].get<std::string>(), std::move(v)});
  });
  return out;
}

}  // namespace libaudit
