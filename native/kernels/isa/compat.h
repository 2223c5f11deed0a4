// Compiler builtins used inside per-ISA files. Builtins are expanded inline, so no shared library
// symbol can be emitted with one file's target flags and then reused by another file.
#pragma once
#if defined(_MSC_VER) && !defined(__clang__)
#include <cmath>
#include <cstring>
#define DESCENT_SQRTF(x) std::sqrt(x)
#define DESCENT_FABSF(x) std::fabs(x)
#define DESCENT_MEMCPY(d, s, n) std::memcpy(d, s, n)
#define DESCENT_FMAF(a, b, c) std::fma(a, b, c)
#else
#define DESCENT_SQRTF(x) __builtin_sqrtf(x)
#define DESCENT_FABSF(x) __builtin_fabsf(x)
#define DESCENT_MEMCPY(d, s, n) __builtin_memcpy(d, s, n)
#define DESCENT_FMAF(a, b, c) __builtin_fmaf(a, b, c)
#endif
