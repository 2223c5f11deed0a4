// JS entry points for data: svmlight reading (sync and on a worker thread), the xoshiro128**
// generator and in-place shuffling; plus the readers for matrices, labels and Uint32 row lists
// that the objective bindings share.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "../objectives/linear.h"

namespace descent {

struct U32View {
  uint32_t* data = nullptr;
  size_t length = 0;
};

// A Uint32Array (TypeError naming the argument otherwise; a detached buffer reads as empty).
U32View requireU32(Napi::Env env, const Napi::Value& v, const std::string& name);
// A dense { data, rows, cols } or CSR { indptr, indices, values, cols } matrix. Checks types, that
// lengths agree and the CSR ends (indptr[0] = 0, indptr[rows] = nnz); per-row CSR checks are
// validateCsrRows' job.
Features readFeatures(Napi::Env env, const Napi::Value& v, const std::string& name);
// Labels: a Float32Array or an Int32Array of exactly `rows` elements.
Labels readLabels(Napi::Env env, const Napi::Value& v, size_t rows, const std::string& name);
// True when two byte ranges overlap (both non-empty).
bool overlaps(const void* a, size_t aBytes, const void* b, size_t bBytes);

void registerDataBindings(Napi::Env env, Napi::Object exports);

}  // namespace descent
