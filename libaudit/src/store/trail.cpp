// The trail: canonical states and the hash chain (verify() is in verify.cpp).
#include <fcntl.h>
#include <libdeflate.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "libaudit/base/messages.h"
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

// ---- HMAC-SHA-256 ------------------------------------------------------------------------

HmacSha256::HmacSha256(std::string_view key) : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)), ctx_(nullptr), key_(key) {
  if (mac_) ctx_ = EVP_MAC_CTX_new(mac_);
  if (!mac_ || !ctx_) {
    EVP_MAC_free(mac_);
    throw Error("HMAC is not available from OpenSSL");
  }
}

HmacSha256::~HmacSha256() {
  OPENSSL_cleanse(key_.data(), key_.size());
  EVP_MAC_CTX_free(ctx_);
  EVP_MAC_free(mac_);
}

void HmacSha256::begin() {
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key_.data()), key_.size(), params) != 1)
    throw Error("EVP_MAC_init failed");
}

void HmacSha256::update(std::string_view data) {
  if (EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw Error("EVP_MAC_update failed");
}

void HmacSha256::finish_hex(char* hex) {
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned char d[32];
  std::size_t n = 0;
  if (EVP_MAC_final(ctx_, d, &n, sizeof d) != 1 || n != 32) throw Error("EVP_MAC_final failed");
  for (std::size_t i = 0; i < 32; ++i) {
    hex[2 * i] = kHex[d[i] >> 4];
    hex[2 * i + 1] = kHex[d[i] & 15];
  }
}

void trail_mac(HmacSha256& mac, std::string_view prev_hash, std::string_view record, char* hex) {
  mac.begin();
  mac.update(prev_hash);
  mac.update(record);
  mac.finish_hex(hex);
}

std::string seal_state(std::int64_t seq, std::string_view key_id) {
  return JsonObject().num("from", seq).str("key_id", key_id).done();
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
  JsonObject o;
  o.str("name", c.name)
      .str("kind", to_string(c.kind))
      .num("fiscal_year", c.fiscal_year)
      .num("checklist", c.checklist)
      .str("status", to_string(c.status))
      .strings("departments", c.departments);
  // Only when recorded: the states of the cycles written before the column keep their bytes.
  if (!c.secretariat.empty()) o.str("secretariat", c.secretariat);
  return o.done();
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
    throw ValidationError({Diagnostic{"<actor>", 1, 1, tr("an actor (who makes the change) is required")}});
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
                       std::string at, std::string_view trail_key)
    : sha_(sha),
      mac_(trail_key.empty() ? nullptr : std::make_unique<HmacSha256>(trail_key)),
      actor_(actor),
      at_(std::move(at)),
      seq_(head_seq) {
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
  if (mac_) {
    r.mac.resize(64);
    trail_mac(*mac_, std::string_view(prev_, 64), record_, r.mac.data());
  }
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
TrailChain chain_from_head(sql::Db& db, Sha256& sha, std::string_view actor, std::string at,
                           std::string_view trail_key) {
  sql::Stmt s = db.prepare("SELECT seq, hash FROM trail ORDER BY seq DESC LIMIT 1");
  if (s.step()) return TrailChain(sha, s.i64(0), s.text(1), actor, std::move(at), trail_key);
  return TrailChain(sha, 0, kGenesisHash, actor, std::move(at), trail_key);
}
}  // namespace

bool is_seal_of(const sql::Stmt& s, HmacSha256& mac, std::string_view key_id) {
  if (s.text(3) != kSealEntity || s.text(10).size() != 64) return false;
  std::string state, record;
  if (!stored_state(s, 6, state) || state != seal_state(s.i64(0), key_id)) return false;
  record_json(record, s.i64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), state);
  char want[64];
  trail_mac(mac, s.text(8), record, want);
  return CRYPTO_memcmp(want, s.text(10).data(), 64) == 0;
}

TrailWriter::TrailWriter(sql::Db& db, Sha256& sha, std::string_view trail_key, std::string_view actor, std::string at)
    : db_(db), key_(trail_key), chain_(chain_from_head(db, sha, actor, std::move(at), trail_key)) {}

void TrailWriter::start_seal() {
  if (seal_checked_) return;
  seal_checked_ = true;
  if (key_.empty()) return;
  const std::string key_id = trail_key_id(key_);
  {
    // The partial index trail_seals makes this a lookup, not a scan of the trail.
    sql::Stmt s = db_.prepare(
        "SELECT seq, at, actor, entity, key, action, state, state_size, prev_hash, hash, mac FROM trail "
        "WHERE entity = 'trail_seal' ORDER BY seq DESC LIMIT 1");
    HmacSha256 mac(key_);
    if (s.step() && is_seal_of(s, mac, key_id)) return;
  }
  insert_row(chain_.seal(kSealEntity, "trail", "insert", seal_state(chain_.head_seq() + 1, key_id)));
}

