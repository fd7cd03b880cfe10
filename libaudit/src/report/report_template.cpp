// Mustache rendering of the reports (report_template.h) on kainjow/mustache, with unknown
// tags and partials reported instead of silently rendered as nothing.
#include "report/report_template.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include "libaudit/base/error.h"
#include "libaudit/base/messages.h"
#include "libaudit/report/report.h"

namespace libaudit::report_detail {

namespace fs = std::filesystem;
namespace mu = kainjow::mustache;
using Data = mu::data;
using json = nlohmann::ordered_json;

std::string markdown_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '{':
      case '}':
      case '[':
      case ']':
      case '#':
      case '|':
      case '!':
      case '~':
        out += '\\';
        out += c;
        break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\r': break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

struct Source {
  std::string name;
  fs::path path;
  std::string text;
};

Data to_data(const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      Data d{Data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
      return d;
    }
    case json::value_t::array: {
      Data d{Data::type::list};
      for (const json& v : j) d.push_back(to_data(v));
      return d;
    }
    case json::value_t::string: return Data{j.get_ref<const std::string&>()};
    case json::value_t::boolean: return Data{j.get<bool>()};
    case json::value_t::number_integer: return Data{std::to_string(j.get<std::int64_t>())};
    case json::value_t::number_unsigned: return Data{std::to_string(j.get<std::uint64_t>())};
    case json::value_t::number_float: {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.1f", j.get<double>());
      return Data{std::string(buf)};
    }
    default: return Data{std::string()};  // null: present, empty
  }
}

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '.') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Where `tag` is used in a template: 1-based line and column (in characters), or 0.
std::pair<int, int> locate(const std::string& text, const std::string& tag) {
  static const std::regex re(R"(\{\{\{?\s*[#^/&>]?\s*([^\s{}]+)\s*\}?\}\})");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    if ((*it)[1].str() != tag) continue;
    const std::size_t pos = std::size_t(it->position());
    int line = 1, col = 1;
    for (std::size_t i = 0; i < pos; ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    return {line, col};
  }
  return {0, 0};
}

// The partial tags of a template in order, read as kainjow's parser reads them (delimiter
// changes included, so none is hidden from the depth check); the scan ends at an unclosed tag,
// which the parser reports.
std::vector<std::string> partial_names(const std::string& text) {
  std::vector<std::string> out;
  std::string open = "{{", close = "}}";
  auto trim = [](const std::string& s) {
    const auto b = s.find_first_not_of(" \t\n\r\f\v");
    return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(" \t\n\r\f\v") - b + 1);
  };
  for (std::size_t pos = text.find(open); pos != std::string::npos; pos = text.find(open, pos)) {
    std::size_t start = pos + open.size();
    const bool triple = open == "{{" && close == "}}" && start < text.size() && text[start] == '{';
    if (triple) ++start;
    const std::string& end = triple ? std::string("}}}") : close;
    const std::size_t stop = text.find(end, start);
    if (stop == std::string::npos) break;
    const std::string tag = trim(text.substr(start, stop - start));
    pos = stop + end.size();
    if (triple || tag.empty()) continue;
    if (tag[0] == '>') {
      out.push_back(trim(tag.substr(1)));
    } else if (tag[0] == '=' && tag.size() >= 5 && tag.back() == '=') {
      const std::string inner = trim(tag.substr(1, tag.size() - 2));
      const auto space = inner.find(' ');
      if (space == std::string::npos) continue;
      open = inner.substr(0, space);
      close = inner.substr(inner.find_first_not_of(' ', space));
    }
  }
  return out;
}

}  // namespace

struct Templates::Impl {
  std::vector<fs::path> dirs;
  std::map<std::string, std::unique_ptr<Source>> sources;  // by name; null: looked for, not found

  // The template or partial file `name` (a file name: no '/', '\\'): the first directory that
  // has it, or null. TemplateError when the file found resolves (through symbolic links) to
  // something outside that directory or to something other than a regular file.
  const Source* find(const std::string& name, const std::string& partial = "") {
    auto it = sources.find(name);
    if (it != sources.end()) return it->second.get();
    auto refuse = [&](const fs::path& p, const std::string& why) {
      return TemplateError({Diagnostic{
          p.string(), 1, 1,
          partial.empty()
              ? message("template '{name}' refused: {why}", fmt::arg("name", name), fmt::arg("why", why))
              : message("partial '{name}' refused: {why}", fmt::arg("name", partial), fmt::arg("why", why))}});
    };
    if (name.find_first_of(std::string("/\\\0", 3)) != std::string::npos)
      throw refuse(name,
                   tr("a template or partial is named as a file of the template directory (no '/', '\\' or '..')"));
    std::unique_ptr<Source> found;
    for (const fs::path& d : dirs) {
      const fs::path p = d / name;
      std::error_code ec;
      if (!fs::exists(fs::symlink_status(p, ec))) continue;
      const fs::path real = fs::canonical(p, ec);
      if (ec) throw refuse(p, message("it cannot be resolved ({reason})", fmt::arg("reason", ec.message())));
      const fs::path root = fs::canonical(d);
      const auto [r, rest] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
      if (r != root.end())
        throw refuse(p, message("it resolves to {real}, outside the template directory {root}",
                                fmt::arg("real", real.string()), fmt::arg("root", root.string())));
      if (!fs::is_regular_file(real, ec)) throw refuse(p, tr("it is not a regular file"));
      std::ifstream in(real, std::ios::binary);
      if (!in) throw IoError(message("cannot read template {file}", fmt::arg("file", p.string())));
      std::ostringstream ss;
      ss << in.rdbuf();
      found = std::make_unique<Source>(Source{name, p, ss.str()});
      break;
    }
    const Source* out = found.get();
    sources.emplace(name, std::move(found));
    return out;
  }
};

