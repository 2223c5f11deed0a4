// A persistent pool of native threads for splitting one large kernel call across cores.
// Threads are created once (lazily, on the first call that needs them) and parked on a condition
// variable between calls, so a step never pays for thread creation.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace descent {

class ThreadPool {
 public:
  static ThreadPool& instance();

  // Threads a call may use, the caller's own included (>= 1).
  unsigned limit() const { return limit_.load(std::memory_order_relaxed); }
  void setLimit(unsigned n);
  // Cores the machine reports (std::thread::hardware_concurrency, at least 1).
  static unsigned hardwareThreads();

  // Calls fn(part) for part in [0, parts) with up to limit() threads, the caller working too, and
  // returns when every part is done. If another thread is already using the pool, runs inline.
  void run(size_t parts, const std::function<void(size_t)>& fn);

  ~ThreadPool();

 private:
  ThreadPool();
  void ensureWorkers(unsigned count);
  void workerLoop(unsigned index);
  void drain(const std::function<void(size_t)>& fn, size_t parts);

  std::atomic<unsigned> limit_;
  std::mutex callMutex_;      // one parallel call at a time
  std::mutex mutex_;          // guards the fields below
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(size_t)>* job_ = nullptr;
  size_t parts_ = 0;
  std::atomic<size_t> next_{0};
  size_t finished_ = 0;
  unsigned active_ = 0;   // workers inside drain()
  unsigned helpers_ = 0;  // workers (by index) that may join the current call
  unsigned long long generation_ = 0;
  bool stopping_ = false;
};

// Splits [0, n) into contiguous ranges, one per thread, each a multiple of 64 elements except the
// last, and runs fn(begin, end) on them. Runs inline when n < minParallel or the pool has 1 thread.
void parallelRanges(size_t n, size_t minParallel, const std::function<void(size_t, size_t)>& fn);

// The default of parallelMinElements(), set by measurement (`node bench/optimizers.mjs --threads-sweep`,
// bench/results/threads.md, quiet 2-core VM): splitting a call pays once it moves about 25 MiB (Adam,
// 28 B/element, 1.6x at 1e6; 12-20 B/element rules tie at 1e6 and win 1.6-1.8x from 3e6), and loses
// below ~10 MiB. The setting counts elements of Adam's traffic: kernel calls scale it by their own
// bytes per element (native/binding/kernel_call.h).
constexpr size_t kDefaultParallelMinElements = 900000;
// Elements of Adam traffic below which a dense kernel call stays on one thread (DESCENT_PARALLEL_MIN).
size_t parallelMinElements();
void setParallelMinElements(size_t n);

}  // namespace descent