void TrailWriter::insert_row(const SealedRecord& r) {
  sql::Stmt ins = db_.prepare(
      "INSERT INTO trail(seq, at, actor, entity, key, action, state, state_size, prev_hash, hash, mac) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, r.seq).bind(2, chain_.at()).bind(3, chain_.actor()).bind(4, r.entity).bind(5, r.key).bind(6, r.action);
  if (r.state_size)
    ins.bind_blob(7, r.state);
  else
    ins.bind(7, r.state);
  ins.bind(8, r.state_size).bind(9, std::string_view(r.prev_hash, 64)).bind(10, std::string_view(r.hash, 64));
  ins.bind(11, r.mac);
  ins.run();
}

void TrailWriter::append(std::string_view entity, std::string_view key, std::string_view action,
                         std::string_view state) {
  start_seal();
  insert_row(chain_.seal(entity, key, action, state));
}

void TrailWriter::insert(const std::vector<SealedRecord>& records) {
  start_seal();
  for (const SealedRecord& r : records) {
    if (r.mac.empty() != key_.empty())
      throw StoreError("internal error: trail record " + std::to_string(r.seq) + " was sealed with another key");
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

void detail::require_stored_state(const sql::Stmt& s, int c, std::string& out, const std::string& path) {
  if (!stored_state(s, c, out))
    throw StoreError(
        message("trail record {seq} of {path} is damaged: its deflated state does not inflate (run "
                "`libaudit verify`)",
                fmt::arg("seq", s.i64(0)), fmt::arg("path", path)));
}

std::vector<TrailRecord> Store::trail(std::int64_t after, std::size_t limit) const {
  if (!impl_) throw StoreError(tr("the store is closed"));
  sql::Stmt s = impl_->db.prepare(
      "SELECT seq, at, actor, entity, key, action, state, state_size, prev_hash, hash, mac FROM trail "
      "WHERE seq > ? ORDER BY seq LIMIT ?");
  s.bind(1, after).bind(2, limit ? std::int64_t(limit) : std::int64_t(-1));
  std::vector<TrailRecord> out;
  std::string state;
  while (s.step()) {
    require_stored_state(s, 6, state, impl_->path);
    out.push_back({s.i64(0), s.str(1), s.str(2), s.str(3), s.str(4), s.str(5), state, s.str(8), s.str(9), s.str(10)});
  }
  return out;
}

}  // namespace libaudit

// ---- The trail key -----------------------------------------------------------------------

namespace libaudit {

std::string trail_key_id(std::string_view key) { return detail::Sha256().hex_of(key).substr(0, 16); }

namespace {

ValidationError key_file_error(const std::filesystem::path& file, std::string message) {
  return ValidationError({Diagnostic{file.string(), 1, 1, std::move(message)}});
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string read_trail_key(const std::filesystem::path& file) {
  const std::string name = file.string();
  struct stat st {};
  if (::stat(name.c_str(), &st) != 0)
    throw IoError(message("cannot read the key file {file}: {reason}", fmt::arg("file", name),
                          fmt::arg("reason", std::strerror(errno))));
  if (!S_ISREG(st.st_mode))
    throw key_file_error(file, message("the key file {file} is not a regular file", fmt::arg("file", name)));
  if (st.st_mode & 077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    throw key_file_error(file, message("the key file {file} is open to its group or to others ({mode}): make it "
                                       "readable by its owner only with `chmod 600 {file}`",
                                       fmt::arg("file", name), fmt::arg("mode", mode)));
  }
  std::ifstream in(file, std::ios::binary);
  std::string text;
  if (in) text.assign(std::istreambuf_iterator<char>(in), {});
  if (!in && !in.eof()) throw IoError(message("cannot read the key file {file}", fmt::arg("file", name)));
  std::string key;
  bool ok = text.size() == 2 * kTrailKeyBytes + 1 && text.back() == '\n';
  for (std::size_t i = 0; ok && i < 2 * kTrailKeyBytes; i += 2) {
    const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
    ok = hi >= 0 && lo >= 0;
    key += char(hi * 16 + lo);
  }
  OPENSSL_cleanse(text.data(), text.size());
  if (!ok) {
    OPENSSL_cleanse(key.data(), key.size());
    throw key_file_error(file, message("the key file {file} is not in the format: 64 hex digits (32 bytes) and one "
                                       "newline (make one with `libaudit trail-key new PATH`)",
                                       fmt::arg("file", name)));
  }
  return key;
}

void write_trail_key(const std::filesystem::path& file) {
  const std::string name = file.string();
  if (std::filesystem::exists(std::filesystem::symlink_status(file)))
    throw IoError(message("the key file {file} exists already: it is not overwritten", fmt::arg("file", name)));
  unsigned char key[kTrailKeyBytes];
  if (RAND_bytes(key, sizeof key) != 1) throw IoError(tr("cannot draw random bytes for the key (RAND_bytes)"));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (unsigned char b : key) {
    text += kHex[b >> 4];
    text += kHex[b & 15];
  }
  text += '\n';
  OPENSSL_cleanse(key, sizeof key);
  // Written beside the target, then linked into place: link(2) never replaces a file, and the
  // key appears whole or not at all.
  std::string tmp = name + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // mode 0600
  if (fd < 0)
    throw IoError(message("cannot write the key file {file}: {reason}", fmt::arg("file", name),
                          fmt::arg("reason", std::strerror(errno))));
  const bool written =
      ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  const int write_errno = errno;
  OPENSSL_cleanse(text.data(), text.size());
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    throw IoError(message("cannot write the key file {file}: {reason}", fmt::arg("file", name),
                          fmt::arg("reason", std::strerror(write_errno))));
  }
  const int linked = ::link(tmp.c_str(), name.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0)
    throw IoError(link_errno == EEXIST
                      ? message("the key file {file} exists already: it is not overwritten", fmt::arg("file", name))
                      : message("cannot write the key file {file}: {reason}", fmt::arg("file", name),
                                fmt::arg("reason", std::strerror(link_errno))));
}

}  // namespace libaudit
