// Argument order and types are the TS layer's (lib/data/addon-types.ts); it validates first, so the
// checks here are the guard that keeps a bad call from reading or writing out of bounds.
#include "data_bindings.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <utility>

#include "../data/svmlight.h"
#include "../data/xoshiro.h"
#include "args.h"

namespace descent {

namespace {

const char* typedArrayName(napi_typedarray_type type) {
  switch (type) {
    case napi_float32_array: return "a Float32Array";
    case napi_int32_array: return "an Int32Array";
    case napi_uint32_array: return "a Uint32Array";
    case napi_uint8_array: return "a Uint8Array";
    default: return "another typed array";
  }
}

// The data and length of a typed array of the given element type, or a TypeError naming it.
template <class T>
std::pair<T*, size_t> typedArray(Napi::Env env, const Napi::Value& v, const std::string& name,
                                 napi_typedarray_type type) {
  if (!v.IsTypedArray()) throwType(env, name + " must be " + typedArrayName(type));
  const napi_typedarray_type actual = v.As<Napi::TypedArray>().TypedArrayType();
  if (actual != type)
    throwType(env, name + " must be " + typedArrayName(type) + ", got " + typedArrayName(actual));
  napi_typedarray_type ignored;
  size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, v, &ignored, &length, &data, &buffer, &offset) != napi_ok)
    throwType(env, name + ": could not read the typed array");
  return {static_cast<T*>(data), data ? length : 0};  // a detached buffer reports no data
}

Napi::Value property(Napi::Env env, const Napi::Value& v, const std::string& owner, const char* key) {
  if (!v.IsObject()) throwType(env, owner + " must be an object");
  return v.As<Napi::Object>().Get(key);
}

size_t integerProperty(Napi::Env env, const Napi::Value& owner, const std::string& ownerName, const char* key) {
  const Napi::Value v = property(env, owner, ownerName, key);
  const std::string name = ownerName + "." + key;
  if (!v.IsNumber()) throwType(env, name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 9007199254740991.0) || std::floor(d) != d)
    throwRange(env, name + " must be a non-negative integer");
  return static_cast<size_t>(d);
}

Features readCsr(Napi::Env env, const Napi::Value& v, const std::string& name) {
  Features X;
  const auto indptr = typedArray<int32_t>(env, property(env, v, name, "indptr"), name + ".indptr", napi_int32_array);
  const auto indices = typedArray<int32_t>(env, property(env, v, name, "indices"), name + ".indices", napi_int32_array);
  const auto values = typedArray<float>(env, property(env, v, name, "values"), name + ".values", napi_float32_array);
  X.cols = integerProperty(env, v, name, "cols");
  if (indptr.second == 0) throwRange(env, name + ".indptr must have rows + 1 >= 1 elements");
  if (values.second != indices.second)
    throwRange(env, name + ".values has " + std::to_string(values.second) + " elements, " + name + ".indices " +
                        std::to_string(indices.second));
  X.indptr = indptr.first;
  X.indices = indices.first;
  X.values = values.first;
  X.rows = indptr.second - 1;
  X.nnz = indices.second;
  if (X.indptr[0] != 0 || static_cast<size_t>(X.indptr[X.rows]) != X.nnz)
    throwRange(env, name + ".indptr must start at 0 and end at indices.length (" + std::to_string(X.nnz) +
                        "), got " + std::to_string(X.indptr[0]) + " .. " + std::to_string(X.indptr[X.rows]));
  return X;
}

Features readDense(Napi::Env env, const Napi::Value& v, const std::string& name) {
  Features X;
  const auto data = typedArray<float>(env, property(env, v, name, "data"), name + ".data", napi_float32_array);
  X.rows = integerProperty(env, v, name, "rows");
  X.cols = integerProperty(env, v, name, "cols");
  if (X.cols != 0 && X.rows > SIZE_MAX / X.cols) throwRange(env, name + ".rows * " + name + ".cols is too large");
  if (data.second != X.rows * X.cols)
    throwRange(env, name + ".data has " + std::to_string(data.second) + " elements, expected " + name + ".rows * " +
                        name + ".cols = " + std::to_string(X.rows * X.cols));
  X.data = data.first;
  return X;
}

}  // namespace

bool overlaps(const void* a, size_t aBytes, const void* b, size_t bBytes) {
  if (!a || !b || !aBytes || !bBytes) return false;
  const auto pa = reinterpret_cast<uintptr_t>(a), pb = reinterpret_cast<uintptr_t>(b);
  return pa < pb + bBytes && pb < pa + aBytes;
}

U32View requireU32(Napi::Env env, const Napi::Value& v, const std::string& name) {
  const auto a = typedArray<uint32_t>(env, v, name, napi_uint32_array);
  return {a.first, a.second};
}

