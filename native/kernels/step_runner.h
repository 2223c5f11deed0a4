// Runs one optimizer step from native code (epoch loops, Hogwild workers, shard servers) with the
// per-step scalars the host computed ahead: the same kernels and argument order as a JS step().
#pragma once
#include <cstddef>
#include "kernel_args.h"

namespace descent {

// state: the kernel's state arrays in KernelCall order (null for an absent optional one), each of
// length n. scalars: one row of kernelShape(kind).scalars values (flags as 0/1).
// Dense: runs on [0, n) across the thread pool when n is large.
void runStep(KernelKind kind, float* p, const float* g, float* const* state, const double* scalars, size_t n);

// The same on the element range [begin, end) only, on the calling thread (for callers that split
// the work themselves).
void runStepRange(KernelKind kind, float* p, const float* g, float* const* state, const double* scalars,
                  size_t begin, size_t end);

}  // namespace descent
