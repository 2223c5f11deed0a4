// The Hogwild! epoch driver (Niu, Recht, Ré, Wright 2011): T threads each take a contiguous slice of
// the epoch's shuffled example order and apply one example's update at a time to shared parameter
// memory, with no lock ('hogwild'), with one mutex around each example's update (the paper's
// 'locked' baseline), or on one thread ('sequential', deterministic for a given order).
//
// 'private' is the no-sharing ceiling: each thread updates its own copy of the parameters (same
// work, no cache line ever shared) and the copies are averaged at the end of the epoch; the
// objective sets that up, the driver runs it like 'hogwild'.
//
// The objective hands the driver makeKernel(t) -> a Kernel for thread t (its per-thread state: a
// private parameter copy, a hot-feature buffer). Kernels are built on the calling thread, each on its
// own cache lines (see Padded), and have these methods:
//   bool update(uint32_t example, std::string& error)  applies one example; returns false (after
//        writing a message naming the bad value) when the data it reads is out of range: every
//        thread then stops at its next example and the epoch reports the first message.
//   void prefetchFar(uint32_t example)   the example's index entries           (kFarAhead examples ahead)
//   void prefetchNear(uint32_t example)  the data (and parameters) they point to  (kNearAhead ahead)
//   void finish()   called after every thread has joined, in thread order, on the calling thread:
//        folds per-thread state back into the shared parameters (deterministic, no race)
// Examples come in shuffled order, so each one's data sits at a random place in a large array:
// without the staged prefetch every update starts with a chain of dependent cache misses (index
// entry, then the row it points to); with it they overlap the updates before it (1.5x on one
// thread on the RCV1-like set). Prefetches are hints: they never fault and never change results.
// A third stage that prefetched a sparse row's weights two rows ahead cost 15% on one thread and
// did not help two (under Hogwild the lines are often taken back by the other core before use).
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hogwild_shared.h"

#if defined(__linux__) || defined(__APPLE__)
#include <time.h>
#endif

namespace descent {

// CPU time of the calling thread in seconds; NaN where there is no per-thread clock.
inline double threadCpuSeconds() {
#if defined(__linux__) || defined(__APPLE__)
  timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) return static_cast<double>(ts.tv_sec) + 1e-9 * ts.tv_nsec;
#endif
  return std::numeric_limits<double>::quiet_NaN();
}

enum class HogwildMode { Hogwild, Locked, Sequential, Private };

struct HogwildSchedule {
  HogwildMode mode = HogwildMode::Hogwild;
  unsigned threads = 1;
  // Examples a thread processes between two looks at the cancel flag: abort lands within one chunk.
  size_t chunk = 1000;
  const std::atomic<bool>* cancel = nullptr;
  // Record a ChunkTrace per chunk (wall and CPU time): tells, on a machine shared with other work,
  // which stretches each thread ran uninterrupted and whether the others ran at the same time.
  bool trace = false;
};

// One chunk of one thread: wall-clock start and end (seconds since the epoch started), the CPU time
// the thread got meanwhile, and the examples it processed.
struct ChunkTrace {
  double start = 0.0, end = 0.0, cpu = 0.0;
  size_t examples = 0;
};

struct HogwildOutcome {
  size_t examplesDone = 0;
  double seconds = 0.0;
  // CPU time the training threads got, summed (NaN where the platform cannot tell). Close to
  // seconds × threads when every thread had a core to itself; less when other work shared them.
  double cpuSeconds = 0.0;
  bool cancelled = false;
  std::string error;  // non-empty: bad data stopped the epoch
  std::vector<std::vector<ChunkTrace>> traces;  // per thread, when the schedule asked for them
};

// Threads actually used: one for 'sequential' (and for an empty epoch), else at most one per example.
inline unsigned hogwildThreadCount(const HogwildSchedule& s, size_t examples) {
  if (s.mode == HogwildMode::Sequential || examples == 0) return 1;
  const size_t t = std::max<unsigned>(1, s.threads);
  return static_cast<unsigned>(std::min(t, examples));
}

// Runs fn(t) for t in [0, T) on T threads (the caller is thread 0) and joins them.
template <class Fn>
void runOnThreads(unsigned T, const Fn& fn) {
  std::vector<std::thread> others;
  others.reserve(T > 0 ? T - 1 : 0);
  for (unsigned t = 1; t < T; ++t) others.emplace_back([&fn, t] { fn(t); });
  fn(0);
  for (auto& th : others) th.join();
}

constexpr size_t kFarAhead = 12, kNearAhead = 4;

// A hint to bring the cache line holding p closer (prefetchLine) or to fetch it for writing
// (prefetchLineForWrite: prefetchw on x86-64, where CPUs without it execute it as a no-op). Written as
// volatile asm because GCC treats __builtin_prefetch as free of side effects and, in C++, deletes a
// loop whose body is only prefetches (loops without side effects may be assumed to terminate and be
// removed): the staged prefetch would silently vanish.
inline void prefetchLine(const void* p) {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
  asm volatile("prfm pldl1keep, %0" : : "Q"(*static_cast<const char*>(p)));
#elif defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 3);
#else
  (void)p;
#endif
}

inline void prefetchLineForWrite(const void* p) {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
  asm volatile("prefetchw %0" : : "m"(*static_cast<const char*>(p)));
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
  asm volatile("prfm pstl1keep, %0" : : "Q"(*static_cast<const char*>(p)));
#elif defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 1, 3);
#else
  (void)p;
#endif
}

