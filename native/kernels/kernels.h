// The kernel table: one per ISA, chosen once at load (dispatch.cc). Dense entries work on the
// element range [begin, end) so the thread pool can split them; sparse entries run on one thread.
#pragma once
#include <cstddef>
#include "params.h"

namespace descent {

struct KernelTable {
  const char* isa;
  void (*sgd)(const SgdArgs&, size_t begin, size_t end);
  void (*adagrad)(const AdagradArgs&, size_t begin, size_t end);
  void (*adadelta)(const AdadeltaArgs&, size_t begin, size_t end);
  void (*rmsprop)(const RmspropArgs&, size_t begin, size_t end);
  void (*adam)(const AdamArgs&, size_t begin, size_t end);
  void (*adamax)(const AdamaxArgs&, size_t begin, size_t end);
  void (*nadam)(const NadamArgs&, size_t begin, size_t end);
  void (*floor)(const FloorArgs&, size_t begin, size_t end);
  void (*sgdSparse)(const SgdArgs&, const SparseGrad&);
  void (*adagradSparse)(const AdagradArgs&, const SparseGrad&);
  void (*rmspropSparse)(const RmspropArgs&, const SparseGrad&);
  void (*adamSparse)(const AdamArgs&, const SparseGrad&);
  void (*adaptiveRevision)(const AdaptiveRevisionArgs&, size_t begin, size_t end);
};

// Per-ISA tables; an entry is null when that ISA was not compiled into this binary.
const KernelTable* kernelsScalar();
const KernelTable* kernelsAvx2();
const KernelTable* kernelsAvx512();
const KernelTable* kernelsNeon();

}  // namespace descent