namespace {

// A context like kainjow's own, which also records every name it could not resolve and loads
// partials from the template directories.
class TrackingContext : public mu::basic_context<std::string> {
 public:
  TrackingContext(const Data* root, Templates::Impl& impl) : impl_(impl) { push(root); }

  void push(const Data* data) override { items_.insert(items_.begin(), data); }
  void pop() override { items_.erase(items_.begin()); }

  const Data* get(const std::string& name) const override {
    if (name == ".") return items_.front();
    const std::vector<std::string> names = split_dots(name);
    for (const Data* item : items_) {
      const Data* var = item;
      for (const std::string& n : names) {
        var = var->is_object() ? var->get(n) : nullptr;
        if (!var) break;
      }
      if (var) return var;
    }
    if (seen_.insert(name).second) missing.push_back(name);
    return nullptr;
  }

  const Data* get_partial(const std::string& name) const override {
    auto it = partials_.find(name);
    if (it != partials_.end()) return &it->second;
    const Source* s = impl_.find(name + ".mustache", name);
    if (!s) {
      if (seen_partials_.insert(name).second) missing_partials.push_back(name);
      return nullptr;
    }
    used.push_back(s);
    return &partials_.emplace(name, Data{s->text}).first->second;
  }

  mutable std::vector<std::string> missing, missing_partials;
  mutable std::vector<const Source*> used;

 private:
  Templates::Impl& impl_;
  std::vector<const Data*> items_;
  mutable std::set<std::string> seen_, seen_partials_;
  mutable std::map<std::string, Data> partials_;
};

}  // namespace

// Every chain of partials the template can reach, whatever the data, is at most
// kMaxPartialDepth partials long; a partial that includes itself (an endless chain) is refused
// before anything renders, naming the chain.
class DepthCheck {
 public:
  static void run(Templates::Impl& impl, const Source& root) { DepthCheck check(impl, root); }

 private:
  DepthCheck(Templates::Impl& impl, const Source& root) : impl_(impl) {
    constexpr std::string_view kSuffix = ".mustache";
    const bool suffixed = root.name.size() > kSuffix.size() && root.name.ends_with(kSuffix);
    chain_.push_back(suffixed ? root.name.substr(0, root.name.size() - kSuffix.size()) : root.name);
    below("", root);
  }

  // The longest chain of partials under `s` (partial `name`, "" for the template itself).
  int below(const std::string& name, const Source& s) {
    int longest = 0;
    for (const std::string& p : partial_names(s.text)) {
      auto known = height_.find(p);
      if (known == height_.end()) {
        if (std::find(chain_.begin() + 1, chain_.end(), p) != chain_.end())
          fail(s, p, message("'{partial}' includes itself", fmt::arg("partial", p)));
        if (chain_.size() > kMaxPartialDepth) fail(s, p);
        const Source* ps = nullptr;
        try {
          ps = impl_.find(p + ".mustache", p);
        } catch (const TemplateError& e) {  // a partial refused: located at its tag in `s`
          auto [line, col] = locate(s.text, p);
          throw TemplateError({Diagnostic{s.path.string(), line ? line : 1, col ? col : 1,
                                          message("template {name}: {problem}", fmt::arg("name", s.name),
                                                  fmt::arg("problem", e.diagnostics().front().message))}});
        }
        if (!ps) continue;  // reported, where it is rendered, as not found
        chain_.push_back(p);
        const int h = 1 + below(p, *ps);
        chain_.pop_back();
        known = height_.emplace(p, h).first;
      }
      if (chain_.size() - 1 + std::size_t(known->second) > kMaxPartialDepth) fail(s, p);
      if (known->second > longest) {
        longest = known->second;
        next_[name] = p;
      }
    }
    return longest;
  }

