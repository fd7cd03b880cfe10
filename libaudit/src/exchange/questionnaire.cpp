// What goes into a questionnaire: its rows, identity and checksums (questionnaire.h).
#include "libaudit/exchange/questionnaire.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <utility>

#include "exchange/collection_internal.h"
#include "libaudit/base/messages.h"
#include "libaudit/base/text.h"
#include "libaudit/base/vocabulary.h"
#include "libaudit/store/applicability.h"

namespace libaudit::exchange {

namespace {

const bool kExchangeSchemaRegistered = detail::register_exchange_schema();  // collection.cpp

[[noreturn]] void invalid(std::string message) {
  throw ValidationError({Diagnostic{"<questionnaire>", 1, 1, std::move(message)}});
}

std::string from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  if (hex.size() % 2) invalid(tr("the exchange secret is not hexadecimal"));
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) invalid(tr("the exchange secret is not hexadecimal"));
    out += char((hi << 4) | lo);
  }
  return out;
}

}  // namespace

Questionnaires Questionnaires::load(Store& store, std::int64_t cycle, std::optional<std::int64_t> carry_over_from) {
  CycleData data = CycleData::organisation(store, cycle);  // NotFoundError
  const std::string secret = store.exchange_secret();
  return Questionnaires(store, std::move(data), secret, carry_over_from);
}

void Questionnaires::check_exportable() const {
  const Cycle& c = cycle();
  if (c.status == CycleStatus::closed)
    throw CycleStateError(message(
        "cycle {cycle} ({name}) is closed, so answers to questionnaires sent now cannot be imported. To take a "
        "late department's answers, reopen it first: libaudit cycle reopen DB {cycle} --reason REASON --by NAME "
        "(the chief auditor or the CISO)",
        fmt::arg("cycle", c.id), fmt::arg("name", c.name)));
}

Questionnaires::Questionnaires(const Store& store, CycleData data, std::string_view secret_hex,
                               std::optional<std::int64_t> carry_over_from)
    : data_(std::move(data)),
      stored_(store.stored_checklist(data_.cycle().checklist)),
      body_(store.body()),
      key_(from_hex(secret_hex)),
      store_(&store) {
  for (Department& d : store.departments()) departments_.emplace(d.code, std::move(d));
  for (std::size_t k = 0; k < data_.departments().size(); ++k) index_.emplace(data_.departments()[k].code, k);
  if (!carry_over_from) return;
  const Cycle prev = store.cycle(*carry_over_from);  // NotFoundError
  const StoredChecklist prev_cl = store.stored_checklist(prev.checklist);
  if (prev_cl.checklist_id != stored_.checklist_id)
    invalid(message(
        "cannot carry answers over from cycle {from} ({from_name}): it uses checklist {from_checklist}, "
        "cycle {cycle} uses {checklist}",
        fmt::arg("from", prev.id), fmt::arg("from_name", prev.name), fmt::arg("from_checklist", prev_cl.checklist_id),
        fmt::arg("cycle", cycle().id), fmt::arg("checklist", stored_.checklist_id)));
  if (!earlier_cycle(prev, cycle())) {
    const auto from = fmt::arg("from", prev.id);
    const auto from_name = fmt::arg("from_name", prev.name);
    const auto into = fmt::arg("cycle", cycle().id);
    const auto name = fmt::arg("name", cycle().name);
    invalid(prev.id == cycle().id
                ? message("cannot carry answers over from cycle {from} ({from_name}) into cycle {cycle} ({name}): "
                          "carry-over is from an earlier cycle, not the cycle itself",
                          from, from_name, into, name)
                : message("cannot carry answers over from cycle {from} ({from_name}) into cycle {cycle} ({name}): "
                          "carry-over is from an earlier cycle",
                          from, from_name, into, name));
  }
  carry_over_from_ = prev.id;
}

Questionnaires::Answers Questionnaires::stored_answers(std::int64_t cycle, std::string_view department) const {
  Answers out;
  for (Response& r : store_->responses(cycle, department))
    out.emplace(std::move(r.item),
                std::tuple{std::string(to_string(r.answer)), std::move(r.comment), std::move(r.evidence)});
  return out;
}

bool Questionnaires::is_target(std::string_view department) const { return index_.contains(department); }

std::string Questionnaires::department_name(std::string_view code) const {
  const auto d = departments_.find(code);
  return d == departments_.end() ? std::string(code) : std::string(code) + " " + d->second.name;
}