// A value alone on its cache lines (alignas rounds the size up to whole lines too): per-thread state
// written in the hot loop must not share a line with another thread's, or every write takes the line
// away from the other core (false sharing). Allocated with new, which honours the alignment (C++17).
template <class T>
struct alignas(64) Padded {
  T value;
  template <class... A>
  explicit Padded(A&&... a) : value(std::forward<A>(a)...) {}
};

// One epoch over order[0, n): every order[i] must be < exampleCount (checked; JS owns the array).
// Per-thread results (errors, CPU time, examples done) stay in the thread's own padded slot until
// the join: nothing but the parameters is written by two threads during the epoch.
template <class MakeKernel>
HogwildOutcome runHogwildEpoch(const uint32_t* order, size_t n, size_t exampleCount, const HogwildSchedule& s,
                               const MakeKernel& makeKernel) {
  const unsigned T = hogwildThreadCount(s, n);
  using Kernel = decltype(makeKernel(0u));
  struct Slot {
    Kernel kernel;
    std::string error;
    double cpu = 0.0;
    size_t done = 0;
    std::vector<ChunkTrace> trace;
    explicit Slot(Kernel&& k) : kernel(std::move(k)) {}
  };
  std::vector<std::unique_ptr<Padded<Slot>>> slots;
  slots.reserve(T);
  for (unsigned t = 0; t < T; ++t) slots.emplace_back(new Padded<Slot>(makeKernel(t)));
  const size_t chunkSize = std::max<size_t>(1, s.chunk);
  if (s.trace)
    for (unsigned t = 0; t < T; ++t) slots[t]->value.trace.reserve((n / T) / chunkSize + 2);
  const auto started = std::chrono::steady_clock::now();
  auto sinceStart = [&started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const bool locked = s.mode == HogwildMode::Locked;
  const size_t chunk = chunkSize;
  alignas(64) std::atomic<bool> stop{false};  // written once, on bad data
  alignas(64) std::mutex exampleLock;         // 'locked' only

  auto work = [&](unsigned t) {
    const double cpuStart = threadCpuSeconds();
    const size_t begin = n * t / T, end = n * (t + 1) / T;
    size_t i = begin;
    Slot& slot = slots[t]->value;
    Kernel& kernel = slot.kernel;
    std::string& error = slot.error;
    while (i < end) {
      if (stop.load(std::memory_order_relaxed) || (s.cancel && s.cancel->load(std::memory_order_relaxed))) break;
      const size_t stopAt = std::min(end, i + chunk);
      ChunkTrace record;
      if (s.trace) {
        record.start = sinceStart();
        record.cpu = threadCpuSeconds();
        record.examples = i;
      }
      bool failed = false;
      for (; i < stopAt; ++i) {
        const uint32_t e = order[i];
        if (e >= exampleCount) {
          error = "order[" + std::to_string(i) + "] = " + std::to_string(e) + " is outside [0, " +
                  std::to_string(exampleCount) + ")";
          failed = true;
          break;
        }
        if (i + kFarAhead < end && order[i + kFarAhead] < exampleCount) kernel.prefetchFar(order[i + kFarAhead]);
        if (i + kNearAhead < end && order[i + kNearAhead] < exampleCount) kernel.prefetchNear(order[i + kNearAhead]);
        bool ok;
        if (locked) {
          std::lock_guard<std::mutex> hold(exampleLock);
          ok = kernel.update(e, error);
        } else {
          ok = kernel.update(e, error);
        }
        if (!ok) {
          failed = true;
          break;
        }
      }
      if (s.trace) {
        record.end = sinceStart();
        record.cpu = threadCpuSeconds() - record.cpu;
        record.examples = i - record.examples;
        slot.trace.push_back(record);
      }
      if (failed) {
        stop.store(true, std::memory_order_relaxed);
        break;
      }
    }
    slot.done = i - begin;
    slot.cpu = threadCpuSeconds() - cpuStart;
  };

  runOnThreads(T, work);
  for (auto& slot : slots) slot->value.kernel.finish();
  HogwildOutcome out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (auto& slot : slots) {
    out.examplesDone += slot->value.done;
    out.cpuSeconds += slot->value.cpu;
    if (out.error.empty() && !slot->value.error.empty()) out.error = slot->value.error;
    if (s.trace) out.traces.push_back(std::move(slot->value.trace));
  }
  out.cancelled = out.error.empty() && out.examplesDone < n;
  return out;
}

// out[i] = mean over the copies of copy[i], i < n ('private' mode's end of epoch; relaxed stores,
// since JS may be reading out).
inline void averageInto(const std::vector<std::vector<float>>& copies, float* out, size_t n) {
  const double inv = 1.0 / static_cast<double>(copies.size());
  for (size_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (const auto& c : copies) sum += static_cast<double>(c[i]);
    storeShared(out + i, static_cast<float>(sum * inv));
  }
}

// Sums per-range partial results over [0, n) with T threads, combined in range order so that a
// fixed T gives bit-identical totals. fn(begin, end, partial, error) returns false on bad data.
template <class Partial, class Fn>
bool sumOverRanges(size_t n, unsigned T, const Fn& fn, Partial& total, std::string& error) {
  T = static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(T, n == 0 ? 1 : n)));
  std::vector<Partial> parts(T);
  std::vector<std::string> errors(T);
  std::vector<char> ok(T, 1);
  runOnThreads(T, [&](unsigned t) { ok[t] = fn(n * t / T, n * (t + 1) / T, parts[t], errors[t]) ? 1 : 0; });
  for (unsigned t = 0; t < T; ++t) {
    if (!ok[t]) {
      error = errors[t];
      return false;
    }
    total += parts[t];
  }
  return true;
}

}  // namespace descent
