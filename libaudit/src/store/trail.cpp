// The trail: canonical states, the hash chain, and verify().
#include <libdeflate.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "libaudit/base/text.h"
#include "store/store_internal.h"

namespace libaudit::detail {

// ---- Canonical JSON ----------------------------------------------------------------------

void json_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void json_int(std::string& out, std::int64_t v) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  out.append(buf, std::size_t(n));
}

// ---- SHA-256 -----------------------------------------------------------------------------

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()), md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)) {
  if (!ctx_ || !md_) throw Error("SHA-256 is not available from OpenSSL");
}

Sha256::~Sha256() {
  EVP_MD_free(md_);
  EVP_MD_CTX_free(ctx_);
}

void Sha256::begin() {
  if (EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1) throw Error("EVP_DigestInit_ex2 failed");
}

void Sha256::update(std::string_view data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) throw Error("EVP_DigestUpdate failed");
}

std::array<unsigned char, 32> Sha256::finish() {
  std::array<unsigned char, 32> out{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &n) != 1 || n != 32) throw Error("EVP_DigestFinal_ex failed");
  return out;
}

void Sha256::finish_hex(char* hex) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto d = finish();
  for (std::size_t i = 0; i < 32; ++i) {
    hex[2 * i] = kHex[d[i] >> 4];
    hex[2 * i + 1] = kHex[d[i] & 15];
  }
}

std::string Sha256::hex_of(std::string_view data) {
  begin();
  update(data);
  std::string hex(64, '0');
  finish_hex(hex.data());
  return hex;
}

// ---- Entity states -----------------------------------------------------------------------

std::string department_state(const Department& d) {
  std::string s = "{";
  json_key(s, "code");
  json_string(s, d.code);
  s += ',';
  json_key(s, "name");
  json_string(s, d.name);
  s += ',';
  json_key(s, "parent_code");
  json_string(s, d.parent_code);
  s += ',';
  json_key(s, "security_officer");
  json_string(s, d.security_officer);
  s += ',';
  json_key(s, "security_manager");
  json_string(s, d.security_manager);
  s += '}';
  return s;
}

std::string system_state(const System& x) {
  std::string s = "{";
  json_key(s, "name");
  json_string(s, x.name);
  s += ',';
  json_key(s, "department");
  json_string(s, x.department_code);
  s += ',';
  json_key(s, "tier");
  json_string(s, x.tier);
  s += ',';
  json_key(s, "important_assets");
  json_bool(s, x.important_assets);
  s += '}';
  return s;
}

std::string checklist_key(std::string_view checklist_id, std::string_view version) {
  return std::string(checklist_id) + "@" + std::string(version);
}

std::string checklist_state(const StoredChecklist& c) {
  std::string s = "{";
  json_key(s, "id");
  json_int(s, c.id);
  s += ',';
  json_key(s, "checklist_id");
  json_string(s, c.checklist_id);
  s += ',';
  json_key(s, "version");
  json_string(s, c.version);
  s += ',';
  json_key(s, "title");
  json_string(s, c.title);
  s += ',';
  json_key(s, "sha256");
  json_string(s, c.sha256);
  s += '}';
  return s;
}

std::string cycle_state(const Cycle& c) {
  std::string s = "{";
  json_key(s, "name");
  json_string(s, c.name);
  s += ',';
  json_key(s, "kind");
  json_string(s, to_string(c.kind));
  s += ',';
  json_key(s, "fiscal_year");
  json_int(s, c.fiscal_year);
  s += ',';
  json_key(s, "checklist");
  json_int(s, c.checklist);
  s += ',';
  json_key(s, "status");
  json_string(s, to_string(c.status));
  s += ',';
  json_key(s, "departments");
  s += '[';
  for (std::size_t i = 0; i < c.departments.size(); ++i) {
    if (i) s += ',';
    json_string(s, c.departments[i]);
  }
  s += "]}";
  return s;
}

std::string response_key(std::int64_t cycle, std::string_view department, std::string_view item) {
  std::string s = "[";
  json_int(s, cycle);
  s += ',';
  json_string(s, department);
  s += ',';
  json_string(s, item);
  s += ']';
  return s;
}

