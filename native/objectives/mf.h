// Matrix factorisation on (user, item, rating) triples, the Hogwild! paper's Netflix experiment.
//
// Parameters: one flat float vector of (users + items)·k values: row factors L (users×k, row-major)
// then column factors R (items×k). Per rating (u, v, z), with e = L_u·R_v − z:
//   L_u ← L_u − γ (e R_v + λ L_u / d_u)
//   R_v ← R_v − γ (e L_u + λ R_v / d_v)
// where d_u, d_v are the numbers of training ratings of user u and item v, and both gradients use the
// factors as read before the update. This is SGD on
//   Σ_{(u,v)} [ ½ e² + λ/(2 d_u) ‖L_u‖² + λ/(2 d_v) ‖R_v‖² ] = Σ ½ e² + λ/2 (‖L‖² + ‖R‖²)
// (the paper's objective, with ½ on the squared error; factors of users and items without ratings
// are left out of the penalty: nothing ever updates them). Reported per rating (÷ n).
// With rule adagrad, each coordinate's g feeds its own accumulator (hogwild_shared.h).
//
// Factors are read and written through loadShared/storeShared, so any number of threads may run
// updates at once (Hogwild!), and JS may read the factors meanwhile.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "../parallel/hogwild.h"
#include "../parallel/hogwild_shared.h"

namespace descent {

struct Ratings {
  const int32_t* users = nullptr;
  const int32_t* items = nullptr;
  const float* values = nullptr;
  size_t count = 0;
  size_t userCount = 0, itemCount = 0;
};

struct MfProblem {
  Ratings data;  // training ratings
  size_t rank = 0;
  float* factors = nullptr;              // (userCount + itemCount)·rank shared floats
  const float* inverseDegree = nullptr;  // userCount + itemCount: 1/d_u then 1/d_v, 0 where none
  double l2 = 0.0;                       // λ
  SharedStep step;
};

struct MfEvaluation {
  double squaredErrorSum = 0.0;  // Σ e²
  size_t count = 0;
  MfEvaluation& operator+=(const MfEvaluation& o) {
    squaredErrorSum += o.squaredErrorSum;
    count += o.count;
    return *this;
  }
};

// 1/d for every user then every item of the ratings into out[0, users + items), checking each id.
// Returns "" or a message naming the bad value.
std::string inverseRatingDegrees(const Ratings& r, float* out);

// One epoch of updates over order[0, n) (indices into the ratings).
HogwildOutcome trainMfEpoch(const MfProblem& p, const uint32_t* order, size_t n, const HogwildSchedule& schedule);

// Σ e² of the current factors over every rating of `r` (same users and items as training), on T
// threads. `name` prefixes error messages ("data", "validation").
std::string evaluateMf(const MfProblem& p, const Ratings& r, unsigned T, const std::string& name, MfEvaluation& out);

// λ/2 (Σ_{u: d_u > 0} ‖L_u‖² + Σ_{v: d_v > 0} ‖R_v‖²).
double mfRegularisation(const MfProblem& p);

}  // namespace descent
