// Runs every registered test case whose name contains one of the command-line words (all when none
// are given), prints each failure, and ends with "N passed, N failed". Exit status 1 on any failure.
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <exception>

#include "check.h"

namespace descent_test {

namespace {
std::vector<std::string>* currentFailures = nullptr;
}

bool expect(bool ok, const std::string& whatFailed) {
  if (!ok && currentFailures) currentFailures->push_back(whatFailed);
  return ok;
}

std::string format(const char* fmt, ...) {
  char buf[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

}  // namespace descent_test

int main(int argc, char** argv) {
  using namespace descent_test;
  Registry tests;
  addHarnessTests(tests);
  addDenseKernelTests(tests);
  addSparseKernelTests(tests);
  addThreadPoolTests(tests);
  addHogwildTests(tests);

  auto selected = [&](const TestCase& t) {
    if (argc < 2) return true;
    for (int i = 1; i < argc; ++i)
      if (t.name.find(argv[i]) != std::string::npos) return true;
    return false;
  };

  const auto start = std::chrono::steady_clock::now();
  size_t passed = 0, failed = 0;
  for (const TestCase& t : tests) {
    if (!selected(t)) continue;
    std::vector<std::string> failures;
    currentFailures = &failures;
    try {
      t.body();
    } catch (const std::exception& e) {
      failures.push_back(std::string("threw: ") + e.what());
    }
    currentFailures = nullptr;
    if (failures.empty()) {
      ++passed;
      continue;
    }
    ++failed;
    std::printf("FAIL %s\n", t.name.c_str());
    const size_t shown = failures.size() < 8 ? failures.size() : 8;
    for (size_t i = 0; i < shown; ++i) std::printf("     %s\n", failures[i].c_str());
    if (failures.size() > shown) std::printf("     ... and %zu more\n", failures.size() - shown);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("ran in %.1f s\n", seconds);
  std::printf("%zu passed, %zu failed\n", passed, failed);
  std::fflush(stdout);
  return failed == 0 && passed > 0 ? 0 : 1;
}