void response_state(std::string& s, std::string_view answer, std::string_view comment, std::string_view evidence,
                    std::string_view answered_by, std::string_view answered_at) {
  s.clear();
  s += "{\"answer\":";
  json_string(s, answer);
  s += ",\"comment\":";
  json_string(s, comment);
  s += ",\"evidence\":";
  json_string(s, evidence);
  s += ",\"answered_by\":";
  json_string(s, answered_by);
  s += ",\"answered_at\":";
  json_string(s, answered_at);
  s += '}';
}

std::string normalise_key(std::string_view s) {
  s = text::trim(s);
  for (unsigned char c : s)
    if (c >= 0x80) return text::nfkc(s);
  return std::string(s);
}

std::vector<ItemRow> item_rows(const Checklist& c) {
  std::vector<ItemRow> out;
  std::int64_t position = 0;
  for (const Item& item : c.items()) {
    ItemRow r;
    r.item_id = item.id;
    r.position = ++position;
    r.chapter_id = c.chapter_of(item).id;
    r.section_id = item.section_id;
    r.clause = item.clause;
    r.weight = item.weight;
    r.self_inspection = item.self_inspection;
    r.audit = item.audit;
    r.departments = item.applies_to.departments == DepartmentScope::all ? "all" : "system_owners";
    for (const std::string& t : item.applies_to.tiers) r.tiers += (r.tiers.empty() ? "" : " ") + t;
    r.important_assets = item.applies_to.important_assets;
    out.push_back(std::move(r));
  }
  return out;
}

void require_actor(std::string_view actor) {
  if (text::trim(actor).empty())
    throw ValidationError({Diagnostic{"<actor>", 1, 1, "an actor (who makes the change) is required"}});
}

// ---- Records and the chain ---------------------------------------------------------------

void record_json(std::string& out, std::int64_t seq, std::string_view at, std::string_view actor,
                 std::string_view entity, std::string_view key, std::string_view action, std::string_view state) {
  out.clear();
  out += "{\"seq\":";
  json_int(out, seq);
  out += ",\"at\":";
  json_string(out, at);
  out += ",\"actor\":";
  json_string(out, actor);
  out += ",\"entity\":";
  json_string(out, entity);
  out += ",\"key\":";
  json_string(out, key);
  out += ",\"action\":";
  json_string(out, action);
  out += ",\"state\":";
  out += state;
  out += '}';
}

namespace {

// One compressor and one decompressor per thread, made on first use (libdeflate's are not
// thread-safe; the bulk import seals its records in a thread of its own).
struct DeflateState {
  libdeflate_compressor* compressor = nullptr;
  libdeflate_decompressor* decompressor = nullptr;
  ~DeflateState() {
    libdeflate_free_compressor(compressor);
    libdeflate_free_decompressor(decompressor);
  }
};
thread_local DeflateState deflate_state_of_thread;

}  // namespace

void deflate_state(std::string_view json, std::string& out) {
  DeflateState& z = deflate_state_of_thread;
  if (!z.compressor && !(z.compressor = libdeflate_alloc_compressor(1)))
    throw Error("libdeflate could not allocate a compressor");
  out.resize(libdeflate_zlib_compress_bound(z.compressor, json.size()));
  const std::size_t n = libdeflate_zlib_compress(z.compressor, json.data(), json.size(), out.data(), out.size());
  if (n == 0) throw Error("libdeflate could not deflate a trail record");
  out.resize(n);
}

bool inflate_state(std::string_view stored, std::int64_t size, std::string& out) {
  // Deflate expands at most about 1,032:1, so a larger state_size is a lie: refuse it before
  // allocating (a tampered size must not make verify() reserve gigabytes).
  if (size <= 0 || std::uint64_t(size) > std::uint64_t(stored.size()) * 1032 + 64) return false;
  DeflateState& z = deflate_state_of_thread;
  if (!z.decompressor && !(z.decompressor = libdeflate_alloc_decompressor()))
    throw Error("libdeflate could not allocate a decompressor");
  out.resize(std::size_t(size));
  // Without an "actual size" out-parameter, libdeflate succeeds only when the stream inflates
  // to exactly out.size() bytes.
  return libdeflate_zlib_decompress(z.decompressor, stored.data(), stored.size(), out.data(), out.size(), nullptr) ==
         LIBDEFLATE_SUCCESS;
}

