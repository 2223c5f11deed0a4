// hogwildEpochAsync(job) -> { promise, cancel }: one epoch of Hogwild! training on a worker thread
// (which starts the job's own threads), then, unless cancelled, the loss and metric of the whole
// training (and validation) set. The job object (built by lib/parallel/hogwild.ts) is held by a
// persistent reference until the promise settles, so none of its arrays can be collected meanwhile.
// Fields: see HogwildEpochJob in lib/parallel/addon-types.ts.
//
// Generators: sparseRowLengths(spec, indptr) -> nnz (sync, cheap), then
// generateSparseAsync(spec, { indptr, indices, values, labels, truth }) -> { promise<{ bias }>, cancel },
// generateRatingsAsync(spec, users, items, ratings) -> { promise, cancel }. JS allocates every array.
//
// Checks: types and lengths here, on the JS thread; the data's content (CSR structure, column and
// id ranges) as the worker reads it, so a bad index rejects the promise with a RangeError naming
// it instead of writing out of bounds, and a full O(nnz) scan never blocks the event loop.
#include "hogwild_bindings.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "../data/xoshiro.h"
#include "../objectives/mf.h"
#include "../parallel/hogwild_generate.h"
#include "../parallel/hogwild_linear.h"
#include "args.h"
#include "data_bindings.h"

namespace descent {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

I32View i32Value(Napi::Env env, const Napi::Value& v, const std::string& name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throwType(env, name + " must be an Int32Array");
  Napi::Int32Array a = v.As<Napi::Int32Array>();
  return {a.Data(), a.Data() ? a.ElementLength() : 0};
}

F32View f32Value(Napi::Env env, const Napi::Value& v, const std::string& name) {
  return f32At(env, v, name.c_str(), 0);
}

F32View f32Exact(Napi::Env env, const Napi::Value& v, const std::string& name, size_t length) {
  const F32View view = f32Value(env, v, name);
  if (view.length != length)
    throwRange(env, name + " has " + std::to_string(view.length) + " elements, expected " + std::to_string(length));
  return view;
}

double numberField(Napi::Env env, const Napi::Object& o, const char* key, const std::string& owner, double min,
                   double max, bool integer) {
  const Napi::Value v = o.Get(key);
  const std::string name = owner + "." + key;
  if (!v.IsNumber()) throwType(env, name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max) || (integer && std::floor(d) != d))
    throwRange(env, name + " must be a" + std::string(integer ? "n integer" : " number") + " in [" +
                        std::to_string(min) + ", " + std::to_string(max) + "]");
  return d;
}

size_t countField(Napi::Env env, const Napi::Object& o, const char* key, const std::string& owner, double min = 0,
                  double max = 9007199254740991.0) {
  return static_cast<size_t>(numberField(env, o, key, owner, min, max, true));
}

bool boolField(Napi::Env env, const Napi::Object& o, const char* key, const std::string& owner) {
  const Napi::Value v = o.Get(key);
  if (!v.IsBoolean()) throwType(env, owner + "." + key + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::string stringField(Napi::Env env, const Napi::Object& o, const char* key, const std::string& owner) {
  const Napi::Value v = o.Get(key);
  if (!v.IsString()) throwType(env, owner + "." + key + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

// A { promise, cancel } pair for a queued worker whose cancel flag is `cancel`.
Napi::Object promiseAndCancel(Napi::Env env, Napi::Promise promise, std::shared_ptr<std::atomic<bool>> cancel) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("promise", promise);
  out.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo& ci) {
            cancel->store(true);
            return ci.Env().Undefined();
          }, "cancel"));
  return out;
}

// --- epochs -------------------------------------------------------------------------------------

struct EpochJob {
  bool mf = false;
  SparseLinearProblem linear;
  MfProblem factors;
  bool hasValidation = false;
  Features validationX;
  const float* validationY = nullptr;
  Ratings validationRatings;
  uint32_t* order = nullptr;
  size_t examples = 0;
  uint32_t* rngState = nullptr;  // null: keep the order as it is
  float* inverseDegree = nullptr;
  bool degreesReady = false;
  bool evaluate = true;
  HogwildSchedule schedule;
  // Several epochs in one job (job.lrs, one step size each): no trip back to JS between them. Empty:
  // one epoch at the step size job.lr.
  std::vector<double> lrs;
};

