// Sparse (lazy) kernels: applying one to a set of rows must equal applying the same table's dense
// kernel to those rows alone, and must leave every other row of params and state bit-identical.
#include <algorithm>
#include <cstring>

#include "check.h"
#include "rule_cases.h"

namespace descent_test {

namespace {

constexpr size_t kRows = 41;

using Values = std::vector<std::vector<float>>;  // params, (unused gradient), states

Values initialValues(const RuleCase& rule, size_t n, unsigned seed) {
  const size_t k = 2 + rule.stateNames.size();
  Values v(k, std::vector<float>(n));
  Rng rng(seed);
  float state[kMaxStates];
  for (size_t i = 0; i < n; ++i) {
    rule.init(rng, v[0][i], v[1][i], state);
    for (size_t s = 0; s + 2 < k; ++s) v[2 + s][i] = state[s];
  }
  return v;
}

// Every third row and the last one, in a shuffled order (indices are unique, not sorted).
std::vector<int> touchedRows(Rng& rng) {
  std::vector<int> rows;
  for (size_t r = 0; r < kRows; ++r)
    if (r % 3 == 0 || r + 1 == kRows) rows.push_back(static_cast<int>(r));
  std::shuffle(rows.begin(), rows.end(), rng);
  return rows;
}

Arrays rowArrays(Values& v, size_t offset, const float* grad) {
  Arrays x;
  x.p = v[0].data() + offset;
  x.g = grad;
  for (size_t s = 0; s + 2 < v.size(); ++s) x.state[s] = v[2 + s].data() + offset;
  return x;
}

void checkSparse(const NamedTable& t, const RuleCase& rule, size_t rowLen, bool withEntries) {
  const size_t n = kRows * rowLen;
  Rng rng(static_cast<unsigned>(rowLen * 31 + rule.stateNames.size()));
  const Values before = initialValues(rule, n, static_cast<unsigned>(rowLen));
  const std::vector<int> idx = withEntries ? touchedRows(rng) : std::vector<int>{};
  std::vector<float> vals(idx.size() * rowLen);
  for (float& g : vals) g = sampleGradient(rng);
  const std::vector<float> valsBefore = vals;

  // Copies are allocated to their exact size, so an address sanitizer sees any overrun.
  Values got = before;
  rule.sparse(*t.table, rowArrays(got, 0, nullptr), descent::SparseGrad{idx.data(), vals.data(), idx.size(), rowLen});

  Values want = before;
  std::vector<bool> touched(kRows, false);
  for (size_t e = 0; e < idx.size(); ++e) {
    const size_t row = static_cast<size_t>(idx[e]);
    touched[row] = true;
    rule.dense(*t.table, rowArrays(want, row * rowLen, vals.data() + e * rowLen), 0, rowLen);
  }

  const std::string where = format("%s %s, rows of %zu", t.isa.c_str(), rule.name.c_str(), rowLen);
  for (size_t k = 0; k < got.size(); ++k) {
    if (k == 1) continue;  // the dense gradient array is not part of a sparse call
    const std::string name = k == 0 ? "p" : rule.stateNames[k - 2];
    for (size_t i = 0; i < n; ++i) {
      const size_t row = i / rowLen;
      const bool ok = touched[row] ? agrees(got[k][i], want[k][i], before[k][i])
                                   : std::memcmp(&got[k][i], &before[k][i], sizeof(float)) == 0;
      if (ok) continue;
      expect(false, format("%s: %s[%zu] (row %zu, %s) = %.9g, expected %.9g (before %.9g)", where.c_str(),
                           name.c_str(), i, row, touched[row] ? "touched" : "untouched", got[k][i],
                           touched[row] ? want[k][i] : before[k][i], before[k][i]));
      break;
    }
  }
  expect(vals == valsBefore, format("%s: the sparse gradient values changed", where.c_str()));
}

}  // namespace

void addSparseKernelTests(Registry& tests) {
  for (const NamedTable& t : runnableTables())
    for (const RuleCase& rule : ruleCases()) {
      if (!rule.sparse) continue;
      for (size_t rowLen : {size_t{1}, size_t{37}})
        tests.push_back({format("sparse: %s %s on rows of %zu equals the dense kernel on the touched rows and leaves "
                                "the other rows bit-identical",
                                t.isa.c_str(), rule.name.c_str(), rowLen),
                         [t, &rule, rowLen] { checkSparse(t, rule, rowLen, true); }});
      tests.push_back({format("sparse: %s %s with no entries changes nothing", t.isa.c_str(), rule.name.c_str()),
                       [t, &rule] { checkSparse(t, rule, 37, false); }});
    }
}

}  // namespace descent_test