TrailChain::TrailChain(Sha256& sha, std::int64_t head_seq, std::string_view head_hash, std::string_view actor,
                       std::string at)
    : sha_(sha), actor_(actor), at_(std::move(at)), seq_(head_seq) {
  std::memcpy(prev_, (head_hash.size() == 64 ? head_hash : kGenesisHash).data(), 64);
  record_.reserve(512);
}

SealedRecord TrailChain::seal(std::string_view entity, std::string_view key, std::string_view action,
                              std::string_view state) {
  SealedRecord r;
  r.seq = seq_ + 1;
  r.entity = entity;
  r.key = key;
  r.action = action;
  record_json(record_, r.seq, at_, actor_, entity, key, action, state);
  sha_.begin();
  sha_.update(std::string_view(prev_, 64));
  sha_.update(record_);
  sha_.finish_hex(r.hash);
  std::memcpy(r.prev_hash, prev_, 64);
  if (state.size() >= kDeflateAtBytes) {
    deflate_state(state, r.state);
    r.state_size = std::int64_t(state.size());
  } else {
    r.state = state;
  }
  seq_ = r.seq;
  std::memcpy(prev_, r.hash, 64);
  return r;
}

namespace {
TrailChain chain_from_head(sql::Db& db, Sha256& sha, std::string_view actor, std::string at) {
  sql::Stmt s = db.prepare("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1");
  if (s.step()) return TrailChain(sha, s.i64(0), s.text(1), actor, std::move(at));
  return TrailChain(sha, 0, kGenesisHash, actor, std::move(at));
}
}  // namespace

TrailWriter::TrailWriter(sql::Db& db, Sha256& sha, std::string_view actor, std::string at)
    : db_(db), chain_(chain_from_head(db, sha, actor, std::move(at))) {}

void TrailWriter::insert_row(const SealedRecord& r) {
  sql::Stmt ins = db_.prepare(
      "INSERT INTO trail(seq, at, actor, entity, key, action, state, state_size, prev_hash, hash) "
      "VALUES (?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, r.seq).bind(2, chain_.at()).bind(3, chain_.actor()).bind(4, r.entity).bind(5, r.key).bind(6, r.action);
  if (r.state_size)
    ins.bind_blob(7, r.state);
  else
    ins.bind(7, r.state);
  ins.bind(8, r.state_size).bind(9, std::string_view(r.prev_hash, 64)).bind(10, std::string_view(r.hash, 64));
  ins.run();
}

void TrailWriter::append(std::string_view entity, std::string_view key, std::string_view action,
                         std::string_view state) {
  insert_row(chain_.seal(entity, key, action, state));
}

void TrailWriter::insert(const std::vector<SealedRecord>& records) {
  for (const SealedRecord& r : records) {
    if (r.seq != chain_.head_seq() + 1 || std::string_view(r.prev_hash, 64) != chain_.head_hash())
      throw StoreError("internal error: trail record " + std::to_string(r.seq) + " does not continue the chain");
    insert_row(r);
    chain_.move_head(r.seq, std::string_view(r.hash, 64));
  }
}

void ResponseBatch::add(std::string_view department, std::string_view item, bool update, std::string_view answer,
                        std::string_view comment, std::string_view evidence, std::string_view answered_by,
                        std::string_view answered_at) {
  rows_ += n_ ? ",[" : "[";
  json_string(rows_, department);
  rows_ += ',';
  json_string(rows_, item);
  rows_ += update ? ",\"update\"," : ",\"insert\",";
  json_string(rows_, answer);
  rows_ += ',';
  json_string(rows_, comment);
  rows_ += ',';
  json_string(rows_, evidence);
  if (answered_by != by_ || answered_at != at_) {
    rows_ += ',';
    json_string(rows_, answered_by);
    rows_ += ',';
    json_string(rows_, answered_at);
  }
  rows_ += ']';
  ++n_;
}

std::string_view ResponseBatch::take() {
  if (!n_) return {};
  state_.clear();
  state_ += "{\"cycle\":";
  json_int(state_, cycle_);
  state_ += ",\"answered_by\":";
  json_string(state_, by_);
  state_ += ",\"answered_at\":";
  json_string(state_, at_);
  if (!source_.empty()) {
    state_ += ",\"source\":";
    json_string(state_, source_);
  }
  state_ += ",\"rows\":[";
  state_ += rows_;
  state_ += "]}";
  rows_.clear();
  n_ = 0;
  return state_;
}

std::vector<VerifyReader>& reader_list() {
  static std::vector<VerifyReader> readers;
  return readers;
}

bool register_verify_reader(VerifyReader reader) {
  reader_list().push_back(reader);
  return true;
}

const std::vector<VerifyReader>& verify_readers() { return reader_list(); }

}  // namespace libaudit::detail