Features readFeatures(Napi::Env env, const Napi::Value& v, const std::string& name) {
  if (!v.IsObject() || v.IsTypedArray() || v.IsArray())
    throwType(env, name + " must be a dense { data, rows, cols } or CSR { indptr, indices, values, cols } matrix");
  // Same test as the TS isCsr(): an indptr that is present and not undefined.
  return v.As<Napi::Object>().Get("indptr").IsUndefined() ? readDense(env, v, name) : readCsr(env, v, name);
}

Labels readLabels(Napi::Env env, const Napi::Value& v, size_t rows, const std::string& name) {
  Labels y;
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    const auto a = typedArray<int32_t>(env, v, name, napi_int32_array);
    y.i32 = a.first;
    y.length = a.second;
  } else {
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      throwType(env, name + " must be a Float32Array or an Int32Array");
    const auto a = typedArray<float>(env, v, name, napi_float32_array);
    y.f32 = a.first;
    y.length = a.second;
  }
  if (y.length != rows)
    throwRange(env, name + " has " + std::to_string(y.length) + " labels, X has " + std::to_string(rows) + " rows");
  return y;
}

namespace {

// --- svmlight ---------------------------------------------------------------------------------------

SvmlightOptions readSvmlightOptions(const Napi::CallbackInfo& info, size_t at) {
  Napi::Env env = info.Env();
  SvmlightOptions o;
  const Napi::Value base = info[at];
  if (base.IsBoolean()) o.base = base.As<Napi::Boolean>().Value() ? SvmlightOptions::Base::Zero : SvmlightOptions::Base::One;
  else if (!base.IsNull() && !base.IsUndefined()) throwType(env, "zeroBased must be a boolean, or null for auto-detection");
  const Napi::Value n = info[at + 1];
  if (!n.IsNull() && !n.IsUndefined()) {
    const double d = requireNumber(info, at + 1, "nFeatures");
    if (!(d >= 0 && d <= 2147483648.0) || std::floor(d) != d)
      throwRange(env, "nFeatures must be an integer in [0, 2^31]");
    o.nFeatures = static_cast<int64_t>(d);
  }
  return o;
}

Napi::Object toJs(Napi::Env env, const SvmlightData& d) {
  auto copy = [&](const auto& vec, auto tag) {
    using T = decltype(tag);
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, vec.size() * sizeof(T));
    if (!vec.empty()) std::memcpy(buffer.Data(), vec.data(), vec.size() * sizeof(T));
    return Napi::TypedArrayOf<T>::New(env, vec.size(), buffer, 0);
  };
  Napi::Object out = Napi::Object::New(env);
  out.Set("indptr", copy(d.indptr, int32_t{}));
  out.Set("indices", copy(d.indices, int32_t{}));
  out.Set("values", copy(d.values, float{}));
  out.Set("labels", copy(d.labels, float{}));
  out.Set("cols", static_cast<double>(d.cols));
  return out;
}

bool isByteArray(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

void requireSource(Napi::Env env, const Napi::Value& v) {
  if (!v.IsString() && !isByteArray(v)) throwType(env, "source must be a file path (string) or a Buffer");
}

Napi::Value ReadSvmlightSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireSource(env, info[0]);
  const SvmlightOptions options = readSvmlightOptions(info, 1);
  SvmlightData data;
  std::string error;
  bool ok;
  if (info[0].IsString()) {
    ok = readSvmlightFile(info[0].As<Napi::String>().Utf8Value(), options, data, error);
  } else {
    const Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    ok = parseSvmlightText(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength(), options, data, error);
  }
  if (!ok) throw Napi::Error::New(env, error);
  return toJs(env, data);
}

struct Progress {
  double done, total;
};

// Parses on a libuv worker thread; progress reaches JS through the worker's thread-safe signal
// (only the latest report is delivered when JS is busy). A throwing progress callback cancels.
class SvmlightWorker : public Napi::AsyncProgressWorker<Progress> {
 public:
  SvmlightWorker(Napi::Env env, std::string path, std::string text, bool fromFile, SvmlightOptions options,
                 std::shared_ptr<std::atomic<bool>> cancel, Napi::Value onProgress)
      : Napi::AsyncProgressWorker<Progress>(env, "descent.readSvmlight"),
        deferred_(Napi::Promise::Deferred::New(env)),
        path_(std::move(path)),
        text_(std::move(text)),
        fromFile_(fromFile),
        options_(options),
        cancel_(std::move(cancel)) {
    if (onProgress.IsFunction()) onProgress_ = Napi::Persistent(onProgress.As<Napi::Function>());
  }
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute(const ExecutionProgress& progress) override {
    ReadControl control;
    control.cancelled = cancel_.get();
    if (!onProgress_.IsEmpty())
      control.progress = [&progress](uint64_t done, uint64_t total) {
        const Progress p{static_cast<double>(done), static_cast<double>(total)};
        progress.Send(&p, 1);
      };
    std::string error;
    const bool ok = fromFile_ ? readSvmlightFile(path_, options_, data_, error, control)
                              : parseSvmlightText(text_.data(), text_.size(), options_, data_, error, control);
    if (!ok) SetError(error);
  }