  [[noreturn]] void fail(const Source& s, const std::string& p, const std::string& why = "") {
    std::string chain;
    for (const std::string& step : chain_) chain += step + " > ";
    chain += p;
    if (!why.empty()) {
      chain += " > … (" + why + ")";
    } else {
      for (auto it = next_.find(p); it != next_.end(); it = next_.find(it->second)) chain += " > " + it->second;
    }
    auto [line, col] = locate(s.text, p);
    throw TemplateError(
        {Diagnostic{s.path.string(), line ? line : 1, col ? col : 1,
                    message("template {name}: partial depth limit {limit} exceeded: {chain}", fmt::arg("name", s.name),
                            fmt::arg("limit", kMaxPartialDepth), fmt::arg("chain", chain))}});
  }

  Templates::Impl& impl_;
  std::vector<std::string> chain_;           // the template, then the partials being read
  std::map<std::string, int> height_;        // a partial read: the longest chain it starts, itself included
  std::map<std::string, std::string> next_;  // a partial ("" the template) -> the next partial of that chain
};

Templates::Templates(std::vector<fs::path> dirs) : impl_(std::make_unique<Impl>()) {
  for (const fs::path& d : dirs) {
    std::error_code ec;
    if (!fs::is_directory(d, ec))
      throw IoError(message("template directory {dir} does not exist", fmt::arg("dir", d.string())));
  }
  impl_->dirs = std::move(dirs);
}
Templates::~Templates() = default;
Templates::Templates(Templates&&) noexcept = default;
Templates& Templates::operator=(Templates&&) noexcept = default;

std::string Templates::render(const std::string& name, const json& view, Escape escape) {
  const Source* src = impl_->dirs.empty() ? nullptr : impl_->find(name);
  if (!src) {
    std::string where;
    for (const fs::path& d : impl_->dirs) where += (where.empty() ? "" : ", ") + d.string();
    throw TemplateError({Diagnostic{
        name, 1, 1,
        where.empty()
            ? message("template '{name}' not found (no template directory)", fmt::arg("name", name))
            : message("template '{name}' not found in {dirs}", fmt::arg("name", name), fmt::arg("dirs", where))}});
  }
  mu::mustache tmpl{src->text};
  auto fail = [&](const Source& s, const std::string& message, int line = 1, int col = 1) {
    return TemplateError({Diagnostic{s.path.string(), line, col, message}});
  };
  if (!tmpl.is_valid()) {
    // kainjow reports "… at <byte offset>"; turn the offset into a line.
    int line = 1, col = 1;
    const std::string& msg = tmpl.error_message();
    const auto at = msg.rfind(" at ");
    if (at != std::string::npos) {
      const std::size_t pos = std::strtoul(msg.c_str() + at + 4, nullptr, 10);
      for (std::size_t i = 0; i < pos && i < src->text.size(); ++i) {
        if (src->text[i] == '\n') {
          ++line;
          col = 1;
        } else if ((static_cast<unsigned char>(src->text[i]) & 0xC0) != 0x80) {
          ++col;
        }
      }
    }
    throw fail(*src, message("template {name}: {problem}", fmt::arg("name", src->name), fmt::arg("problem", msg)), line,
               col);
  }
  DepthCheck::run(*impl_, *src);
  if (escape == Escape::markdown) tmpl.set_custom_escape(markdown_escape);
  const Data data = to_data(view);
  TrackingContext ctx(&data, *impl_);
  std::string out = tmpl.render(ctx);
  if (!tmpl.is_valid())
    throw fail(*src, message("template {name}: {problem}", fmt::arg("name", src->name),
                             fmt::arg("problem", tmpl.error_message())));
  if (!ctx.missing.empty() || !ctx.missing_partials.empty()) {
    std::vector<Diagnostic> diags;
    std::vector<const Source*> all{src};
    all.insert(all.end(), ctx.used.begin(), ctx.used.end());
    for (const std::string& tag : ctx.missing) {
      const std::string kind = view["report"]["kind"].get<std::string>();
      auto unknown = [&](const std::string& name) {
        return message("template {name}: unknown tag '{tag}' (not in the {kind} view model)", fmt::arg("name", name),
                       fmt::arg("tag", tag), fmt::arg("kind", kind));
      };
      Diagnostic d{src->path.string(), 1, 1, unknown(src->name)};
      for (const Source* s : all) {
        auto [line, col] = locate(s->text, tag);
        if (line) {
          d = Diagnostic{s->path.string(), line, col, unknown(s->name)};
          break;
        }
      }
      diags.push_back(std::move(d));
    }
    for (const std::string& p : ctx.missing_partials) {
      auto [line, col] = locate(src->text, p);
      diags.push_back(Diagnostic{src->path.string(), line ? line : 1, col ? col : 1,
                                 message("template {name}: partial '{partial}' not found ({partial}.mustache)",
                                         fmt::arg("name", src->name), fmt::arg("partial", p))});
    }
    throw TemplateError(std::move(diags));
  }
  return out;
}

}  // namespace libaudit::report_detail
