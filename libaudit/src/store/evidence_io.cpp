// The file side of evidence (evidence_io.h): descriptors, the hashing copy, the folder.
#include "store/evidence_io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "libaudit/base/messages.h"
#include "store/store_internal.h"

namespace libaudit::detail::evidence {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void io_error(const fs::path& path, int err) {
  throw IoError(message("{file}: {reason}", fmt::arg("file", path.string()),
                        fmt::arg("reason", std::generic_category().message(err))));
}

void write_all(int fd, const fs::path& path, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      io_error(path, errno);
    }
    data += w;
    n -= std::size_t(w);
  }
}

bool is_hex_name(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Whether a temporary is held by an add in progress (its flock is taken).
bool held(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  const bool busy = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  ::close(fd);
  return busy;
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void Fd::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0 && errno != EINTR) throw IoError(std::generic_category().message(errno));
}

Fd open_read(const fs::path& path, std::int64_t& size) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) io_error(path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) io_error(path, errno);
  if (!S_ISREG(st.st_mode)) throw IoError(message("{file}: not a regular file", fmt::arg("file", path.string())));
  size = st.st_size;
  return fd;
}

std::string read_at(int fd, const fs::path& path, std::int64_t offset, std::size_t n) {
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, out.data() + got, n - got, offset + std::int64_t(got));
    if (r < 0) {
      if (errno == EINTR) continue;
      io_error(path, errno);
    }
    if (r == 0) break;
    got += std::size_t(r);
  }
  out.resize(got);
  return out;
}

fs::path folder_of(const std::string& store_path) {
  if (store_path.empty() || store_path == ":memory:" || store_path.starts_with("file:"))
    throw ValidationError({Diagnostic{"<evidence>", 1, 1, tr("evidence files need a store kept in a file")}});
  return fs::path(store_path + ".evidence");
}

fs::path blob_path(const fs::path& folder, std::string_view sha256) {
  return folder / "sha256" / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

fs::path temp_folder(const fs::path& folder) { return folder / "tmp"; }

void make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) io_error(dir, ec.value());
}

void sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) io_error(dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) io_error(dir, err);
}

Copied copy_hashing(int in, const fs::path& in_path, int out, const fs::path& out_path, std::int64_t total,
                    std::int64_t limit, const std::string& name, const EvidenceProgress& progress) {
  Sha256 sha;
  sha.begin();
  std::vector<char> buffer(kChunk);
  Copied c;
  std::int64_t next_report = kProgressEvery;
  if (::lseek(in, 0, SEEK_SET) < 0) io_error(in_path, errno);
  for (;;) {
    const ssize_t r = ::read(in, buffer.data(), buffer.size());
    if (r < 0) {
      if (errno == EINTR) continue;
      io_error(in_path, errno);
    }
    if (r == 0) break;
    c.size += r;
    if (limit > 0 && c.size > limit)
      throw ValidationError({Diagnostic{"", 0, 0,
                                        message("{file}: larger than the store's limit of {limit} bytes per "
                                                "evidence file: nothing was stored",
                                                fmt::arg("file", name), fmt::arg("limit", limit))}});
    sha.update(std::string_view(buffer.data(), std::size_t(r)));
    if (out >= 0) write_all(out, out_path, buffer.data(), std::size_t(r));
    if (progress && c.size >= next_report) {
      progress(c.size, std::max(total, c.size));
      next_report = c.size + kProgressEvery;
    }
  }
  if (progress) progress(c.size, c.size);
  c.sha256.resize(64);
  sha.finish_hex(c.sha256.data());
  return c;
}

Fd make_temp(const fs::path& dir, std::string_view prefix, fs::path& path) {
  std::string pattern = (dir / (std::string(prefix) + "XXXXXX")).string();
  Fd fd(::mkstemp(pattern.data()));
  if (fd.get() < 0) io_error(dir, errno);
  path = pattern;
  ::fchmod(fd.get(), 0600);
  if (::flock(fd.get(), LOCK_EX) != 0) io_error(path, errno);
  return fd;
}

std::vector<fs::path> unreferenced_in(const fs::path& folder, const std::set<std::string>& referenced) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return out;
  const fs::path blobs = folder / "sha256";
  if (fs::is_directory(blobs, ec))
    for (const auto& e : fs::recursive_directory_iterator(blobs, ec)) {
      if (!e.is_regular_file(ec) && !e.is_symlink(ec)) continue;
      const std::string name = e.path().filename().string();
      if (!is_hex_name(name) || !referenced.contains(name) || e.path().parent_path() != blobs / name.substr(0, 2))
        out.push_back(e.path());
    }
  const fs::path temps = temp_folder(folder);
  if (fs::is_directory(temps, ec))
    for (const auto& e : fs::directory_iterator(temps, ec))
      if (!held(e.path())) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace libaudit::detail::evidence