  void OnProgress(const Progress* p, size_t count) override {
    if (!count || onProgress_.IsEmpty() || callbackError_) return;
    try {
      onProgress_.Call({Napi::Number::New(Env(), p->done), Napi::Number::New(Env(), p->total)});
    } catch (const Napi::Error& e) {
      callbackError_ = std::make_unique<Napi::ObjectReference>(Napi::Persistent(e.Value()));
      cancel_->store(true);
    }
  }

  void OnOK() override { deferred_.Resolve(toJs(Env(), data_)); }

  void OnError(const Napi::Error& e) override {
    deferred_.Reject(callbackError_ ? callbackError_->Value() : e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_, text_;
  bool fromFile_;
  SvmlightOptions options_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  Napi::FunctionReference onProgress_;
  std::unique_ptr<Napi::ObjectReference> callbackError_;
  SvmlightData data_;
};

// Returns { promise, cancel }: cancel() makes the worker stop at its next chunk and reject.
Napi::Value ReadSvmlightAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  requireSource(env, info[0]);
  const SvmlightOptions options = readSvmlightOptions(info, 1);
  if (!info[3].IsFunction() && !info[3].IsNull() && !info[3].IsUndefined())
    throwType(env, "onProgress must be a function");
  const bool fromFile = info[0].IsString();
  std::string path, text;
  if (fromFile) {
    path = info[0].As<Napi::String>().Utf8Value();
  } else {
    // A private copy: the caller may reuse or transfer its Buffer while the worker runs.
    const Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    text.assign(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
  }
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto* worker = new SvmlightWorker(env, std::move(path), std::move(text), fromFile, options, cancel, info[3]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("promise", worker->promise());
  out.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo& ci) {
            cancel->store(true);
            return ci.Env().Undefined();
          }, "cancel"));
  worker->Queue();
  return out;
}

// --- xoshiro128** and shuffling --------------------------------------------------------------------

uint32_t* requireState(Napi::Env env, const Napi::Value& v) {
  const U32View s = requireU32(env, v, "state");
  if (s.length != 4) throwRange(env, "state must hold 4 words, got " + std::to_string(s.length));
  if ((s.data[0] | s.data[1] | s.data[2] | s.data[3]) == 0)
    throwRange(env, "state must not be all zeros (xoshiro128** would only ever return 0)");
  return s.data;
}

Napi::Value RngSeed(const Napi::CallbackInfo& info) {
  const double seed = requireNumber(info, 0, "seed");
  if (!(seed >= 0 && seed <= 9007199254740991.0) || std::floor(seed) != seed)
    throwRange(info.Env(), "seed must be an integer in [0, 2^53)");
  const U32View s = requireU32(info.Env(), info[1], "state");
  if (s.length != 4) throwRange(info.Env(), "state must hold 4 words, got " + std::to_string(s.length));
  seedXoshiro128(static_cast<uint64_t>(seed), s.data);
  return info.Env().Undefined();
}

Napi::Value RngFill(const Napi::CallbackInfo& info) {
  uint32_t* state = requireState(info.Env(), info[0]);
  const U32View out = requireU32(info.Env(), info[1], "out");
  if (overlaps(out.data, out.length * 4, state, 16)) throwRange(info.Env(), "out and state must not share memory");
  Xoshiro128 rng(state);
  for (size_t i = 0; i < out.length; ++i) out.data[i] = rng.next();
  rng.save(state);
  return info.Env().Undefined();
}

Napi::Value Shuffle(const Napi::CallbackInfo& info) {
  const U32View a = requireU32(info.Env(), info[0], "indices");
  uint32_t* state = requireState(info.Env(), info[1]);
  if (a.length > 0xffffffffu) throwRange(info.Env(), "indices must have fewer than 2^32 elements");
  if (overlaps(a.data, a.length * 4, state, 16)) throwRange(info.Env(), "indices and state must not share memory");
  shuffleIndices(a.data, a.length, state);
  return info.Env().Undefined();
}

}  // namespace

void registerDataBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("readSvmlightSync", Napi::Function::New(env, ReadSvmlightSync, "readSvmlightSync"));
  exports.Set("readSvmlightAsync", Napi::Function::New(env, ReadSvmlightAsync, "readSvmlightAsync"));
  exports.Set("rngSeed", Napi::Function::New(env, RngSeed, "rngSeed"));
  exports.Set("rngFill", Napi::Function::New(env, RngFill, "rngFill"));
  exports.Set("shuffle", Napi::Function::New(env, Shuffle, "shuffle"));
}

}  // namespace descent
