// The store component's rules (verify.h, store_rules; docs/store.md, "verify replays the
// rules"): what Store's own writes guarantee, checked again on the trail as it stands.
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "libaudit/base/messages.h"
#include "store/batch_reader.h"
#include "store/rule_state.h"
#include "store/verify.h"

namespace libaudit::detail::verify {

namespace {

using nlohmann::json;

json parse(const std::string* state) { return schema::parse_state(state); }
std::string text_of(const json& o, const char* key) { return schema::text_field(o, key); }

// What the batch rule needs of a "responses" state, read without building it (a batch holds up
// to 1,024 rows): its "cycle" and the 課 (first field) of every row of "rows".
class BatchScan final : public json::json_sax_t {
 public:
  std::optional<std::int64_t> cycle;
  std::set<std::string> departments;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t v) override {
    if (depth_ == 1 && key_ == "cycle") cycle = v;
    return value();
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (depth_ == 1 && key_ == "cycle" && v <= number_unsigned_t(INT64_MAX)) cycle = std::int64_t(v);
    return value();
  }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t& v) override {
    if (in_row_ && depth_ == 3 && position_ == 0) departments.insert(v);
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (depth_ == 1) key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool value() {
    if (depth_ == 3) ++position_;
    return true;
  }
  bool open(bool array) {
    if (depth_ == 3) ++position_;
    if (depth_ == 1) in_rows_ = array && key_ == "rows";
    if (depth_ == 2) {
      in_row_ = in_rows_ && array;
      position_ = 0;
    }
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    if (depth_ == 2) in_row_ = false;
    if (depth_ == 1) in_rows_ = false;
    return true;
  }
  int depth_ = 0;
  std::string key_;
  bool in_rows_ = false, in_row_ = false;
  std::size_t position_ = 0;
};

// A "responses" batch: into a cycle open at the time, and only for its target 課.
void check_batch(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                 std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  // The canonical form by the scanner; any other by nlohmann's SAX (which sees every row's 課).
  thread_local BatchReader reader;
  BatchScan scan;
  if (reader.read(r.state) && reader.has_cycle) {
    scan.cycle = reader.cycle;
    std::string_view last;
    for (const BatchRow& row : reader.rows)
      if (row.department != last) scan.departments.emplace(last = row.department);
  } else if (!json::sax_parse(r.state, &scan) || !scan.cycle) {
    return;  // replay_chain: altered
  }
  const std::string cycle = std::to_string(*scan.cycle);
  const std::string* cycle_state = ctx.at(g, i, "cycle", cycle);
  // A cycle's state names every target 課 (thousands in a prefecture's store): parsed once for
  // the run of batches that see the same state.
  thread_local std::string parsed_state;
  thread_local json c;
  thread_local std::set<std::string> targets;
  if (!cycle_state || *cycle_state != parsed_state) {
    parsed_state = cycle_state ? *cycle_state : std::string();
    c = parse(cycle_state);
    targets.clear();
    if (c.is_object())
      if (const auto d = c.find("departments"); d != c.end() && d->is_array())
        for (const json& code : *d)
          if (code.is_string()) targets.insert(code.get<std::string>());
  }
  if (!c.is_object()) {
    schema::forged(problems, r.seq,
                   message("the cycle {cycle} of a batch of responses is not in the trail at that time (by {actor})",
                           fmt::arg("cycle", cycle), fmt::arg("actor", g.actor)));
    return;
  }
  const std::string status = text_of(c, "status");
  if (status != "open")
    schema::forged(problems, r.seq,
                   message("a batch of responses is written to cycle {cycle}, but the cycle was {status} at that "
                           "time (only an open cycle takes responses) (by {actor})",
                           fmt::arg("cycle", cycle), fmt::arg("status", status.empty() ? tr("(no status)") : status),
                           fmt::arg("actor", g.actor)));
  std::string outside;
  for (const std::string& code : scan.departments)
    if (!targets.count(code)) outside += (outside.empty() ? "" : ", ") + code;
  if (!outside.empty())
    schema::forged(
        problems, r.seq,
        message("there are responses of 課 {departments}, which are not targets of cycle {cycle} (by {actor})",
                fmt::arg("departments", outside), fmt::arg("cycle", cycle), fmt::arg("actor", g.actor)));
}

// A cycle's record: created planned; updated only in its status, planned → open → closed, and
// closed → open only beside a "reopening" record of the cycle in the same group.
void check_cycle(const schema::RuleContext& ctx, const schema::TrailGroup& g, std::size_t i,
                 std::vector<Problem>& problems) {
  const schema::TrailEntry& r = g.records[i];
  const json now = json::parse(r.state, nullptr, false);
  if (r.action == "insert") {
    if (const std::string status = text_of(now, "status"); status != "planned")
      schema::forged(problems, r.seq,
                     message("cycle {cycle} is created with status {status} (a new cycle is planned) (by {actor})",
                             fmt::arg("cycle", r.key), fmt::arg("status", status), fmt::arg("actor", g.actor)));
    return;
  }
  if (r.action == "delete") {
    schema::forged(problems, r.seq,
                   message("a record deletes cycle {cycle} (libaudit never deletes a cycle) (by {actor})",
                           fmt::arg("cycle", r.key), fmt::arg("actor", g.actor)));
    return;
  }
  const json was = parse(ctx.at(g, i, "cycle", r.key));
  if (!was.is_object()) {
    schema::forged(problems, r.seq,
                   message("cycle {cycle} is updated with no record of its creation before (by {actor})",
                           fmt::arg("cycle", r.key), fmt::arg("actor", g.actor)));
    return;
  }
  if (!now.is_object()) return;
  std::string changed;
  for (auto it = now.begin(); it != now.end(); ++it)
    if (it.key() != "status" && (!was.contains(it.key()) || was[it.key()] != it.value()))
      changed += (changed.empty() ? "" : ", ") + it.key();
  if (!changed.empty())
    schema::forged(problems, r.seq,
                   message("an update of cycle {cycle} changes more than its status ({fields}) (by {actor})",
                           fmt::arg("cycle", r.key), fmt::arg("fields", changed), fmt::arg("actor", g.actor)));
  const std::string from = text_of(was, "status"), to = text_of(now, "status");
  if ((from == "planned" && to == "open") || (from == "open" && to == "closed")) return;
  if (from == "closed" && to == "open") {
    const bool reopened = std::any_of(g.records.begin(), g.records.end(), [&](const schema::TrailEntry& e) {
      if (e.entity != "reopening" || e.action != "insert") return false;
      const json st = json::parse(e.state, nullptr, false);
      return st.is_object() && st.contains("cycle") && st["cycle"].is_number_integer() &&
             std::to_string(st["cycle"].get<std::int64_t>()) == r.key;
    });
    if (!reopened)
      schema::forged(problems, r.seq,
                     message("cycle {cycle} goes from closed to open with no reopening record (by {actor})",
                             fmt::arg("cycle", r.key), fmt::arg("actor", g.actor)));
    return;
  }
  schema::forged(
      problems, r.seq,
      message("cycle {cycle} goes from {from} to {to}, a move that is not allowed (only planned -> open, "
              "open -> closed, and closed -> open with a reopening record) (by {actor})",
              fmt::arg("cycle", r.key), fmt::arg("from", from), fmt::arg("to", to), fmt::arg("actor", g.actor)));
}

}  // namespace

void store_rules(const schema::RuleContext& context, const schema::TrailGroup& group, std::vector<Problem>& problems) {
  for (std::size_t i = 0; i < group.records.size(); ++i) {
    const schema::TrailEntry& r = group.records[i];
    if (r.entity == "responses" && r.action == "batch")
      check_batch(context, group, i, problems);
    else if (r.entity == "cycle")
      check_cycle(context, group, i, problems);
  }
}

}  // namespace libaudit::detail::verify