std::vector<QuestionRow> Questionnaires::rows(std::string_view department) const {
  const auto d = index_.find(department);
  if (d == index_.end())
    invalid(departments_.contains(department)
                ? message("department {department} is not a target of cycle {cycle} ({name})",
                          fmt::arg("department", department), fmt::arg("cycle", cycle().id),
                          fmt::arg("name", cycle().name))
                : message("department {department} is unknown to cycle {cycle} ({name})",
                          fmt::arg("department", department), fmt::arg("cycle", cycle().id),
                          fmt::arg("name", cycle().name)));
  const Checklist& cl = data_.checklist();
  std::map<std::string, std::string, std::less<>> role_names;
  for (const RoleDefinition& r : cl.roles()) role_names.emplace(r.id, r.label);
  const Answers a = stored_answers(cycle().id, department);
  const Answers b = carry_over_from_ ? stored_answers(*carry_over_from_, department) : Answers{};
  // The 課's items in checklist order; the secretariat's body-level items (全庁共通事項) after
  // them, as a section of their own whose chapter reads 【全庁共通事項】.
  std::vector<std::size_t> asked, body_level;
  for (std::size_t k = 0; k < cl.items().size(); ++k)
    if (data_.in_scope(d->second, k) && data_.applies(d->second, k))
      (data_.body_level(k) ? body_level : asked).push_back(k);
  asked.insert(asked.end(), body_level.begin(), body_level.end());
  std::vector<QuestionRow> out;
  for (std::size_t k : asked) {
    const Item& item = cl.items()[k];
    QuestionRow row;
    row.no = int(out.size()) + 1;
    row.item = item.id;
    const Section& ch = cl.chapter_of(item);
    row.chapter = std::string(text::trim(ch.clause + " " + ch.title));
    if (data_.body_level(k))
      row.chapter = "【" + std::string(label_of(Vocabulary::respondent, "body")) + "】" + row.chapter;
    row.clause = item.clause;
    row.question = item.question;
    for (const std::string& r : item.roles) {
      if (!row.roles.empty()) row.roles += "、";
      const auto name = role_names.find(r);
      row.roles += name == role_names.end() ? r : name->second;
    }
    const std::tuple<std::string, std::string, std::string>* pre = nullptr;
    if (const auto f = a.find(item.id); f != a.end())
      pre = &f->second;
    else if (const auto g = b.find(item.id); g != b.end())
      pre = &g->second;
    if (pre) {
      const auto& [answer, comment, evidence] = *pre;
      if (const auto code = parse_answer(answer)) row.answer = std::string(answer_label(*code));
      row.comment = comment;
      row.evidence = evidence;
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string Questionnaires::identity(std::string_view department, long long n) const {
  const char sep = '\x1f';
  std::string out(kFormat);
  for (const std::string& part : {std::string(kFormatVersion), std::to_string(cycle().id), std::string(department),
                                  stored_.checklist_id, stored_.version, stored_.sha256, std::to_string(n)}) {
    out += sep;
    out += part;
  }
  return out;
}

std::string Questionnaires::mac(std::string_view identity, const std::vector<std::string>& parts) const {
  std::string msg(identity);
  for (const std::string& p : parts) {
    msg += '\x1f';
    msg += p;
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key_.data(), int(key_.size()), reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
            out, &len))
    throw Error(tr("HMAC-SHA256 failed (OpenSSL)"));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

std::vector<std::pair<std::string, std::string>> Questionnaires::workbook_identity(
    std::string_view department, std::size_t n, std::string_view sheet, std::string_view respondent_cell,
    const std::vector<ShownCell>& shows) const {
  const std::string ident = identity(department, static_cast<long long>(n));
  std::vector<std::pair<std::string, std::string>> lines = {
      {"format", std::string(kFormat)},
      {"format_version", std::string(kFormatVersion)},
      {"cycle", std::to_string(cycle().id)},
      {"cycle_name", cycle().name},
      {"department", std::string(department)},
      {"checklist", stored_.checklist_id},
      {"version", stored_.version},
      {"sha256", stored_.sha256},
      {"sheet", std::string(sheet)},
      {"items", std::to_string(n)},
      {"respondent", std::string(respondent_cell)},
  };
  std::vector<std::string> covered = {std::string(sheet), std::string(respondent_cell)};
  for (const auto& [cell, text] : shows) {
    lines.emplace_back(std::string(kShownPrefix) + cell, text);
    covered.push_back(cell);
    covered.push_back(text);
  }
  lines.emplace_back("identity_hmac", mac(ident, covered));
  return lines;
}

}  // namespace libaudit::exchange
