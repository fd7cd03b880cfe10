// A "responses" batch state read without a JSON tree, and the keyed digest of a response
// (batch_reader.h).
#include "store/batch_reader.h"

#include <openssl/rand.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "libaudit/base/error.h"

namespace libaudit::detail::verify {

namespace {

// A cursor over the canonical form: no white space, strings with JSON escapes.
struct Cursor {
  const char* p;
  const char* end;
  std::deque<std::string>& decoded;

  bool eat(char c) {
    if (p == end || *p != c) return false;
    ++p;
    return true;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool hex4(unsigned& v) {
    if (end - p < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex(p[i]);
      if (h < 0) return false;
      v = v * 16 + unsigned(h);
    }
    p += 4;
    return true;
  }

  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  // One escape after the backslash, appended to `out`.
  bool escape(std::string& out) {
    if (p == end) return false;
    const char c = *p++;
    switch (c) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': {
        unsigned cp = 0;
        if (!hex4(cp)) return false;
        if (cp >= 0xD800 && cp < 0xDC00) {
          unsigned lo = 0;
          if (!eat('\\') || !eat('u') || !hex4(lo) || lo < 0xDC00 || lo >= 0xE000) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          return false;
        }
        utf8(out, cp);
        return true;
      }
      default: return false;
    }
  }

  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* start = p;
    while (p != end && *p != '"' && *p != '\\') {
      if (static_cast<unsigned char>(*p) < 0x20) return false;
      ++p;
    }
    if (p == end) return false;
    if (*p == '"') {
      out = std::string_view(start, std::size_t(p - start));
      ++p;
      return true;
    }
    std::string& s = decoded.emplace_back(start, std::size_t(p - start));
    while (p != end && *p != '"') {
      if (*p == '\\') {
        ++p;
        if (!escape(s)) return false;
      } else if (static_cast<unsigned char>(*p) < 0x20) {
        return false;
      } else {
        s += *p++;
      }
    }
    if (!eat('"')) return false;
    out = s;
    return true;
  }

  bool integer(std::int64_t& v) {
    const bool negative = eat('-');
    if (p == end || *p < '0' || *p > '9' || (*p == '0' && end - p > 1 && p[1] >= '0' && p[1] <= '9')) return false;
    std::uint64_t u = 0;
    while (p != end && *p >= '0' && *p <= '9') {
      if (u > (std::uint64_t(INT64_MAX) - std::uint64_t(*p - '0')) / 10) return false;
      u = u * 10 + std::uint64_t(*p++ - '0');
    }
    if (p != end && (*p == '.' || *p == 'e' || *p == 'E')) return false;
    v = negative ? -std::int64_t(u) : std::int64_t(u);
    return true;
  }

  // One row: an array of 6 or 8 strings.
  bool row(BatchRow& r) {
    std::string_view f[8];
    std::size_t n = 0;
    if (!eat('[')) return false;
    do {
      if (n == 8 || !string(f[n++])) return false;
    } while (eat(','));
    if (!eat(']') || (n != 6 && n != 8)) return false;
    r = BatchRow{
        f[0], f[1], f[2], f[3], f[4], f[5], n == 8 ? f[6] : std::string_view(), n == 8 ? f[7] : std::string_view()};
    return true;
  }
};

}  // namespace

bool BatchReader::scan(std::string_view state) {
  Cursor c{state.data(), state.data() + state.size(), decoded_};
  std::string_view by, at, source, key;
  bool has_by = false, has_at = false, has_rows = false;
  if (!c.eat('{')) return false;
  do {
    if (!c.string(key) || !c.eat(':')) return false;
    if (key == "cycle") {
      if (has_cycle || !c.integer(cycle)) return false;
      has_cycle = true;
    } else if (key == "answered_by" && !has_by) {
      if (!c.string(by)) return false;
      has_by = true;
    } else if (key == "answered_at" && !has_at) {
      if (!c.string(at)) return false;
      has_at = true;
    } else if (key == "source") {
      if (!c.string(source)) return false;
    } else if (key == "rows" && !has_rows) {
      has_rows = true;
      if (!c.eat('[')) return false;
      if (!c.eat(']')) {
        do {
          if (!c.row(rows.emplace_back())) return false;
        } while (c.eat(','));
        if (!c.eat(']')) return false;
      }
    } else {
      return false;
    }
  } while (c.eat(','));
  if (!c.eat('}') || c.p != c.end || !has_cycle || !has_by || !has_at || !has_rows) return false;
  for (BatchRow& r : rows)
    if (!r.answered_by.data()) {
      r.answered_by = by;
      r.answered_at = at;
    }
  return true;
}

