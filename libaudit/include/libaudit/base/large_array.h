// An allocator for large, short-lived arrays (a bulk import's million rows): from 1 MiB on, the
// memory comes straight from mmap, advised for transparent huge pages, so that filling it takes
// one page fault per 2 MiB instead of one per 4 KiB (on a loaded machine a fault costs
// microseconds: taking a million rows from Python took 0.43 s with std::allocator, 0.28 s with
// this; docs/performance.md, "Import vs the C limit"). Below 1 MiB it is operator new.
// resize() default-initialises: an array of a trivial type is left unwritten, so that its pages
// are first touched by whoever fills them (two threads filling two halves fault in parallel).
// Stateless and thread-safe; throws std::bad_alloc like operator new.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <utility>
#include <vector>

namespace libaudit {

template <class T>
struct LargeArrayAllocator {
  using value_type = T;
  static constexpr std::size_t kFrom = std::size_t{1} << 20;

  LargeArrayAllocator() noexcept = default;
  template <class U>
  LargeArrayAllocator(const LargeArrayAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)

  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kFrom) return static_cast<T*>(::operator new(bytes, std::align_val_t(alignof(T))));
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without THP the pages stay small
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kFrom)
      ::operator delete(p, std::align_val_t(alignof(T)));
    else
      ::munmap(p, bytes);
  }
  template <class U>
  void construct(U* p) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <class U>
  bool operator==(const LargeArrayAllocator<U>&) const noexcept {
    return true;
  }
};

// A vector for a large, short-lived array (see above).
template <class T>
using LargeVector = std::vector<T, LargeArrayAllocator<T>>;

}  // namespace libaudit
