#include "thread_pool.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace descent {

namespace {

unsigned envUnsigned(const char* name, unsigned fallback) {
  const char* s = std::getenv(name);
  if (!s || !*s) return fallback;
  char* end = nullptr;
  const unsigned long v = std::strtoul(s, &end, 10);
  if (*end != '\0' || v == 0) return fallback;
  return static_cast<unsigned>(std::min<unsigned long>(v, 1024));
}

// An element count from the environment: unlike a thread count it has no small cap (the old shared
// parser clamped DESCENT_PARALLEL_MIN to 1024, which split almost every call).
size_t envElements(const char* name, size_t fallback) {
  const char* s = std::getenv(name);
  if (!s || !*s) return fallback;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (*end != '\0') return fallback;
  return static_cast<size_t>(std::min<unsigned long long>(v, 1ull << 50));
}

std::atomic<size_t>& minParallelSetting() {
  static std::atomic<size_t> value{envElements("DESCENT_PARALLEL_MIN", kDefaultParallelMinElements)};
  return value;
}

}  // namespace

unsigned ThreadPool::hardwareThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

ThreadPool& ThreadPool::instance() {
  // Leaked on purpose: joining threads from a static destructor at process exit can deadlock
  // when the addon is unloaded after the runtime has begun tearing down.
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

ThreadPool::ThreadPool() : limit_(envUnsigned("DESCENT_THREADS", hardwareThreads())) {}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::setLimit(unsigned n) { limit_.store(std::max(1u, std::min(n, 1024u))); }

void ThreadPool::ensureWorkers(unsigned count) {
  while (workers_.size() < count) {
    const unsigned index = static_cast<unsigned>(workers_.size());
    workers_.emplace_back([this, index] { workerLoop(index); });
  }
}

void ThreadPool::drain(const std::function<void(size_t)>& fn, size_t parts) {
  for (;;) {
    const size_t part = next_.fetch_add(1, std::memory_order_relaxed);
    if (part >= parts) return;
    fn(part);
    std::lock_guard<std::mutex> lock(mutex_);
    ++finished_;
  }
}

void ThreadPool::workerLoop(unsigned index) {
  unsigned long long seen = 0;
  for (;;) {
    const std::function<void(size_t)>* job;
    size_t parts;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      job = job_;
      parts = parts_;
      if (!job) continue;            // woke after that call had already finished
      if (index >= helpers_) continue;  // the limit was lowered after this worker was created
      ++active_;
    }
    drain(*job, parts);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --active_;
    }
    done_.notify_all();
  }
}

void ThreadPool::run(size_t parts, const std::function<void(size_t)>& fn) {
  const unsigned threads = limit();
  std::unique_lock<std::mutex> call(callMutex_, std::try_to_lock);
  if (parts <= 1 || threads <= 1 || !call.owns_lock()) {
    for (size_t i = 0; i < parts; ++i) fn(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    helpers_ = static_cast<unsigned>(std::min<size_t>(threads - 1, parts - 1));
    ensureWorkers(helpers_);
    job_ = &fn;
    parts_ = parts;
    finished_ = 0;
    next_.store(0, std::memory_order_relaxed);
    ++generation_;
  }
  wake_.notify_all();
  drain(fn, parts);
  // Wait for every part and for every worker to have left drain(): a worker still inside could
  // otherwise take a part index from the next call's counter with this call's function.
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return finished_ == parts && active_ == 0; });
  job_ = nullptr;
}

size_t parallelMinElements() { return minParallelSetting().load(std::memory_order_relaxed); }
void setParallelMinElements(size_t n) { minParallelSetting().store(n); }

void parallelRanges(size_t n, size_t minParallel, const std::function<void(size_t, size_t)>& fn) {
  ThreadPool& pool = ThreadPool::instance();
  const size_t threads = pool.limit();
  if (n < minParallel || threads <= 1 || n < 128) {
    fn(0, n);
    return;
  }
  const size_t parts = std::min<size_t>(threads, n / 64);
  // Equal shares rounded to whole cache lines (64 floats = 4 lines) so threads never share a line.
  const size_t share = ((n / parts) + 63) / 64 * 64;
  pool.run(parts, [&](size_t part) {
    const size_t begin = std::min(n, part * share);
    const size_t end = part + 1 == parts ? n : std::min(n, begin + share);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace descent
