// Module entry: picks the kernel table (throws with a clear message if DESCENT_ISA names a path
// this CPU cannot run) and registers every binding.
#include <napi.h>

#include "../kernels/dispatch.h"
#include "../parallel/thread_pool.h"
#include "data_bindings.h"
#include "hogwild_bindings.h"
#include "objective_bindings.h"
#include "optimizer_bindings.h"
#include "train_bindings.h"

namespace descent {
namespace {

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("isa", activeKernels().isa);
  Napi::Array isas = Napi::Array::New(env);
  const auto& names = availableIsas();
  for (size_t i = 0; i < names.size(); ++i) isas.Set(static_cast<uint32_t>(i), names[i]);
  out.Set("isasAvailable", isas);
  out.Set("threads", ThreadPool::instance().limit());
  out.Set("hardwareThreads", ThreadPool::hardwareThreads());
  out.Set("parallelMinElements", static_cast<double>(parallelMinElements()));
  out.Set("napiVersion", NAPI_VERSION);
#if defined(__clang__)
  out.Set("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  out.Set("compiler", "gcc " __VERSION__);
#elif defined(_MSC_VER)
  out.Set("compiler", "msvc " + std::to_string(_MSC_VER));
#endif
  return out;
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "isa must be a string");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  if (!selectIsa(name)) {
    std::string known;
    for (const auto& n : availableIsas()) known += (known.empty() ? "" : ", ") + n;
    throw Napi::RangeError::New(info.Env(), "isa '" + name + "' is not available here (available: " + known + ")");
  }
  return info.Env().Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "threads must be a number");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 1 && n <= 1024) || n != static_cast<double>(static_cast<unsigned>(n)))
    throw Napi::RangeError::New(info.Env(), "threads must be an integer in [1, 1024]");
  ThreadPool::instance().setLimit(static_cast<unsigned>(n));
  return info.Env().Undefined();
}

Napi::Value SetParallelMin(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "parallelMinElements must be a number");
  const double n = info[0].As<Napi::Number>().DoubleValue();
  if (!(n >= 0 && n <= 9e15) || n != static_cast<double>(static_cast<long long>(n)))
    throw Napi::RangeError::New(info.Env(), "parallelMinElements must be a non-negative integer");
  setParallelMinElements(static_cast<size_t>(n));
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const std::string problem = initDispatch();
  if (!problem.empty()) throw Napi::Error::New(env, problem);
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("setParallelMinElements", Napi::Function::New(env, SetParallelMin, "setParallelMinElements"));
  registerOptimizerBindings(env, exports);
  registerObjectiveBindings(env, exports);
  registerDataBindings(env, exports);
  registerTrainBindings(env, exports);
  registerHogwildBindings(env, exports);
  return exports;
}

}  // namespace
}  // namespace descent

static Napi::Object InitDescent(Napi::Env env, Napi::Object exports) { return descent::Init(env, exports); }

NODE_API_MODULE(descent, InitDescent)
