// Unwrapping JS arguments for the kernels. Every check throws a JS TypeError or RangeError that names
// the argument, so that no call from JS can make native code read or write out of bounds.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace descent {

struct F32View {
  float* data = nullptr;
  size_t length = 0;
};

struct F64View {
  double* data = nullptr;
  size_t length = 0;
};

struct I32View {
  int32_t* data = nullptr;
  size_t length = 0;
};

[[noreturn]] void throwType(Napi::Env env, const std::string& message);
[[noreturn]] void throwRange(Napi::Env env, const std::string& message);

// A Float32Array (over an ArrayBuffer or SharedArrayBuffer). Throws TypeError otherwise.
F32View requireF32(const Napi::CallbackInfo& info, size_t index, const char* name);
// A Float32Array taken from an element of a JS array (name[index] in messages).
F32View f32At(Napi::Env env, const Napi::Value& v, const char* name, size_t index);
// Like requireF32, but null or undefined give an empty view with data == nullptr.
F32View optionalF32(const Napi::CallbackInfo& info, size_t index, const char* name);
I32View requireI32(const Napi::CallbackInfo& info, size_t index, const char* name);
F64View requireF64(const Napi::CallbackInfo& info, size_t index, const char* name);
// A finite number (float32 range is the kernels' business: the TS layer validates ranges).
double requireNumber(const Napi::CallbackInfo& info, size_t index, const char* name);
bool requireBool(const Napi::CallbackInfo& info, size_t index, const char* name);

// Throws RangeError unless view has exactly `length` elements (an optional view may be empty).
void requireLength(Napi::Env env, const F32View& view, size_t length, const char* name);
void requireSameLengthIfPresent(Napi::Env env, const F32View& view, size_t length, const char* name);

// Validates a sparse gradient against a dense parameter of `paramLength` elements split into rows of
// `rowLen`: every index in range and strictly increasing (unique), values.length == count*rowLen.
void requireSparse(Napi::Env env, const I32View& idx, const F32View& vals, size_t rowLen,
                   size_t paramLength);

}  // namespace descent
