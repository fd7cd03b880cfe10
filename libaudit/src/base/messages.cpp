#include "libaudit/base/messages.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "libaudit/base/error.h"

namespace libaudit {

namespace {

// A catalogue read from a .mo file: msgid (the singular, for a plural entry) -> its forms.
// Immutable once built; shared by every lookup that began while it was in use.
struct Catalog {
  std::string language;
  bool one_form = false;  // Plural-Forms: nplurals=1 (Japanese); otherwise n == 1 is singular
  std::unordered_map<std::string, std::vector<std::string>> entries;
};

std::mutex catalog_mutex;
std::shared_ptr<const Catalog> catalog_in_use;  // guarded by catalog_mutex; null: English

std::shared_ptr<const Catalog> current() {
  const std::lock_guard lock(catalog_mutex);
  return catalog_in_use;
}

// The .mo layout (GNU gettext manual, "The Format of GNU MO Files"): a magic number giving the
// byte order, then the count of strings and the offsets of two tables of (length, offset) pairs.
class MoReader {
 public:
  MoReader(std::string bytes, std::string source) : bytes_(std::move(bytes)), source_(std::move(source)) {
    const std::uint32_t magic = raw(0);
    if (magic == 0x950412deU) {
      swap_ = false;
    } else if (magic == 0xde120495U) {
      swap_ = true;
    } else {
      fail(tr("not a compiled gettext catalogue (.mo): its magic number is wrong"));
    }
  }

  Catalog read() {
    Catalog c;
    const std::uint32_t count = word(8);
    const std::uint32_t originals = word(12);
    const std::uint32_t translations = word(16);
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::string key = string_at(originals + 8ULL * i);
      const std::string value = string_at(translations + 8ULL * i);
      if (key.empty()) {
        read_header(value, c);
        continue;
      }
      c.entries.emplace(key.substr(0, key.find('\0')), split_forms(value));
    }
    return c;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw ValidationError({Diagnostic{source_, 1, 1, what}}); }

  std::uint32_t raw(std::uint64_t at) const {
    if (at + 4 > bytes_.size()) fail(tr("truncated catalogue (.mo)"));
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes_[at + static_cast<unsigned>(i)]);
    return v;  // little-endian
  }

  std::uint32_t word(std::uint64_t at) const {
    const std::uint32_t v = raw(at);
    if (!swap_) return v;
    return ((v & 0xffU) << 24) | ((v & 0xff00U) << 8) | ((v >> 8) & 0xff00U) | (v >> 24);
  }

  std::string string_at(std::uint64_t entry) const {
    const std::uint64_t length = word(entry);
    const std::uint64_t offset = word(entry + 4);
    if (offset + length > bytes_.size()) fail(tr("a string of the catalogue (.mo) lies outside the file"));
    return bytes_.substr(offset, length);
  }

  static std::vector<std::string> split_forms(const std::string& value) {
    std::vector<std::string> forms;
    std::size_t start = 0;
    for (std::size_t nul = value.find('\0'); nul != std::string::npos; nul = value.find('\0', start)) {
      forms.push_back(value.substr(start, nul - start));
      start = nul + 1;
    }
    forms.push_back(value.substr(start));
    return forms;
  }

  // "Language: ja" and "Plural-Forms: nplurals=1; …" from the header entry.
  static void read_header(const std::string& header, Catalog& c) {
    auto field = [&](std::string_view name) -> std::string {
      const std::size_t at = header.find(name);
      if (at == std::string::npos) return {};
      const std::size_t begin = at + name.size();
      return header.substr(begin, header.find('\n', begin) - begin);
    };
    c.language = field("Language: ");
    c.one_form = field("Plural-Forms: ").find("nplurals=1") != std::string::npos;
  }

  std::string bytes_;
  std::string source_;
  bool swap_ = false;
};

}  // namespace

void use_catalog(const std::filesystem::path& mo_file) {
  std::ifstream in(mo_file, std::ios::binary);
  if (!in) throw IoError(message("{file}: cannot open the message catalogue", fmt::arg("file", mo_file.string())));
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw IoError(message("{file}: read error", fmt::arg("file", mo_file.string())));
  auto c = std::make_shared<const Catalog>(MoReader(std::move(bytes), mo_file.string()).read());
  const std::lock_guard lock(catalog_mutex);
  catalog_in_use = std::move(c);
}

void use_no_catalog() noexcept {
  const std::lock_guard lock(catalog_mutex);
  catalog_in_use.reset();
}

std::string catalog_language() {
  const auto c = current();
  return c ? c->language : std::string();
}

std::string tr(std::string_view msgid) {
  const auto c = current();
  if (c) {
    const auto it = c->entries.find(std::string(msgid));
    if (it != c->entries.end() && !it->second.front().empty()) return it->second.front();
  }
  return std::string(msgid);
}

std::string trn(std::string_view singular, std::string_view plural, unsigned long long n) {
  const auto c = current();
  if (c) {
    const auto it = c->entries.find(std::string(singular));
    if (it != c->entries.end()) {
      const std::size_t form = c->one_form ? 0 : (n == 1 ? 0 : 1);
      if (form < it->second.size() && !it->second[form].empty()) return it->second[form];
    }
  }
  return std::string(n == 1 ? singular : plural);
}

}  // namespace libaudit
