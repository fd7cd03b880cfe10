// followup_at (findings.h): the follow-up register read back from the trail at one point.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "followup/fields_sql.h"
#include "followup/findings_internal.h"

namespace libaudit {

namespace {

// Each row's state of `entity` at `seq` as T, its row id from the trail key (entities keyed by
// id) in `id`; ordered by id.
template <class T>
std::vector<T> rows_at(const Store& store, std::string_view entity, std::int64_t seq, std::int64_t T::*id) {
  std::vector<T> out;
  for (const auto& [key, state] : store.states_at(entity, seq)) {
    const nlohmann::json j = nlohmann::json::parse(state, nullptr, false);
    if (!j.is_object()) continue;  // verify reports the record
    T x = detail::read_state<T>(j);
    x.*id = std::strtoll(key.c_str(), nullptr, 10);
    out.push_back(std::move(x));
  }
  std::sort(out.begin(), out.end(), [&](const T& a, const T& b) { return a.*id < b.*id; });
  return out;
}

}  // namespace

FollowupAt followup_at(const Store& store, const TrailPoint& point) {
  FollowupAt out;
  out.point = point;
  for (const auto& [name, state] : store.states_at("person", point.seq)) {
    const nlohmann::json j = nlohmann::json::parse(state, nullptr, false);
    if (j.is_object()) out.people.push_back(detail::read_state<Person>(j));
  }
  out.findings = rows_at<Finding>(store, "finding", point.seq, &Finding::id);
  out.exceptions = rows_at<ExceptionRecord>(store, "exception", point.seq, &ExceptionRecord::id);
  std::map<std::int64_t, std::pair<std::size_t, std::size_t>> checks;  // finding -> (open, total)
  for (const CheckRequest& c : rows_at<CheckRequest>(store, "check_request", point.seq, &CheckRequest::id)) {
    auto& [open, total] = checks[c.finding];
    ++total;
    if (!c.answer) ++open;
  }
  for (Finding& f : out.findings)
    if (auto it = checks.find(f.id); it != checks.end()) std::tie(f.checks_open, f.checks_total) = it->second;
  return out;
}

}  // namespace libaudit
