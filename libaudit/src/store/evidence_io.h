// Internal to the store stage: the file side of evidence (evidence.cpp, evidence_io.cpp,
// evidence_sniff.cpp, verify.cpp). POSIX file descriptors, a streaming copy that hashes as it
// goes (bounded memory: one buffer of kChunk bytes), the folder's layout, and sniffing.
// Errors: IoError naming the file for what the file system refuses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "libaudit/store/evidence.h"

namespace libaudit::detail::evidence {

inline constexpr std::size_t kChunk = std::size_t(1) << 20;  // bytes read and written at a time
inline constexpr std::size_t kSniffBytes = 64 * 1024;        // the head sniffing reads
inline constexpr std::int64_t kProgressEvery = 8 << 20;      // progress calls, in bytes

// An open file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept;
  ~Fd();
  int get() const noexcept { return fd_; }
  void close();  // IoError when close() reports a failed write

 private:
  int fd_ = -1;
};

// Opens a regular file for reading (IoError: cannot, or not a regular file); its size in `size`.
Fd open_read(const std::filesystem::path& path, std::int64_t& size);
// Up to `n` bytes at `offset` (fewer at the end).
std::string read_at(int fd, const std::filesystem::path& path, std::int64_t offset, std::size_t n);

// `<store>.evidence`; ValidationError for a store that is not a file.
std::filesystem::path folder_of(const std::string& store_path);
// `<folder>/sha256/ab/abcdef…`
std::filesystem::path blob_path(const std::filesystem::path& folder, std::string_view sha256);
std::filesystem::path temp_folder(const std::filesystem::path& folder);  // `<folder>/tmp`
void make_dirs(const std::filesystem::path& dir);                        // IoError
void sync_dir(const std::filesystem::path& dir);                         // fsync of a folder

struct Copied {
  std::string sha256;  // lower-case hex
  std::int64_t size = 0;
};
// Reads `in` to its end, hashing, and writes every byte to `out` (-1: hash only). More than
// `limit` bytes (0: no limit) is a ValidationError naming `name`. Calls progress(done, total).
Copied copy_hashing(int in, const std::filesystem::path& in_path, int out, const std::filesystem::path& out_path,
                    std::int64_t total, std::int64_t limit, const std::string& name, const EvidenceProgress& progress);

// A new temporary file in `dir` (mode 0600, locked with flock while it is open, so that
// clean() leaves an add in progress alone); its path in `path`.
Fd make_temp(const std::filesystem::path& dir, std::string_view prefix, std::filesystem::path& path);

// What the open file is (sniff_evidence's rule), from its head and, for a ZIP, its central
// directory.
Sniffed sniff_fd(int fd, const std::filesystem::path& path, std::int64_t size, std::string_view name);

// Files of `folder` that are not evidence: blobs whose name is not in `referenced` (SHA-256s of
// revisions not purged), and temporaries no add holds. Sorted.
std::vector<std::filesystem::path> unreferenced_in(const std::filesystem::path& folder,
                                                   const std::set<std::string>& referenced);

}  // namespace libaudit::detail::evidence