struct EpochReport {
  HogwildOutcome outcome;
  bool evaluated = false;
  double loss = kNaN, metric = kNaN, validationLoss = kNaN, validationMetric = kNaN;
  double evaluationSeconds = 0.0;
  std::string error;  // bad data: rejects with a RangeError
};

double ratio(double sum, size_t count) { return count ? sum / static_cast<double>(count) : kNaN; }

void evaluateEpoch(const EpochJob& job, unsigned T, EpochReport& r) {
  if (job.mf) {
    const MfProblem& p = job.factors;
    MfEvaluation train;
    r.error = evaluateMf(p, p.data, T, "data", train);
    if (!r.error.empty()) return;
    r.loss = ratio(0.5 * train.squaredErrorSum + mfRegularisation(p), train.count);
    r.metric = std::sqrt(ratio(train.squaredErrorSum, train.count));
    if (job.hasValidation) {
      MfEvaluation val;
      r.error = evaluateMf(p, job.validationRatings, T, "validation", val);
      r.validationLoss = ratio(0.5 * val.squaredErrorSum, val.count);
      r.validationMetric = std::sqrt(ratio(val.squaredErrorSum, val.count));
    }
    return;
  }
  const SparseLinearProblem& p = job.linear;
  const bool classify = isClassification(p.objective.loss);
  auto metricOf = [&](const LinearEvaluation& e) {
    return classify ? ratio(e.metricSum, e.rows) : std::sqrt(ratio(e.metricSum, e.rows));
  };
  LinearEvaluation train;
  r.error = evaluateLinear(p, p.X, p.y, T, "data.X", train);
  if (!r.error.empty()) return;
  r.loss = ratio(train.lossSum + linearRegularisation(p), train.rows);
  r.metric = metricOf(train);
  if (job.hasValidation) {
    LinearEvaluation val;
    r.error = evaluateLinear(p, job.validationX, job.validationY, T, "validation.X", val);
    r.validationLoss = ratio(val.lossSum, val.rows);
    r.validationMetric = metricOf(val);
  }
}