namespace libaudit {

using namespace detail;

std::string Problem::to_string() const {
  return table + " " + key + ": " + kind + (detail.empty() ? "" : ": " + detail);
}

namespace {

// The state of a trail row as JSON into `out`: column c is `state`, c + 1 `state_size`. False
// when a deflated state does not inflate to its size.
bool stored_state(const sql::Stmt& s, int c, std::string& out) {
  const std::int64_t size = s.i64(c + 1);
  if (size == 0) {
    out.assign(s.text(c));
    return true;
  }
  return inflate_state(s.blob(c), size, out);
}

}  // namespace

std::vector<TrailRecord> Store::trail(std::int64_t after, std::size_t limit) const {
  if (!impl_) throw StoreError("the store is closed");
  sql::Stmt s = impl_->db.prepare(
      "SELECT seq, at, actor, entity, key, action, state, state_size, prev_hash, hash FROM trail "
      "WHERE seq > ? ORDER BY seq LIMIT ?");
  s.bind(1, after).bind(2, limit ? std::int64_t(limit) : std::int64_t(-1));
  std::vector<TrailRecord> out;
  std::string state;
  while (s.step()) {
    if (!stored_state(s, 6, state))
      throw StoreError("trail record " + std::to_string(s.i64(0)) + " of " + impl_->path +
                       " is damaged: its deflated state does not inflate (run `libaudit verify`)");
    out.push_back({s.i64(0), s.str(1), s.str(2), s.str(3), s.str(4), s.str(5), state, s.str(8), s.str(9)});
  }
  return out;
}

namespace {

// What the trail says each entity's current row is: the digest of its last state (none when
// its last action was a delete) and the seq of that record.
struct Expected {
  std::array<unsigned char, 32> digest{};
  std::int64_t seq = 0;
  std::uint32_t index = 0;  // row in a "responses" batch record
  bool deleted = false;
  bool seen = false;
};

std::array<unsigned char, 32> digest_of(Sha256& sha, std::string_view s) {
  sha.begin();
  sha.update(s);
  return sha.finish();
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// One row of a "responses" batch record as the object a responses row compares with, or null
// when the row is malformed.
nlohmann::json batch_row_state(const nlohmann::json& batch, const nlohmann::json& row) {
  if (!row.is_array() || (row.size() != 6 && row.size() != 8)) return nullptr;
  for (const auto& f : row)
    if (!f.is_string()) return nullptr;
  nlohmann::json o = nlohmann::json::object();
  o["answer"] = row[3];
  o["comment"] = row[4];
  o["evidence"] = row[5];
  o["answered_by"] = row.size() == 8 ? row[6] : batch["answered_by"];
  o["answered_at"] = row.size() == 8 ? row[7] : batch["answered_at"];
  return o;
}

// Field-by-field differences between two JSON objects, in words.
std::string diff_states(std::string_view trail_state, std::string_view row_state) {
  nlohmann::json a = nlohmann::json::parse(trail_state, nullptr, false);
  nlohmann::json b = nlohmann::json::parse(row_state, nullptr, false);
  if (!a.is_object() || !b.is_object())
    return "trail says " + std::string(trail_state) + ", table has " + std::string(row_state);
  std::string out;
  for (auto it = a.begin(); it != a.end(); ++it) {
    auto jt = b.find(it.key());
    const std::string now = jt == b.end() ? "(absent)" : jt->dump();
    if (jt == b.end() || *jt != it.value()) {
      if (!out.empty()) out += "; ";
      out += it.key() + ": trail " + it.value().dump() + ", table " + now;
    }
  }
  return out.empty() ? "the row differs from its last trail record" : out;
}

}  // namespace

VerifyReport Store::verify() const {
  if (!impl_) throw StoreError("the store is closed");
  sql::Db& db = impl_->db;
  Sha256& sha = impl_->sha;
  sql::ReadTxn snapshot(db);
  VerifyReport report;

  // 1. The chain: consecutive seqs, each prev_hash the hash before it, each hash its content's.
  std::map<std::string, std::unordered_map<std::string, Expected>> expected;
  // Cycle key -> seq of a "responses" batch whose state does not inflate: its rows cannot be
  // checked, which the problems for them say.
  std::map<std::string, std::int64_t> unreadable_batches;
  {
    sql::Stmt s = db.prepare(
        "SELECT seq, at, actor, entity, key, action, state, state_size, prev_hash, hash FROM trail ORDER BY seq");
    std::string prev(kGenesisHash);
    std::int64_t last_seq = 0;
    std::string record, state;
    char computed[64];
    while (s.step()) {
      const std::int64_t seq = s.i64(0);
      const std::string seq_s = std::to_string(seq);
      const std::string_view prev_hash = s.text(8), hash = s.text(9);
      if (seq != last_seq + 1) {
        report.problems.push_back({"trail", seq_s, "deleted",
                                   seq == last_seq + 2 ? "record " + std::to_string(last_seq + 1) + " is missing"
                                                       : "records " + std::to_string(last_seq + 1) + "-" +
                                                             std::to_string(seq - 1) + " are missing"});
      } else if (prev_hash != prev) {
        report.problems.push_back({"trail", seq_s, "broken_chain",
                                   "prev_hash does not match the hash of record " + std::to_string(last_seq)});
      }
      const bool inflated = stored_state(s, 6, state);
      if (!inflated) {
        report.problems.push_back({"trail", seq_s, "altered",
                                   "the record's deflated state does not inflate to its state_size (entity " +
                                       s.str(3) + ", key " + s.str(4) + ")"});
        state = "null";
      } else {
        record_json(record, seq, s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), state);
        sha.begin();
        sha.update(prev_hash);
        sha.update(record);
        sha.finish_hex(computed);
        if (std::string_view(computed, 64) != hash)
          report.problems.push_back(
              {"trail", seq_s, "altered",
               "the record's content does not match its hash (entity " + s.str(3) + ", key " + s.str(4) + ")"});
      }
      if (s.text(3) == "responses" && s.text(5) == "batch") {
        // One record for many responses: expand it into one expectation per row.
        const nlohmann::json st = nlohmann::json::parse(state, nullptr, false);
        bool ok = st.is_object() && st.contains("cycle") && st["cycle"].is_number_integer() && st.contains("rows") &&
                  st["rows"].is_array() && st.contains("answered_by") && st.contains("answered_at");
        if (ok) {
          const std::int64_t cycle = st["cycle"].get<std::int64_t>();
          auto& m = expected["response"];
          std::uint32_t index = 0;
          for (const auto& row : st["rows"]) {
            const nlohmann::json state = batch_row_state(st, row);
            if (state.is_null()) {
              ok = false;
              break;
            }
            Expected& e = m[response_key(cycle, row[0].get<std::string>(), row[1].get<std::string>())];
            e.seq = seq;
            e.index = index++;
            e.deleted = false;
            e.digest = digest_of(sha, dump(state));
          }
        }
        if (!ok && inflated)
          report.problems.push_back(
              {"trail", seq_s, "altered", "the record's state is not a valid batch of responses"});
        if (!inflated) unreadable_batches[s.str(4)] = seq;
      } else {
        Expected& e = expected[s.str(3)][s.str(4)];
        e.seq = seq;
        e.deleted = s.text(5) == "delete";
        e.digest = digest_of(sha, state);
      }
      prev = std::string(hash);
      last_seq = seq;
      ++report.records;
    }
    report.head_hash = last_seq ? prev : std::string();
  }

