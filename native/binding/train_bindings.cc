// fitEpochAsync(job) -> { promise, cancel }. The job object (built by lib/train/fit.ts) carries
// the data, the weights, the optimizer's state arrays and the per-step scalars for the epoch; see
// EpochPlan. Everything is checked here, on the JS thread, before the worker starts; the worker
// then runs the epoch and, when asked, evaluates loss and metric on the training and validation
// sets. The job object is held by a persistent reference until the promise settles, so none of
// its arrays can be collected while the worker uses them.
#include "train_bindings.h"

#include <atomic>
#include <cmath>
#include <memory>
#include <string>

#include "../kernels/step_runner.h"
#include "../train/epoch_loop.h"
#include "args.h"
#include "data_bindings.h"
#include "objective_bindings.h"

namespace descent {

namespace {

struct Evaluation {
  bool wanted = false;
  Features X;
  Labels y;
  LinearMetrics result{0, 0};
};

void check(Napi::Env env, const std::string& problem) {
  if (!problem.empty()) throwRange(env, problem);
}

size_t count(Napi::Env env, const Napi::Object& job, const char* name, double min) {
  const Napi::Value v = job.Get(name);
  if (!v.IsNumber()) throwType(env, std::string("job.") + name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= 9e15) || d != static_cast<double>(static_cast<long long>(d)))
    throwRange(env, std::string("job.") + name + " must be an integer >= " + std::to_string(static_cast<long long>(min)));
  return static_cast<size_t>(d);
}

const double* float64s(Napi::Env env, const Napi::Value& v, const char* name, size_t length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throwType(env, std::string(name) + " must be a Float64Array");
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  if (a.ElementLength() != length)
    throwRange(env, std::string(name) + " has " + std::to_string(a.ElementLength()) + " elements, expected " +
                        std::to_string(length));
  return a.Data();
}

class EpochWorker : public Napi::AsyncWorker {
 public:
  EpochWorker(Napi::Env env, Napi::Object job, EpochPlan plan, Evaluation train, Evaluation validation,
              std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncWorker(env, "descent:fitEpoch"),
        deferred_(Napi::Promise::Deferred::New(env)),
        job_(Napi::Persistent(job)),
        plan_(std::move(plan)),
        train_(train),
        validation_(validation),
        cancel_(std::move(cancel)) {
    plan_.cancel = cancel_.get();
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    result_ = runEpoch(plan_);
    const RowList all{nullptr, 0};
    for (Evaluation* e : {&train_, &validation_}) {
      if (!e->wanted || cancel_->load()) continue;
      RowList rows = all;
      rows.count = e->X.rows;
      e->result = evaluate(plan_.objective, e->X, e->y, plan_.w, rows);
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("stepsDone", static_cast<double>(result_.stepsDone));
    out.Set("meanLoss", result_.meanLoss);
    out.Set("cancelled", result_.cancelled || cancel_->load());
    out.Set("nonFinite", result_.nonFinite);
    auto metrics = [&](const Evaluation& e) -> Napi::Value {
      if (!e.wanted || result_.cancelled) return env.Null();
      Napi::Object m = Napi::Object::New(env);
      m.Set("loss", e.result.loss);
      m.Set("metric", e.result.metric);
      return m;
    };
    out.Set("train", metrics(train_));
    out.Set("validation", metrics(validation_));
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference job_;
  EpochPlan plan_;
  Evaluation train_, validation_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  EpochResult result_;
};

Napi::Value FitEpochAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throwType(env, "job must be an object");
  const Napi::Object job = info[0].As<Napi::Object>();

  EpochPlan plan;
  plan.objective = readObjective(env, job.Get("objective"));
  plan.X = readFeatures(env, job.Get("X"), "X");
  plan.y = readLabels(env, job.Get("y"), plan.X.rows, "y");
  requireParameterCountFits(env, plan.objective, plan.X.cols);
  plan.n = parameterCount(plan.objective, plan.X.cols);
  const F32View w = f32At(env, job.Get("w"), "w", 0), grad = f32At(env, job.Get("grad"), "grad", 0);
  requireLength(env, w, plan.n, "w");
  requireLength(env, grad, plan.n, "grad");
  plan.w = w.data;
  plan.grad = grad.data;

  const U32View order = requireU32(env, job.Get("order"), "order");
  plan.order = order.data;
  plan.orderLength = order.length;
  const RowList rows{order.data, order.length};
  check(env, validateRowList(rows, plan.X.rows));
  check(env, validateCsrRows(plan.X, rows));
  check(env, validateLabels(plan.objective, plan.y, rows));
  plan.batchSize = count(env, job, "batchSize", 1);
  plan.steps = count(env, job, "steps", 0);
  if (plan.steps != (plan.orderLength + plan.batchSize - 1) / plan.batchSize)
    throwRange(env, "job.steps must be ceil(order.length / batchSize)");

  const Napi::Value kernel = job.Get("kernel");
  if (!kernel.IsString() || !kernelKindFromName(kernel.As<Napi::String>().Utf8Value().c_str(), plan.kernel))
    throwRange(env, "job.kernel must name an update rule (sgd, adagrad, adadelta, rmsprop, adam, adamax, nadam)");
  const KernelShape shape = kernelShape(plan.kernel);
  const Napi::Value stateValue = job.Get("state");
  if (!stateValue.IsArray()) throwType(env, "job.state must be an array");
  const Napi::Array state = stateValue.As<Napi::Array>();
  if (state.Length() != shape.states)
    throwRange(env, "job.state must list " + std::to_string(shape.states) + " arrays for this rule");
  // Weights, gradient and every state array must be pairwise disjoint: the step reads and writes them.
  std::vector<std::pair<const void*, size_t>> spans{{plan.w, plan.n * 4}, {plan.grad, plan.n * 4}};
  for (uint32_t i = 0; i < state.Length(); ++i) {
    const Napi::Value s = state.Get(i);
    if (s.IsNull() || s.IsUndefined()) {
      plan.state.push_back(nullptr);
      continue;
    }
    const F32View v = f32At(env, s, "state[i]", i);
    requireLength(env, v, plan.n, "state array");
    plan.state.push_back(v.data);
    spans.push_back({v.data, plan.n * 4});
  }
  for (size_t i = 0; i < spans.size(); ++i)
    for (size_t j = i + 1; j < spans.size(); ++j)
      if (overlaps(spans[i].first, spans[i].second, spans[j].first, spans[j].second))
        throwRange(env, "w, grad and the optimizer state must not share memory");
  if (overlaps(plan.w, plan.n * 4, plan.X.data ? static_cast<const void*>(plan.X.data) : plan.X.values,
               (plan.X.data ? plan.X.rows * plan.X.cols : plan.X.nnz) * 4))
    throwRange(env, "w must not share memory with X");

  plan.width = count(env, job, "width", 0);
  if (plan.width != shape.scalars)
    throwRange(env, "job.width must be " + std::to_string(shape.scalars) + " for this rule");
  plan.scalars = float64s(env, job.Get("scalars"), "job.scalars", plan.steps * plan.width);
  for (size_t i = 0; i < plan.steps * plan.width; ++i)
    if (!std::isfinite(plan.scalars[i])) throwRange(env, "job.scalars must be finite");

  const Napi::Value noise = job.Get("noiseStd");
  if (!noise.IsNull() && !noise.IsUndefined()) {
    plan.noiseStd = float64s(env, noise, "job.noiseStd", plan.steps);
    const U32View rng = requireU32(env, job.Get("rngState"), "job.rngState");
    if (rng.length != 4) throwRange(env, "job.rngState must hold 4 words");
    if ((rng.data[0] | rng.data[1] | rng.data[2] | rng.data[3]) == 0) throwRange(env, "job.rngState must not be all zeros");
    plan.rngState = rng.data;
  }
  const Napi::Value stop = job.Get("stopOnNonFinite");
  plan.stopOnNonFinite = !stop.IsBoolean() || stop.As<Napi::Boolean>().Value();

  Evaluation train, validation;
  const Napi::Value evalTrain = job.Get("evaluateTrain");
  if (evalTrain.IsBoolean() && evalTrain.As<Napi::Boolean>().Value()) {
    train.wanted = true;
    train.X = plan.X;
    train.y = plan.y;
  }
  const Napi::Value val = job.Get("validation");
  if (val.IsObject()) {
    const Napi::Object v = val.As<Napi::Object>();
    validation.wanted = true;
    validation.X = readFeatures(env, v.Get("X"), "validation.X");
    if (validation.X.cols != plan.X.cols) throwRange(env, "validation.X must have as many columns as X");
    validation.y = readLabels(env, v.Get("y"), validation.X.rows, "validation.y");
    const RowList all{nullptr, validation.X.rows};
    check(env, validateCsrRows(validation.X, all));
    check(env, validateLabels(plan.objective, validation.y, all));
  }

  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto* worker = new EpochWorker(env, job, std::move(plan), train, validation, cancel);
  Napi::Object out = Napi::Object::New(env);
  out.Set("promise", worker->promise());
  out.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo& ci) {
            cancel->store(true);
            return ci.Env().Undefined();
          }, "cancel"));
  worker->Queue();
  return out;
}

}  // namespace

void registerTrainBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("fitEpochAsync", Napi::Function::New(env, FitEpochAsync, "fitEpochAsync"));
}

}  // namespace descent