void runEpochJob(EpochJob& job, EpochReport& r) {
  if (!job.degreesReady) {
    // The first epoch checks every index before any update (a bad one rejects with w untouched).
    // Linear jobs that never read the degrees (no L2, no hot buffer) check without counting them:
    // job.inverseDegree then stays as JS made it (zeros), and μ·(1/d_j) is μ = 0 anyway.
    if (job.mf) r.error = inverseRatingDegrees(job.factors.data, job.inverseDegree);
    else if (linearNeedsDegrees(job.linear)) r.error = inverseFeatureDegrees(job.linear.X, job.inverseDegree);
    else r.error = checkFeatureIndices(job.linear.X);
    if (!r.error.empty()) return;
  }
  if (job.rngState) shuffleIndices(job.order, job.examples, job.rngState);
  r.outcome = job.mf ? trainMfEpoch(job.factors, job.order, job.examples, job.schedule)
                     : trainLinearEpoch(job.linear, job.order, job.examples, job.schedule);
  if (!r.outcome.error.empty()) {
    r.error = r.outcome.error;
    return;
  }
  if (r.outcome.cancelled || !job.evaluate) return;
  const auto started = std::chrono::steady_clock::now();
  evaluateEpoch(job, hogwildThreadCount(job.schedule, job.examples), r);
  r.evaluated = r.error.empty();
  r.evaluationSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// The epochs of job.lrs one after another (each as runEpochJob), until one fails or is cancelled.
void runEpochsJob(EpochJob& job, std::vector<EpochReport>& reports) {
  reports.reserve(job.lrs.size());
  for (double lr : job.lrs) {
    if (!reports.empty() && job.schedule.cancel && job.schedule.cancel->load()) break;
    job.linear.step.lr = static_cast<float>(lr);
    job.factors.step.lr = static_cast<float>(lr);
    reports.emplace_back();
    runEpochJob(job, reports.back());
    job.degreesReady = true;
    if (!reports.back().error.empty() || reports.back().outcome.cancelled) break;
  }
}

class HogwildEpochWorker : public Napi::AsyncWorker {
 public:
  HogwildEpochWorker(Napi::Env env, Napi::Object job, EpochJob plan, std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncWorker(env, "descent:hogwildEpoch"),
        deferred_(Napi::Promise::Deferred::New(env)),
        job_(Napi::Persistent(job)),
        plan_(plan),
        cancel_(std::move(cancel)) {
    plan_.schedule.cancel = cancel_.get();
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    if (plan_.lrs.empty()) {
      reports_.resize(1);
      runEpochJob(plan_, reports_[0]);
    } else {
      runEpochsJob(plan_, reports_);
    }
  }

  // One epoch's result object; several epochs: { epochs: [result, ...] }.
  void OnOK() override {
    Napi::Env env = Env();
    for (const EpochReport& r : reports_)
      if (!r.error.empty()) {
        deferred_.Reject(Napi::RangeError::New(env, r.error).Value());
        return;
      }
    if (plan_.lrs.empty()) {
      deferred_.Resolve(resultOf(env, reports_[0]));
      return;
    }
    Napi::Array epochs = Napi::Array::New(env, reports_.size());
    for (size_t e = 0; e < reports_.size(); ++e) epochs.Set(static_cast<uint32_t>(e), resultOf(env, reports_[e]));
    Napi::Object out = Napi::Object::New(env);
    out.Set("epochs", epochs);
    deferred_.Resolve(out);
  }

  Napi::Object resultOf(Napi::Env env, const EpochReport& report) const {
    Napi::Object out = Napi::Object::New(env);
    out.Set("examplesDone", static_cast<double>(report.outcome.examplesDone));
    out.Set("seconds", report.outcome.seconds);
    out.Set("cpuSeconds", report.outcome.cpuSeconds);
    out.Set("cancelled", report.outcome.cancelled || cancel_->load());
    out.Set("evaluated", report.evaluated);
    out.Set("loss", report.loss);
    out.Set("metric", report.metric);
    out.Set("validationLoss", report.validationLoss);
    out.Set("validationMetric", report.validationMetric);
    out.Set("evaluationSeconds", report.evaluationSeconds);
    if (plan_.schedule.trace) {
      // 5 numbers per chunk: thread, start, end, CPU seconds, examples.
      size_t count = 0;
      for (const auto& t : report.outcome.traces) count += t.size();
      Napi::Float64Array trace = Napi::Float64Array::New(env, 5 * count);
      size_t k = 0;
      for (size_t t = 0; t < report.outcome.traces.size(); ++t)
        for (const ChunkTrace& c : report.outcome.traces[t]) {
          trace[k++] = static_cast<double>(t);
          trace[k++] = c.start;
          trace[k++] = c.end;
          trace[k++] = c.cpu;
          trace[k++] = static_cast<double>(c.examples);
        }
      out.Set("trace", trace);
    }
    return out;
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference job_;
  EpochJob plan_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  std::vector<EpochReport> reports_;
};

HogwildMode readMode(Napi::Env env, const Napi::Object& job) {
  const std::string mode = stringField(env, job, "mode", "job");
  if (mode == "hogwild") return HogwildMode::Hogwild;
  if (mode == "locked") return HogwildMode::Locked;
  if (mode == "sequential") return HogwildMode::Sequential;
  if (mode == "private") return HogwildMode::Private;
  throwRange(env, "job.mode must be 'hogwild', 'locked', 'sequential' or 'private', got '" + mode + "'");
}

Ratings readRatings(Napi::Env env, const Napi::Object& o, const std::string& name, size_t users, size_t items) {
  Ratings r;
  const I32View u = i32Value(env, o.Get("users"), name + ".users");
  const I32View v = i32Value(env, o.Get("items"), name + ".items");
  const F32View z = f32Value(env, o.Get("ratings"), name + ".ratings");
  if (v.length != u.length || z.length != u.length)
    throwRange(env, name + ".users, .items and .ratings must have the same length (got " + std::to_string(u.length) +
                        ", " + std::to_string(v.length) + ", " + std::to_string(z.length) + ")");
  r.users = u.data;
  r.items = v.data;
  r.values = z.data;
  r.count = u.length;
  r.userCount = users;
  r.itemCount = items;
  return r;
}

void readSharedState(Napi::Env env, const Napi::Object& job, size_t parameters, SharedStep& step) {
  const std::string rule = stringField(env, job, "rule", "job");
  step.lr = static_cast<float>(numberField(env, job, "lr", "job", 0, 3.4e38, false));
  step.eps = static_cast<float>(numberField(env, job, "eps", "job", 0, 3.4e38, false));
  if (rule == "adagrad") {
    step.acc = f32Exact(env, job.Get("accumulators"), "job.accumulators", parameters).data;
  } else if (rule != "sgd") {
    throwRange(env, "job.rule must be 'sgd' or 'adagrad', got '" + rule + "'");
  }
}

Napi::Value HogwildEpochAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throwType(env, "job must be an object");
  const Napi::Object job = info[0].As<Napi::Object>();
  EpochJob plan;
  const std::string objective = stringField(env, job, "objective", "job");
  plan.mf = objective == "mf";
  const double l2 = numberField(env, job, "l2", "job", 0, 3.4e38, false);
  const Napi::Value validation = job.Get("validation");
  plan.hasValidation = validation.IsObject();
  size_t parameters = 0, degreeLength = 0;
  float* params = nullptr;

  if (plan.mf) {
    MfProblem& p = plan.factors;
    const size_t users = countField(env, job, "userCount", "job", 0, 2147483647.0);
    const size_t items = countField(env, job, "itemCount", "job", 0, 2147483647.0);
    p.rank = countField(env, job, "rank", "job", 1, 65536);
    p.data = readRatings(env, job, "data", users, items);
    if (p.data.count > UINT32_MAX) throwRange(env, "data has more than 2^32 - 1 ratings");
    if ((users + items) > SIZE_MAX / 4 / p.rank) throwRange(env, "job.rank is too large");
    parameters = (users + items) * p.rank;
    degreeLength = users + items;
    params = f32Exact(env, job.Get("params"), "params", parameters).data;
    p.factors = params;
    p.l2 = l2;
    plan.examples = p.data.count;
    if (plan.hasValidation)
      plan.validationRatings = readRatings(env, validation.As<Napi::Object>(), "validation", users, items);
  } else {
    SparseLinearProblem& p = plan.linear;
    if (objective == "logistic") p.objective.loss = LinearLoss::Logistic;
    else if (objective == "hinge") p.objective.loss = LinearLoss::Hinge;
    else if (objective == "squared") p.objective.loss = LinearLoss::Squared;
    else throwRange(env, "job.objective must be 'logistic', 'hinge', 'squared' or 'mf', got '" + objective + "'");
    p.objective.bias = boolField(env, job, "bias", "job");
    p.X = readFeatures(env, job.Get("X"), "data.X");
    if (!p.X.sparse()) throwType(env, "data.X must be a CSR matrix { indptr, indices, values, cols }");
    if (p.X.rows > UINT32_MAX) throwRange(env, "data.X has more than 2^32 - 1 rows");
    const Labels y = readLabels(env, job.Get("y"), p.X.rows, "data.y");
    if (!y.f32) throwType(env, "data.y must be a Float32Array");
    p.y = y.f32;
    parameters = p.X.cols + (p.objective.bias ? 1 : 0);
    degreeLength = p.X.cols;
    params = f32Exact(env, job.Get("params"), "params", parameters).data;
    p.w = params;
    p.l2 = l2;
    plan.examples = p.X.rows;
    if (plan.hasValidation) {
      const Napi::Object v = validation.As<Napi::Object>();
      plan.validationX = readFeatures(env, v.Get("X"), "validation.X");
      if (!plan.validationX.sparse()) throwType(env, "validation.X must be a CSR matrix");
      if (plan.validationX.cols != p.X.cols) throwRange(env, "validation.X must have as many columns as data.X");
      const Labels vy = readLabels(env, v.Get("y"), plan.validationX.rows, "validation.y");
      if (!vy.f32) throwType(env, "validation.y must be a Float32Array");
      plan.validationY = vy.f32;
    }
  }

  SharedStep step;
  readSharedState(env, job, parameters, step);
  if (step.acc && overlaps(step.acc, parameters * 4, params, parameters * 4))
    throwRange(env, "accumulators must not share memory with params");
  plan.degreesReady = boolField(env, job, "degreesReady", "job");
  if (plan.mf) plan.factors.step = step;
  else plan.linear.step = step;

  const U32View order = requireU32(env, job.Get("order"), "job.order");
  if (order.length != plan.examples)
    throwRange(env, "job.order has " + std::to_string(order.length) + " entries, expected " +
                        std::to_string(plan.examples) + " (one per example)");
  plan.order = order.data;
  const Napi::Value rng = job.Get("rngState");
  if (!rng.IsNull() && !rng.IsUndefined()) {
    const U32View state = requireU32(env, rng, "job.rngState");
    if (state.length != 4) throwRange(env, "job.rngState must hold 4 words");
    if ((state.data[0] | state.data[1] | state.data[2] | state.data[3]) == 0)
      throwRange(env, "job.rngState must not be all zeros");
    plan.rngState = state.data;
  }
  plan.schedule.mode = readMode(env, job);
  plan.schedule.threads = static_cast<unsigned>(countField(env, job, "threads", "job", 1, 1024));
  plan.schedule.chunk = countField(env, job, "chunk", "job", 1, 1e9);
  plan.evaluate = boolField(env, job, "evaluate", "job");
  const Napi::Value lrs = job.Get("lrs");
  if (!lrs.IsUndefined() && !lrs.IsNull()) {
    if (!lrs.IsTypedArray() || lrs.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      throwType(env, "job.lrs must be a Float64Array");
    const Napi::Float64Array a = lrs.As<Napi::Float64Array>();
    if (a.ElementLength() == 0) throwRange(env, "job.lrs must hold at least one step size");
    for (size_t e = 0; e < a.ElementLength(); ++e) {
      const double lr = a[e];
      if (!(lr >= 0 && lr <= 3.4e38))
        throwRange(env, "job.lrs[" + std::to_string(e) + "] must be a number in [0, 3.4e38], got " + std::to_string(lr));
      plan.lrs.push_back(lr);
    }
  }
  if (!job.Get("trace").IsUndefined()) plan.schedule.trace = boolField(env, job, "trace", "job");
  // Contention options of the linear loops (hogwild_linear.h); absent: off.
  if (!job.Get("lazyL2").IsUndefined()) plan.linear.lazyL2 = boolField(env, job, "lazyL2", "job");
  if (!job.Get("hotFeatures").IsUndefined())
    plan.linear.hotFeatures = static_cast<uint32_t>(countField(env, job, "hotFeatures", "job", 0, 1 << 24));
  if (!job.Get("flushEvery").IsUndefined()) plan.linear.flushEvery = countField(env, job, "flushEvery", "job", 1, 1e9);
  // The degrees: a cols (or userCount + itemCount) Float32Array, or null for a linear job that never
  // reads them (no L2, no hot buffer), which then skips allocating and zeroing a cols-long buffer.
  const Napi::Value degreeArray = job.Get("inverseDegree");
  if (!plan.mf && !linearNeedsDegrees(plan.linear) && (degreeArray.IsNull() || degreeArray.IsUndefined())) {
    plan.inverseDegree = nullptr;
  } else {
    const F32View degrees = f32Exact(env, degreeArray, "job.inverseDegree", degreeLength);
    if (overlaps(degrees.data, degreeLength * 4, params, parameters * 4) ||
        (step.acc && overlaps(degrees.data, degreeLength * 4, step.acc, parameters * 4)))
      throwRange(env, "job.inverseDegree must not share memory with params or accumulators");
    plan.inverseDegree = degrees.data;
  }
  plan.factors.inverseDegree = plan.inverseDegree;
  plan.linear.inverseDegree = plan.inverseDegree;
  // Only threads that share the memory gain from skipping no-op stores (hogwild_shared.h).
  const bool shared = hogwildThreadCount(plan.schedule, plan.examples) > 1;
  plan.linear.step.skipUnchanged = shared;
  plan.factors.step.skipUnchanged = shared;

  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto* worker = new HogwildEpochWorker(env, job, plan, cancel);
  Napi::Object out = promiseAndCancel(env, worker->promise(), cancel);
  worker->Queue();
  return out;
}

// --- generators ---------------------------------------------------------------------------------

unsigned generatorThreads(Napi::Env env, const Napi::Object& spec) {
  return static_cast<unsigned>(countField(env, spec, "threads", "spec", 1, 1024));
}

SparseSetSpec readSparseSpec(Napi::Env env, const Napi::Value& v) {
  if (!v.IsObject()) throwType(env, "spec must be an object");
  const Napi::Object o = v.As<Napi::Object>();
  SparseSetSpec s;
  s.rows = countField(env, o, "rows", "spec", 0, 2147483646.0);
  s.cols = countField(env, o, "cols", "spec", 0, 2147483647.0);
  s.meanNonzeros = numberField(env, o, "meanNonzeros", "spec", 1, 2147483647.0, false);
  s.lengthSpread = numberField(env, o, "lengthSpread", "spec", 0, 4, false);
  s.exponent = numberField(env, o, "exponent", "spec", 0, 8, false);
  s.truthDensity = numberField(env, o, "truthDensity", "spec", 0, 1, false);
  s.regression = boolField(env, o, "regression", "spec");
  s.labelNoise = numberField(env, o, "labelNoise", "spec", 0, 1, false);
  s.noiseStd = numberField(env, o, "noiseStd", "spec", 0, 1e6, false);
  s.seed = static_cast<uint64_t>(numberField(env, o, "seed", "spec", 0, 9007199254740991.0, true));
  s.threads = generatorThreads(env, o);
  return s;
}

Napi::Value SparseRowLengths(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const SparseSetSpec spec = readSparseSpec(env, info[0]);
  const I32View indptr = i32Value(env, info[1], "indptr");
  if (indptr.length != spec.rows + 1) throwRange(env, "indptr must have rows + 1 elements");
  const int64_t nnz = sparseRowLengths(spec, indptr.data);
  if (nnz < 0) throwRange(env, "the set would have more than 2^31 - 1 nonzeros: lower rows or meanNonzeros");
  return Napi::Number::New(env, static_cast<double>(nnz));
}

class GeneratorWorker : public Napi::AsyncWorker {
 public:
  using Body = std::function<bool(const std::atomic<bool>*)>;
  using Finish = std::function<Napi::Value(Napi::Env)>;
  GeneratorWorker(Napi::Env env, const Napi::Object& keep, Body body, Finish finish,
                  std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncWorker(env, "descent:generate"),
        deferred_(Napi::Promise::Deferred::New(env)),
        keep_(Napi::Persistent(keep)),
        body_(std::move(body)),
        finish_(std::move(finish)),
        cancel_(std::move(cancel)) {}
  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { completed_ = body_(cancel_.get()); }
  void OnOK() override {
    Napi::Env env = Env();
    if (!completed_) {
      deferred_.Reject(Napi::Error::New(env, "generation was cancelled").Value());
      return;
    }
    deferred_.Resolve(finish_(env));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference keep_;  // the arrays being filled
  Body body_;
  Finish finish_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  bool completed_ = false;
};

Napi::Value GenerateSparseAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const SparseSetSpec spec = readSparseSpec(env, info[0]);
  if (!info[1].IsObject()) throwType(env, "arrays must be an object");
  const Napi::Object arrays = info[1].As<Napi::Object>();
  auto out = std::make_shared<SparseSetArrays>();
  const I32View indptr = i32Value(env, arrays.Get("indptr"), "arrays.indptr");
  if (indptr.length != spec.rows + 1) throwRange(env, "arrays.indptr must have rows + 1 elements");
  const I32View indices = i32Value(env, arrays.Get("indices"), "arrays.indices");
  const size_t nnz = indices.length;
  // The row structure the fill relies on (the worker re-checks each row as it writes it).
  if (indptr.data[0] != 0 || static_cast<size_t>(indptr.data[spec.rows]) != nnz)
    throwRange(env, "arrays.indptr must start at 0 and end at indices.length");
  for (size_t r = 0; r < spec.rows; ++r) {
    const int64_t length = static_cast<int64_t>(indptr.data[r + 1]) - indptr.data[r];
    if (length < 0 || static_cast<size_t>(length) > spec.cols)
      throwRange(env, "arrays.indptr: row " + std::to_string(r) + " has length " + std::to_string(length) +
                          ", outside [0, spec.cols]");
  }
  out->indptr = indptr.data;
  out->indices = indices.data;
  out->nnz = nnz;
  out->values = f32Exact(env, arrays.Get("values"), "arrays.values", nnz).data;
  out->labels = f32Exact(env, arrays.Get("labels"), "arrays.labels", spec.rows).data;
  out->truth = f32Exact(env, arrays.Get("truth"), "arrays.truth", spec.cols).data;

  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto* worker = new GeneratorWorker(
      env, arrays, [spec, out](const std::atomic<bool>* c) { return fillSparseSet(spec, *out, c); },
      [out](Napi::Env e) -> Napi::Value {
        Napi::Object result = Napi::Object::New(e);
        result.Set("bias", out->bias);
        return result;
      },
      cancel);
  Napi::Object handle = promiseAndCancel(env, worker->promise(), cancel);
  worker->Queue();
  return handle;
}

Napi::Value GenerateRatingsAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throwType(env, "spec must be an object");
  const Napi::Object o = info[0].As<Napi::Object>();
  RatingsSpec s;
  s.users = countField(env, o, "users", "spec", 1, 2147483647.0);
  s.items = countField(env, o, "items", "spec", 1, 2147483647.0);
  s.count = countField(env, o, "count", "spec", 0, 4294967295.0);
  s.rank = countField(env, o, "rank", "spec", 0, 4096);
  if (s.rank && (s.users + s.items) > (size_t{1} << 32) / s.rank)
    throwRange(env, "spec: (users + items) * rank must stay below 2^32 (the hidden factors live in memory)");
  s.userExponent = numberField(env, o, "userExponent", "spec", 0, 8, false);
  s.itemExponent = numberField(env, o, "itemExponent", "spec", 0, 8, false);
  s.mean = numberField(env, o, "mean", "spec", -1e30, 1e30, false);
  s.noise = numberField(env, o, "noise", "spec", 0, 1e30, false);
  s.seed = static_cast<uint64_t>(numberField(env, o, "seed", "spec", 0, 9007199254740991.0, true));
  s.threads = generatorThreads(env, o);
  if (!info[1].IsObject()) throwType(env, "arrays must be an object");
  const Napi::Object arrays = info[1].As<Napi::Object>();
  const I32View users = i32Value(env, arrays.Get("users"), "arrays.users");
  const I32View items = i32Value(env, arrays.Get("items"), "arrays.items");
  const F32View ratings = f32Exact(env, arrays.Get("ratings"), "arrays.ratings", s.count);
  if (users.length != s.count || items.length != s.count)
    throwRange(env, "arrays.users and arrays.items must have spec.count elements");
  int32_t* u = users.data;
  int32_t* v = items.data;
  float* z = ratings.data;
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto* worker = new GeneratorWorker(
      env, arrays, [s, u, v, z](const std::atomic<bool>* c) { return fillRatings(s, u, v, z, c); },
      [](Napi::Env e) -> Napi::Value { return e.Undefined(); }, cancel);
  Napi::Object handle = promiseAndCancel(env, worker->promise(), cancel);
  worker->Queue();
  return handle;
}

}  // namespace

void registerHogwildBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("hogwildEpochAsync", Napi::Function::New(env, HogwildEpochAsync, "hogwildEpochAsync"));
  exports.Set("sparseRowLengths", Napi::Function::New(env, SparseRowLengths, "sparseRowLengths"));
  exports.Set("generateSparseAsync", Napi::Function::New(env, GenerateSparseAsync, "generateSparseAsync"));
  exports.Set("generateRatingsAsync", Napi::Function::New(env, GenerateRatingsAsync, "generateRatingsAsync"));
}

}  // namespace descent
