#include "args.h"

#include <cmath>
#include <string>

namespace descent {

void throwType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

void throwRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

namespace {

std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float64_array: return "a Float64Array";
      case napi_int32_array: return "an Int32Array";
      case napi_float32_array: return "a Float32Array";
      default: return "another typed array";
    }
  }
  if (v.IsArray()) return "an Array";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  return "an object";
}

template <class T>
T typedValue(Napi::Env env, napi_value v, const char* name, napi_typedarray_type type,
             const char* typeName) {
  // One Node-API call reads kind, length and data; the descriptive checks run only on failure.
  napi_typedarray_type actual;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &actual, &length, &data, nullptr, nullptr) != napi_ok || actual != type)
    throwType(env, std::string(name) + " must be " + typeName + ", got " + describe(Napi::Value(env, v)));
  T out;
  out.data = static_cast<decltype(out.data)>(data);
  out.length = data ? length : 0;  // a detached buffer reports no data
  return out;
}

template <class T>
T typedView(const Napi::CallbackInfo& info, size_t index, const char* name, napi_typedarray_type type,
            const char* typeName) {
  return typedValue<T>(info.Env(), info[index], name, type, typeName);
}

}  // namespace

F32View requireF32(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return typedView<F32View>(info, index, name, napi_float32_array, "a Float32Array");
}

F32View f32At(Napi::Env env, const Napi::Value& v, const char* name, size_t index) {
  // The label is built only for the error message: a many-tensor call reads hundreds of these.
  napi_typedarray_type actual;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &actual, &length, &data, nullptr, nullptr) == napi_ok &&
      actual == napi_float32_array)
    return F32View{static_cast<float*>(data), data ? length : 0};
  std::string label(name);
  const size_t bracket = label.find("[i]");
  if (bracket != std::string::npos) label.replace(bracket, 3, "[" + std::to_string(index) + "]");
  return typedValue<F32View>(env, v, label.c_str(), napi_float32_array, "a Float32Array");
}

F32View optionalF32(const Napi::CallbackInfo& info, size_t index, const char* name) {
  napi_valuetype kind;
  if (napi_typeof(info.Env(), info[index], &kind) == napi_ok && (kind == napi_null || kind == napi_undefined)) return {};
  return requireF32(info, index, name);
}

F64View requireF64(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return typedView<F64View>(info, index, name, napi_float64_array, "a Float64Array");
}

I32View requireI32(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return typedView<I32View>(info, index, name, napi_int32_array, "an Int32Array");
}

double requireNumber(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value v = info[index];
  if (!v.IsNumber()) throwType(info.Env(), std::string(name) + " must be a number, got " + describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throwRange(info.Env(), std::string(name) + " must be finite, got " + std::to_string(d));
  return d;
}

bool requireBool(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value v = info[index];
  if (!v.IsBoolean()) throwType(info.Env(), std::string(name) + " must be a boolean, got " + describe(v));
  return v.As<Napi::Boolean>().Value();
}

void requireLength(Napi::Env env, const F32View& view, size_t length, const char* name) {
  if (view.length != length)
    throwRange(env, std::string(name) + " has " + std::to_string(view.length) + " elements, expected " +
                        std::to_string(length) + " (is its buffer detached or a view of the wrong size?)");
}

void requireSameLengthIfPresent(Napi::Env env, const F32View& view, size_t length, const char* name) {
  if (view.data || view.length) requireLength(env, view, length, name);
}

void requireSparse(Napi::Env env, const I32View& idx, const F32View& vals, size_t rowLen,
                   size_t paramLength) {
  if (rowLen == 0 || paramLength % rowLen != 0)
    throwRange(env, "rowLength " + std::to_string(rowLen) + " does not divide the parameter length " +
                        std::to_string(paramLength));
  const size_t rows = paramLength / rowLen;
  if (vals.length != idx.length * rowLen)
    throwRange(env, "values has " + std::to_string(vals.length) + " elements, expected indices.length * rowLength = " +
                        std::to_string(idx.length * rowLen));
  long long prev = -1;
  for (size_t k = 0; k < idx.length; ++k) {
    const long long i = idx.data[k];
    if (i < 0 || static_cast<size_t>(i) >= rows)
      throwRange(env, "indices[" + std::to_string(k) + "] = " + std::to_string(i) + " is outside [0, " +
                          std::to_string(rows) + ")");
    if (i <= prev)
      throwRange(env, "indices must be strictly increasing (sorted, no duplicates); indices[" +
                          std::to_string(k) + "] = " + std::to_string(i));
    prev = i;
  }
}

}  // namespace descent
