// The trail: canonical states and the hash chain (verify() is in verify.cpp).
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
  return JsonObject()
      .str("code", d.code)
      .str("name", d.name)
      .str("parent_code", d.parent_code)
      .str("security_officer", d.security_officer)
      .str("security_manager", d.security_manager)
      .done();
}

std::string system_state(const System& x) {
  return JsonObject()
      .str("name", x.name)
      .str("department", x.department_code)
      .str("tier", x.tier)
      .flag("important_assets", x.important_assets)
      .done();
}

std::string checklist_key(std::string_view checklist_id, std::string_view version) {
  return std::string(checklist_id) + "@" + std::string(version);
}

std::string checklist_state(const StoredChecklist& c) {
  return JsonObject()
      .num("id", c.id)
      .str("checklist_id", c.checklist_id)
      .str("version", c.version)
      .str("title", c.title)
      .str("sha256", c.sha256)
      .done();
}

std::string cycle_state(const Cycle& c) {
  return JsonObject()
      .str("name", c.name)
      .str("kind", to_string(c.kind))
      .num("fiscal_year", c.fiscal_year)
      .num("checklist", c.checklist)
      .str("status", to_string(c.status))
      .strings("departments", c.departments)
      .done();
}

std::string body_state(std::string_view name) { return JsonObject().str("name", name).done(); }

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

}  // namespace libaudit::detail

namespace libaudit {

using namespace detail;

bool detail::stored_state(const sql::Stmt& s, int c, std::string& out) {
  const std::int64_t size = s.i64(c + 1);
  if (size == 0) {
    out.assign(s.text(c));
    return true;
  }
  return inflate_state(s.blob(c), size, out);
}

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

}  // namespace libaudit
