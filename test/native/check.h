// A tiny test harness: named test cases registered at start-up, failures recorded with a message,
// a one-line summary at the end. No framework, so the suite builds anywhere the kernels build.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace descent_test {

struct TestCase {
  std::string name;  // reads as a sentence; the command line filters on substrings of it
  std::function<void()> body;
};

// Every test file adds its cases from one function, called by main in a fixed order.
using Registry = std::vector<TestCase>;
void addHarnessTests(Registry& tests);
void addDenseKernelTests(Registry& tests);
void addSparseKernelTests(Registry& tests);
void addThreadPoolTests(Registry& tests);
void addHogwildTests(Registry& tests);

// Records a failure of the running test case (printed under its name). Returns `ok`.
bool expect(bool ok, const std::string& whatFailed);

// printf-style formatting for failure messages.
#if defined(__GNUC__)
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
#else
std::string format(const char* fmt, ...);
#endif

}  // namespace descent_test
