// A float array placed inside sentinel-filled guard zones, at a chosen misalignment, so a test can
// prove a kernel wrote nothing outside the range it was given.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace descent_test {

// How the array's elements sit relative to the pointer and range handed to the kernel.
enum class Layout {
  PointerOffset,  // pointer at the first element, range [0, n); guard zones on both sides
  RangeOffset,    // pointer 16 floats before the first element, range [16, 16 + n)
  ExactEnd,       // the allocation ends right after the last element, so an address sanitizer
                  // catches a read or write past it (guard zone only in front)
};

inline const char* layoutName(Layout l) {
  switch (l) {
    case Layout::PointerOffset: return "pointer-offset";
    case Layout::RangeOffset: return "range-offset";
    case Layout::ExactEnd: return "exact-end";
  }
  return "?";
}

class GuardedArray {
 public:
  static constexpr size_t kGuard = 16;
  static constexpr uint32_t kSentinel = 0x7fbadbadu;  // a NaN no kernel would produce

  // misalign: floats past a 64-byte boundary where the elements start (1..3 in the tests).
  GuardedArray(const std::vector<float>& values, size_t misalign, Layout layout) : n_(values.size()) {
    const size_t guard = layout == Layout::ExactEnd ? 0 : kGuard;
    const size_t lead = misalign + guard;  // storage floats before the first element
    baseOffset_ = layout == Layout::RangeOffset ? misalign : lead;
    begin_ = lead - baseOffset_;
    size_ = lead + n_ + guard;
    storage_ = static_cast<float*>(::operator new[](size_ * sizeof(float), std::align_val_t{64}));
    for (size_t i = 0; i < size_; ++i) std::memcpy(storage_ + i, &kSentinel, sizeof(float));
    if (n_) std::memcpy(storage_ + lead, values.data(), n_ * sizeof(float));
  }
  ~GuardedArray() { ::operator delete[](storage_, std::align_val_t{64}); }
  GuardedArray(const GuardedArray&) = delete;
  GuardedArray& operator=(const GuardedArray&) = delete;

  float* base() const { return storage_ + baseOffset_; }  // the pointer the kernel gets
  size_t begin() const { return begin_; }                  // range start, relative to base()
  size_t end() const { return begin_ + n_; }
  const float* elements() const { return base() + begin_; }

  // False when anything outside the elements changed; firstBad gets the first such index, relative
  // to the first element (negative in front).
  bool guardsIntact(long* firstBad) const {
    const size_t first = baseOffset_ + begin_;
    for (size_t i = 0; i < size_; ++i) {
      if (i >= first && i < first + n_) continue;
      uint32_t bits;
      std::memcpy(&bits, storage_ + i, sizeof bits);
      if (bits != kSentinel) {
        *firstBad = static_cast<long>(i) - static_cast<long>(first);
        return false;
      }
    }
    return true;
  }

 private:
  size_t n_, baseOffset_ = 0, begin_ = 0, size_ = 0;
  float* storage_ = nullptr;
};

}  // namespace descent_test
