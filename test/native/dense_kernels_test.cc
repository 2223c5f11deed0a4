// Every dense kernel of every runnable ISA table against the scalar table: same results (to float
// rounding: the vector paths fuse multiply-adds) on lengths around the vector widths, at misaligned
// addresses, and no write outside [begin, end) of any array.
#include <cstring>
#include <memory>

#include "check.h"
#include "guarded_array.h"
#include "rule_cases.h"

namespace descent_test {

namespace {

const size_t kLengths[] = {0, 1, 7, 15, 16, 17, 1023, 100003};
const Layout kLayouts[] = {Layout::PointerOffset, Layout::RangeOffset, Layout::ExactEnd};

// The values of every array of one call: [0] params, [1] gradient, then the states.
using Values = std::vector<std::vector<float>>;

Values initialValues(const RuleCase& rule, size_t n) {
  const size_t k = 2 + rule.stateNames.size();
  Values v(k, std::vector<float>(n));
  Rng rng(static_cast<unsigned>(n * 7919 + k));
  float state[kMaxStates];
  for (size_t i = 0; i < n; ++i) {
    rule.init(rng, v[0][i], v[1][i], state);
    for (size_t s = 0; s + 2 < k; ++s) v[2 + s][i] = state[s];
  }
  return v;
}

std::string arrayName(const RuleCase& rule, size_t k) {
  return k == 0 ? "p" : k == 1 ? "g" : rule.stateNames[k - 2];
}

Values scalarResult(const RuleCase& rule, Values v) {
  Arrays x;
  x.p = v[0].data();
  x.g = v[1].data();
  for (size_t s = 0; s + 2 < v.size(); ++s) x.state[s] = v[2 + s].data();
  rule.dense(*descent::kernelsScalar(), x, 0, v[0].size());
  return v;
}

void checkOneLayout(const NamedTable& t, const RuleCase& rule, const Values& before, const Values& want,
                    size_t shift, Layout layout) {
  const size_t n = before[0].size();
  const std::string where = format("%s %s, n=%zu, %s layout, misalignment %zu", t.isa.c_str(), rule.name.c_str(), n,
                                   layoutName(layout), shift);
  std::vector<std::unique_ptr<GuardedArray>> arrays;
  // Each array at its own misalignment (1..3 floats), so no two share an alignment by accident.
  for (size_t k = 0; k < before.size(); ++k)
    arrays.emplace_back(new GuardedArray(before[k], 1 + (shift + k) % 3, layout));
  Arrays x;
  x.p = arrays[0]->base();
  x.g = arrays[1]->base();
  for (size_t s = 0; s + 2 < arrays.size(); ++s) x.state[s] = arrays[2 + s]->base();
  rule.dense(*t.table, x, arrays[0]->begin(), arrays[0]->end());

  for (size_t k = 0; k < arrays.size(); ++k) {
    const std::string name = arrayName(rule, k);
    long bad = 0;
    const bool intact = arrays[k]->guardsIntact(&bad);
    expect(intact, format("%s: %s written outside the range, at element %ld", where.c_str(), name.c_str(), bad));
    const float* got = arrays[k]->elements();
    for (size_t i = 0; i < n; ++i) {
      if (agrees(got[i], want[k][i], before[k][i])) continue;
      expect(false, format("%s: %s[%zu] = %.9g, scalar gives %.9g (before %.9g)", where.c_str(), name.c_str(), i,
                           got[i], want[k][i], before[k][i]));
      break;  // the first differing index is enough per array
    }
  }
  // The gradient (and any read-only state) is read-only: not even rounding may change it.
  if (n) expect(std::memcmp(arrays[1]->elements(), before[1].data(), n * sizeof(float)) == 0,
                format("%s: the gradient changed", where.c_str()));
  for (size_t s = 0; n && s < rule.readOnlyStates; ++s)
    expect(std::memcmp(arrays[2 + s]->elements(), before[2 + s].data(), n * sizeof(float)) == 0,
           format("%s: the read-only input %s changed", where.c_str(), rule.stateNames[s].c_str()));
}

void checkTable(const NamedTable& t, const RuleCase& rule, size_t n) {
  const Values before = initialValues(rule, n);
  const Values want = scalarResult(rule, before);
  for (size_t shift = 1; shift <= 3; ++shift)
    for (Layout layout : kLayouts) checkOneLayout(t, rule, before, want, shift, layout);
}

}  // namespace

void addDenseKernelTests(Registry& tests) {
  for (const NamedTable& t : runnableTables())
    for (const RuleCase& rule : ruleCases())
      for (size_t n : kLengths)
        tests.push_back({format("dense: %s %s on %zu misaligned floats matches the scalar table and writes only inside "
                                "its range",
                                t.isa.c_str(), rule.name.c_str(), n),
                         [t, &rule, n] { checkTable(t, rule, n); }});
}

}  // namespace descent_test
