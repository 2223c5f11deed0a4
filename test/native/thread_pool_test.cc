// The thread pool and parallelRanges: every index covered exactly once whatever the length and
// thread count, no lost or repeated work across many back-to-back calls, and callers on several
// threads at once each getting their whole range (the pool serves one, the rest run inline).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "check.h"
#include "parallel/thread_pool.h"

namespace descent_test {

namespace {

using descent::parallelRanges;
using descent::ThreadPool;

// Sets the pool's thread limit for one test and restores it after.
class LimitScope {
 public:
  explicit LimitScope(unsigned n) : saved_(ThreadPool::instance().limit()) { ThreadPool::instance().setLimit(n); }
  ~LimitScope() { ThreadPool::instance().setLimit(saved_); }

 private:
  unsigned saved_;
};

struct RangeLog {
  std::mutex mutex;
  std::vector<std::pair<size_t, size_t>> ranges;
  std::set<std::thread::id> threads;
  void add(size_t b, size_t e) {
    std::lock_guard<std::mutex> lock(mutex);
    ranges.emplace_back(b, e);
    threads.insert(std::this_thread::get_id());
  }
};

const unsigned kThreadCounts[] = {1, 2, 3, 4, 7, 8, 16};
const size_t kLengths[] = {0, 1, 63, 64, 65, 127, 128, 129, 191, 1000, 4096, 65541, 100003, (size_t{1} << 20) + 3};

void rangesCoverEachIndexOnce() {
  for (unsigned threads : kThreadCounts) {
    LimitScope limit(threads);
    for (size_t n : kLengths) {
      RangeLog log;
      parallelRanges(n, 0, [&](size_t b, size_t e) { log.add(b, e); });
      const std::string where = format("n=%zu, %u threads", n, threads);
      std::vector<std::pair<size_t, size_t>> ranges;
      for (const auto& r : log.ranges)
        if (r.first != r.second) ranges.push_back(r);
      std::sort(ranges.begin(), ranges.end());
      size_t covered = 0;
      for (const auto& r : ranges) {
        expect(r.first == covered, format("%s: range [%zu, %zu) starts at %zu, expected %zu", where.c_str(), r.first,
                                          r.second, r.first, covered));
        expect(r.first < r.second, format("%s: range [%zu, %zu) is reversed", where.c_str(), r.first, r.second));
        expect(r.first % 64 == 0, format("%s: range starts at %zu, not a multiple of 64", where.c_str(), r.first));
        covered = std::max(covered, r.second);
      }
      expect(covered == n, format("%s: ranges end at %zu", where.c_str(), covered));
      expect(ranges.size() <= threads, format("%s: %zu ranges for %u threads", where.c_str(), ranges.size(), threads));
      expect(log.threads.size() <= threads,
             format("%s: ran on %zu distinct threads", where.c_str(), log.threads.size()));
    }
  }
}

void belowTheMinimumRunsInlineAsOneRange() {
  LimitScope limit(4);
  RangeLog log;
  parallelRanges(100000, 100001, [&](size_t b, size_t e) { log.add(b, e); });
  expect(log.ranges.size() == 1 && log.ranges[0] == std::make_pair(size_t{0}, size_t{100000}),
         format("%zu ranges instead of one [0, 100000)", log.ranges.size()));
  expect(log.threads.size() == 1 && *log.threads.begin() == std::this_thread::get_id(),
         "the range did not run on the calling thread");
}

void runCallsEachPartOnce() {
  for (unsigned threads : kThreadCounts) {
    LimitScope limit(threads);
    for (size_t parts : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{17}, size_t{1000}}) {
      std::vector<std::atomic<int>> calls(parts);
      for (auto& c : calls) c.store(0);
      ThreadPool::instance().run(parts, [&](size_t part) { calls[part].fetch_add(1); });
      for (size_t i = 0; i < parts; ++i)
        if (!expect(calls[i].load() == 1, format("%u threads, %zu parts: part %zu ran %d times", threads, parts, i,
                                                 calls[i].load())))
          break;
    }
  }
}

void runUsesAtMostTheLimit() {
  { // Grow the pool first, so idle workers exist beyond the lower limit set next.
    LimitScope wide(8);
    ThreadPool::instance().run(8, [](size_t) { std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
  }
  LimitScope limit(2);
  RangeLog log;
  ThreadPool::instance().run(64, [&](size_t part) {
    log.add(part, part + 1);
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // let every idle worker try to join in
  });
  expect(log.threads.size() <= 2, format("64 parts with a limit of 2 ran on %zu threads", log.threads.size()));
}

// Plain (non-atomic) counters: two threads given the same index would also be a data race that the
// thread sanitizer reports.
void backToBackCallsLoseNoWork() {
  LimitScope limit(2);
  const size_t n = 256, calls = 100000;
  std::vector<unsigned> hits(n, 0);
  size_t badCalls = 0;
  for (size_t c = 0; c < calls; ++c) {
    std::atomic<size_t> covered{0};
    parallelRanges(n, 0, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) ++hits[i];
      covered.fetch_add(e - b);
    });
    if (covered.load() != n) ++badCalls;
  }
  expect(badCalls == 0, format("%zu of %zu calls covered the wrong number of elements", badCalls, calls));
  for (size_t i = 0; i < n; ++i)
    if (!expect(hits[i] == calls, format("element %zu covered %u times in %zu calls", i, hits[i], calls))) break;
}

void concurrentCallersEachGetTheirWholeRange() {
  LimitScope limit(2);
  const size_t callers = 4, n = 1024, calls = 3000;
  std::vector<std::vector<unsigned>> hits(callers, std::vector<unsigned>(n, 0));
  std::vector<size_t> badCalls(callers, 0), ranOnOtherCaller(callers, 0);
  std::vector<std::thread::id> callerIds(callers);
  std::atomic<size_t> ready{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < callers; ++t)
    threads.emplace_back([&, t] {
      callerIds[t] = std::this_thread::get_id();
      ready.fetch_add(1);
      while (ready.load() < callers) std::this_thread::yield();  // every id is known, all start together
      for (size_t c = 0; c < calls; ++c) {
        std::atomic<size_t> covered{0}, foreign{0};
        parallelRanges(n, 0, [&](size_t b, size_t e) {
          // A caller that does not get the pool runs its own ranges; it never works for another caller.
          const std::thread::id self = std::this_thread::get_id();
          for (size_t o = 0; o < callers; ++o)
            if (o != t && callerIds[o] == self) foreign.fetch_add(1);
          for (size_t i = b; i < e; ++i) ++hits[t][i];
          covered.fetch_add(e - b);
        });
        if (covered.load() != n) ++badCalls[t];
        if (foreign.load() != 0) ++ranOnOtherCaller[t];
      }
    });
  for (auto& th : threads) th.join();
  for (size_t t = 0; t < callers; ++t) {
    expect(badCalls[t] == 0, format("caller %zu: %zu calls covered the wrong number of elements", t, badCalls[t]));
    expect(ranOnOtherCaller[t] == 0,
           format("caller %zu: %zu calls had ranges run by another caller's thread", t, ranOnOtherCaller[t]));
    for (size_t i = 0; i < n; ++i)
      if (!expect(hits[t][i] == calls, format("caller %zu: element %zu covered %u times in %zu calls", t, i,
                                              hits[t][i], calls)))
        break;
  }
}

}  // namespace

void addThreadPoolTests(Registry& tests) {
  tests.push_back({"pool: parallelRanges covers [0, n) exactly once in 64-aligned ranges for every length and "
                   "thread count",
                   rangesCoverEachIndexOnce});
  tests.push_back({"pool: parallelRanges below the minimum runs one range on the calling thread",
                   belowTheMinimumRunsInlineAsOneRange});
  tests.push_back({"pool: ThreadPool::run calls every part exactly once", runCallsEachPartOnce});
  tests.push_back({"pool: ThreadPool::run uses no more threads than the limit after the limit is lowered",
                   runUsesAtMostTheLimit});
  tests.push_back({"pool: 100000 back-to-back parallelRanges calls lose and repeat no work",
                   backToBackCallsLoseNoWork});
  tests.push_back({"pool: concurrent callers from several threads each get their whole range exactly once",
                   concurrentCallersEachGetTheirWholeRange});
}

}  // namespace descent_test