bool BatchReader::read_json(std::string_view state) {
  using nlohmann::json;
  const json st = json::parse(state, nullptr, false);
  if (!(st.is_object() && st.contains("cycle") && st["cycle"].is_number_integer() && st.contains("rows") &&
        st["rows"].is_array() && st.contains("answered_by") && st.contains("answered_at")))
    return false;
  cycle = st["cycle"].get<std::int64_t>();
  has_cycle = true;
  // A field that is not a string is kept as its JSON text behind a byte no row holds, so that
  // it matches no row.
  auto keep = [&](const json& j) -> std::string_view {
    if (j.is_string()) return decoded_.emplace_back(j.get<std::string>());
    std::string& text = decoded_.emplace_back(1, '\x01');
    text += j.dump();
    return text;
  };
  const std::string_view by = keep(st["answered_by"]), at = keep(st["answered_at"]);
  for (const json& row : st["rows"]) {
    if (!row.is_array() || (row.size() != 6 && row.size() != 8)) return false;
    for (const json& f : row)
      if (!f.is_string()) return false;
    rows.push_back(BatchRow{keep(row[0]), keep(row[1]), keep(row[2]), keep(row[3]), keep(row[4]), keep(row[5]),
                            row.size() == 8 ? keep(row[6]) : by, row.size() == 8 ? keep(row[7]) : at});
  }
  return true;
}

bool BatchReader::read(std::string_view state) {
  rows.clear();
  decoded_.clear();
  has_cycle = false;
  if (scan(state)) return true;
  rows.clear();
  decoded_.clear();
  has_cycle = false;
  return read_json(state);
}

// ---- SipHash-2-4 ----------------------------------------------------------------------------

FieldDigest::FieldDigest() {
  std::uint64_t k[2];
  if (RAND_bytes(reinterpret_cast<unsigned char*>(k), sizeof k) != 1) throw Error("RAND_bytes failed");
  k0_ = k[0];
  k1_ = k[1];
}

namespace {

inline std::uint64_t rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  std::uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  void absorb(std::uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, std::string_view data) {
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
             k1 ^ 0x7465646279746573ULL};
  const std::size_t n = data.size(), whole = n & ~std::size_t(7);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  for (std::size_t i = 0; i < whole; i += 8) {
    std::uint64_t m = 0;
    std::memcpy(&m, p + i, 8);  // little-endian hosts (x86-64, AArch64)
    s.absorb(m);
  }
  std::uint64_t last = std::uint64_t(n & 0xFF) << 56;
  for (std::size_t i = whole; i < n; ++i) last |= std::uint64_t(p[i]) << (8 * (i - whole));
  s.absorb(last);
  s.v2 ^= 0xFF;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

void length_prefixed(std::string& buf, std::string_view field) {
  const auto n = std::uint32_t(field.size());
  buf.append(reinterpret_cast<const char*>(&n), sizeof n);
  buf.append(field);
}

}  // namespace

std::uint64_t FieldDigest::operator()(std::string_view answer, std::string_view comment, std::string_view evidence,
                                      std::string_view answered_by, std::string_view answered_at) {
  buf_.clear();
  length_prefixed(buf_, answer);
  length_prefixed(buf_, comment);
  length_prefixed(buf_, evidence);
  length_prefixed(buf_, answered_by);
  length_prefixed(buf_, answered_at);
  return siphash24(k0_, k1_, buf_);
}

}  // namespace libaudit::detail::verify
