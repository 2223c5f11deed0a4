// Which instruction sets this CPU and OS can run. Probed once, from cpuid and xgetbv on x86-64.
#pragma once

namespace descent {

struct CpuFeatures {
  bool avx2 = false;    // AVX2 + FMA + OS-saved YMM state
  bool avx512 = false;  // AVX-512F + OS-saved ZMM/opmask state
  bool neon = false;    // AArch64
};

CpuFeatures probeCpu();

}  // namespace descent