  // 2. Replay: every current row must equal the last state the trail gives it, and every
  // entity the trail says exists must have a row.
  auto check_row = [&](const char* table, const char* entity, const std::string& key, const std::string& state) {
    ++report.rows;
    auto& m = expected[entity];
    auto it = m.find(key);
    if (it == m.end() || it->second.deleted) {
      std::string detail = "the row has no trail record (written outside libaudit)";
      if (std::string_view(entity) == "response" && !unreadable_batches.empty()) {
        const std::string cycle = key.substr(1, key.find(',') - 1);  // key: [cycle,"課","item"]
        if (auto d = unreadable_batches.find(cycle); d != unreadable_batches.end())
          detail = "the row has no readable trail record: trail record " + std::to_string(d->second) +
                   " of its cycle is damaged";
      }
      report.problems.push_back({table, key, "inserted", detail});
      return;
    }
    it->second.seen = true;
    if (digest_of(sha, state) != it->second.digest) {
      sql::Stmt t = db.prepare("SELECT state, state_size FROM trail WHERE seq = ?");
      t.bind(1, it->second.seq);
      std::string trail_state;
      if (!t.step() || !stored_state(t, 0, trail_state)) trail_state = "null";
      if (std::string_view(entity) == "response") {
        const nlohmann::json st = nlohmann::json::parse(trail_state, nullptr, false);
        trail_state = st.is_object() && st.contains("rows") && st["rows"].size() > it->second.index
                          ? dump(batch_row_state(st, st["rows"][it->second.index]))
                          : std::string("null");
      }
      report.problems.push_back(
          {table, key, "altered",
           diff_states(trail_state, state) + " (last trail record " + std::to_string(it->second.seq) + ")"});
    }
  };
  {
    sql::Stmt s = db.prepare("SELECT value FROM meta WHERE key = 'body'");
    if (s.step()) {
      std::string st = "{";
      json_key(st, "name");
      json_string(st, s.text(0));
      st += '}';
      check_row("meta", "body", "body", st);
    }
  }
  {
    sql::Stmt s = db.prepare(
        "SELECT d.code, d.name, coalesce(p.code, ''), d.security_officer, d.security_manager "
        "FROM departments d LEFT JOIN departments p ON p.id = d.parent_id");
    while (s.step()) {
      Department d{s.str(0), s.str(1), s.str(2), s.str(3), s.str(4)};
      check_row("departments", "department", d.code, department_state(d));
    }
  }
  {
    sql::Stmt s = db.prepare(
        "SELECT s.name, coalesce(d.code, ''), s.tier, s.important_assets FROM systems s "
        "LEFT JOIN departments d ON d.id = s.department_id");
    while (s.step()) {
      System x{s.str(0), s.str(1), s.str(2), s.i64(3) != 0};
      check_row("systems", "system", x.name, system_state(x));
    }
  }
  // A checklist's YAML must load back to its content, and its items rows (which scoring joins)
  // must be the ones derived from it.
  auto check_items = [&](std::int64_t id, const std::string& key, const std::string& content) {
    std::vector<ItemRow> want;
    try {
      const Checklist c = load_checklist(id);
      if (c.to_json() != content) {
        report.problems.push_back({"checklists", key, "altered", "the stored YAML does not match the stored content"});
        return;
      }
      want = item_rows(c);
    } catch (const Error& e) {
      report.problems.push_back(
          {"checklists", key, "altered", std::string("the stored YAML does not load: ") + e.what()});
      return;
    }
    std::map<std::string, const ItemRow*> expected_items;
    for (const ItemRow& r : want) expected_items.emplace(r.item_id, &r);
    sql::Stmt t = db.prepare(
        "SELECT item_id, position, chapter_id, section_id, clause, weight, self_inspection, audit, departments, tiers, "
        "important_assets FROM items WHERE checklist = ? ORDER BY position");
    t.bind(1, id);
    while (t.step()) {
      ItemRow r{t.str(0),      t.i64(1),      t.str(2), t.str(3), t.str(4),      t.real(5),
                t.i64(6) != 0, t.i64(7) != 0, t.str(8), t.str(9), t.i64(10) != 0};
      ++report.rows;
      auto it = expected_items.find(r.item_id);
      const std::string item_key = key + "/" + r.item_id;
      if (it == expected_items.end()) {
        report.problems.push_back({"items", item_key, "inserted", "the item is not in the stored checklist"});
        continue;
      }
      if (!(*it->second == r)) {
        const ItemRow& w = *it->second;
        std::string what;
        auto field = [&](const char* name, const std::string& a, const std::string& b) {
          if (a != b) what += std::string(what.empty() ? "" : "; ") + name + ": checklist " + a + ", table " + b;
        };
        field("position", std::to_string(w.position), std::to_string(r.position));
        field("chapter_id", w.chapter_id, r.chapter_id);
        field("section_id", w.section_id, r.section_id);
        field("clause", w.clause, r.clause);
        field("weight", nlohmann::json(w.weight).dump(), nlohmann::json(r.weight).dump());
        field("self_inspection", w.self_inspection ? "1" : "0", r.self_inspection ? "1" : "0");
        field("audit", w.audit ? "1" : "0", r.audit ? "1" : "0");
        field("departments", w.departments, r.departments);
        field("tiers", w.tiers, r.tiers);
        field("important_assets", w.important_assets ? "1" : "0", r.important_assets ? "1" : "0");
        report.problems.push_back({"items", item_key, "altered", what});
      }
      expected_items.erase(it);
    }
    for (const auto& [item_id, r] : expected_items)
      report.problems.push_back({"items", key + "/" + item_id, "deleted", "the stored checklist has this item"});
  };
  {
    sql::Stmt s = db.prepare("SELECT id, checklist_id, version, title, sha256, content FROM checklists");
    while (s.step()) {
      StoredChecklist c;
      c.id = s.i64(0);
      c.checklist_id = s.str(1);
      c.version = s.str(2);
      c.title = s.str(3);
      c.sha256 = s.str(4);
      const std::string key = checklist_key(c.checklist_id, c.version);
      check_row("checklists", "checklist", key, checklist_state(c));
      if (sha.hex_of(s.text(5)) != c.sha256)
        report.problems.push_back({"checklists", key, "altered", "the stored content does not match its sha256"});
      else
        check_items(c.id, key, s.str(5));
    }
  }
  {
    std::vector<std::int64_t> ids;
    {
      sql::Stmt s = db.prepare("SELECT id FROM cycles ORDER BY id");
      while (s.step()) ids.push_back(s.i64(0));
    }
    for (std::int64_t id : ids) {
      const Cycle c = impl_->load_cycle(id);
      check_row("cycles", "cycle", std::to_string(id), cycle_state(c));
    }
  }
  {
    sql::Stmt s = db.prepare(
        "SELECT r.cycle, coalesce(d.code, ''), r.item_id, r.answer, r.comment, r.evidence, r.answered_by, "
        "r.answered_at FROM responses r LEFT JOIN departments d ON d.id = r.department");
    nlohmann::json row = nlohmann::json::object();
    while (s.step()) {
      // The same form as the batch rows above: nlohmann's canonical dump (sorted keys).
      row["answer"] = s.str(3);
      row["comment"] = s.str(4);
      row["evidence"] = s.str(5);
      row["answered_by"] = s.str(6);
      row["answered_at"] = s.str(7);
      check_row("responses", "response", response_key(s.i64(0), s.text(1), s.text(2)), dump(row));
    }
  }
  for (VerifyReader reader : verify_readers())
    reader(db, [&](const char* table, const char* entity, const std::string& key, const std::string& state) {
      check_row(table, entity, key, state);
    });
  static const std::map<std::string, const char*> kTables = {{"body", "meta"},
                                                             {"department", "departments"},
                                                             {"system", "systems"},
                                                             {"checklist", "checklists"},
                                                             {"cycle", "cycles"},
                                                             {"response", "responses"},
                                                             {"person", "people"},
                                                             {"finding", "findings"},
                                                             {"finding_transition", "finding_transitions"},
                                                             {"check_request", "check_requests"},
                                                             {"exception", "exceptions"}};
  for (const auto& [entity, rows] : expected) {
    auto t = kTables.find(entity);
    const std::string table = t == kTables.end() ? entity : t->second;
    std::vector<std::pair<std::int64_t, std::string>> missing;
    for (const auto& [key, e] : rows)
      if (!e.seen && !e.deleted) missing.emplace_back(e.seq, key);
    std::sort(missing.begin(), missing.end());
    for (const auto& [seq, key] : missing)
      report.problems.push_back(
          {table, key, "deleted",
           "the trail says the row exists (record " + std::to_string(seq) + ") but it is not in the table"});
  }
  return report;
}

}  // namespace libaudit
