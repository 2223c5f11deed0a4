// The checks the kernel tests rely on must themselves catch what they claim to: a stray write next
// to an array, and a result that is off by more than rounding.
#include <cmath>

#include "check.h"
#include "guarded_array.h"
#include "rule_cases.h"

namespace descent_test {

namespace {

void strayWritesAreSeen() {
  const std::vector<float> values(5, 1.0f);
  for (Layout layout : {Layout::PointerOffset, Layout::RangeOffset, Layout::ExactEnd}) {
    long bad = 0;
    GuardedArray before(values, 2, layout);
    (before.base() + before.begin())[-1] = 0.0f;
    expect(!before.guardsIntact(&bad) && bad == -1,
           format("%s: a write just before the range went unseen", layoutName(layout)));
    if (layout == Layout::ExactEnd) continue;  // nothing after the range to guard: the sanitizer's job
    GuardedArray after(values, 2, layout);
    after.base()[after.end()] = 0.0f;
    expect(!after.guardsIntact(&bad) && bad == 5,
           format("%s: a write just past the range went unseen", layoutName(layout)));
    GuardedArray inside(values, 2, layout);
    inside.base()[inside.begin()] = 0.0f;
    expect(inside.guardsIntact(&bad),
           format("%s: a write inside the range was taken for a stray one", layoutName(layout)));
  }
}

void agreementIsRoundingOnly() {
  expect(agrees(1.0f, std::nextafter(1.0f, 2.0f), 1.0f), "one ulp apart should agree");
  expect(!agrees(1.0f, 1.00001f, 1.0f), "a relative 1e-5 difference should not agree");
  expect(!agrees(1e-3f, -1e-3f, 0.5f), "opposite signs should not agree");
  expect(!agrees(NAN, 1.0f, 1.0f), "NaN should not agree with a number");
}

}  // namespace

void addHarnessTests(Registry& tests) {
  tests.push_back({"harness: a write next to a guarded array is reported and one inside is not", strayWritesAreSeen});
  tests.push_back({"harness: results agree only within rounding", agreementIsRoundingOnly});
}

}  // namespace descent_test
