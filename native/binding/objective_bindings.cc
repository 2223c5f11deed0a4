// Argument order and types are the TS layer's (lib/objectives/addon-types.ts):
//   linearLossGrad(objective, X, y, w, grad | null, rows | null) -> mean loss
//   linearPredictScores(objective, X, w, rows | null, out: Float32Array)
//   linearPredictClasses(objective, X, w, rows | null, out: Int32Array)
//   linearEvaluate(objective, X, y, w, rows | null) -> { loss, metric }
// objective is { loss: 'squared' | 'logistic' | 'hinge' | 'softmax', classes, bias, l2 }.
#include "objective_bindings.h"

#include <cmath>
#include <string>

#include "args.h"
#include "data_bindings.h"

namespace descent {

namespace {
LinearLoss parseLoss(Napi::Env env, const Napi::Value& v);
}  // namespace

void requireParameterCountFits(Napi::Env env, const LinearObjective& o, size_t cols) {
  const size_t K = o.loss == LinearLoss::Softmax ? o.classes : 1;
  // 2^31 parameters is far beyond any Float32Array a linear model here would use, and keeps every
  // product below in range.
  if (cols > (size_t{1} << 31) / K)
    throwRange(env, "classes × X.cols = " + std::to_string(K) + " × " + std::to_string(cols) +
                        " parameters is too large (at most 2^31)");
}

// Missing fields take the TS defaults: one output, a bias, no L2.
LinearObjective readObjective(Napi::Env env, const Napi::Value& v) {
  if (!v.IsObject()) throwType(env, "objective must be an object");
  const Napi::Object obj = v.As<Napi::Object>();
  LinearObjective o;
  o.loss = parseLoss(env, obj.Get("loss"));
  const Napi::Value classes = obj.Get("classes"), bias = obj.Get("bias"), l2 = obj.Get("l2");
  if (!classes.IsUndefined()) {
    if (!classes.IsNumber()) throwType(env, "objective.classes must be a number");
    const double k = classes.As<Napi::Number>().DoubleValue();
    if (!(k >= 1 && k <= 16777216) || std::floor(k) != k)
      throwRange(env, "objective.classes must be an integer in [1, 16777216]");
    o.classes = static_cast<size_t>(k);
  }
  if (!bias.IsUndefined()) {
    if (!bias.IsBoolean()) throwType(env, "objective.bias must be a boolean");
    o.bias = bias.As<Napi::Boolean>().Value();
  }
  if (!l2.IsUndefined()) {
    if (!l2.IsNumber()) throwType(env, "objective.l2 must be a number");
    o.l2 = l2.As<Napi::Number>().DoubleValue();
  }
  const std::string problem = validateObjective(o);
  if (!problem.empty()) throwRange(env, problem);
  return o;
}

namespace {

LinearLoss parseLoss(Napi::Env env, const Napi::Value& v) {
  if (!v.IsString()) throwType(env, "objective.loss must be a string");
  const std::string name = v.As<Napi::String>().Utf8Value();
  if (name == "squared") return LinearLoss::Squared;
  if (name == "logistic") return LinearLoss::Logistic;
  if (name == "hinge") return LinearLoss::Hinge;
  if (name == "softmax") return LinearLoss::Softmax;
  throwRange(env, "objective.loss must be 'squared', 'logistic', 'hinge' or 'softmax', got '" + name + "'");
}

size_t outputs(const LinearObjective& o) { return o.loss == LinearLoss::Softmax ? o.classes : 1; }

const float* readWeights(Napi::Env env, const Napi::Value& v, const LinearObjective& o, const Features& X) {
  requireParameterCountFits(env, o, X.cols);
  const F32View w = f32At(env, v, "w", 0);
  requireLength(env, w, parameterCount(o, X.cols), "w");
  return w.data;
}

RowList readRows(Napi::Env env, const Napi::Value& v, const Features& X) {
  RowList rows;
  if (v.IsNull() || v.IsUndefined()) {
    rows.count = X.rows;
    return rows;
  }
  const U32View r = requireU32(env, v, "rows");
  rows.rows = r.data;
  rows.count = r.length;
  const std::string problem = validateRowList(rows, X.rows);
  if (!problem.empty()) throwRange(env, problem);
  return rows;
}

void check(Napi::Env env, const std::string& problem) {
  if (!problem.empty()) throwRange(env, problem);
}

Napi::Value LinearLossGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearObjective o = readObjective(env, info[0]);
  const Features X = readFeatures(env, info[1], "X");
  const Labels y = readLabels(env, info[2], X.rows, "y");
  const float* w = readWeights(env, info[3], o, X);
  const size_t P = parameterCount(o, X.cols);
  float* grad = nullptr;
  if (!info[4].IsNull() && !info[4].IsUndefined()) {
    const F32View g = f32At(env, info[4], "grad", 0);
    requireLength(env, g, P, "grad");
    if (overlaps(g.data, P * sizeof(float), w, P * sizeof(float))) throwRange(env, "grad and w must not share memory");
    grad = g.data;
  }
  const RowList rows = readRows(env, info[5], X);
  check(env, validateCsrRows(X, rows));
  check(env, validateLabels(o, y, rows));
  return Napi::Number::New(env, lossAndGrad(o, X, y, w, rows, grad));
}

Napi::Value LinearPredictScores(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearObjective o = readObjective(env, info[0]);
  const Features X = readFeatures(env, info[1], "X");
  const float* w = readWeights(env, info[2], o, X);
  const RowList rows = readRows(env, info[3], X);
  const F32View out = f32At(env, info[4], "out", 0);
  requireLength(env, out, rows.count * outputs(o), "out");
  const size_t P = parameterCount(o, X.cols);
  if (overlaps(out.data, out.length * sizeof(float), w, P * sizeof(float))) throwRange(env, "out and w must not share memory");
  check(env, validateCsrRows(X, rows));
  predictScores(o, X, w, rows, out.data);
  return env.Undefined();
}

Napi::Value LinearPredictClasses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearObjective o = readObjective(env, info[0]);
  if (!isClassification(o.loss)) throwRange(env, "class predictions need a classification loss, not 'squared'");
  const Features X = readFeatures(env, info[1], "X");
  const float* w = readWeights(env, info[2], o, X);
  const RowList rows = readRows(env, info[3], X);
  if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throwType(env, "out must be an Int32Array");
  Napi::Int32Array out = info[4].As<Napi::Int32Array>();
  if (out.ElementLength() != rows.count)
    throwRange(env, "out has " + std::to_string(out.ElementLength()) + " elements, expected " + std::to_string(rows.count));
  check(env, validateCsrRows(X, rows));
  predictClasses(o, X, w, rows, out.Data());
  return env.Undefined();
}

Napi::Value LinearEvaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LinearObjective o = readObjective(env, info[0]);
  const Features X = readFeatures(env, info[1], "X");
  const Labels y = readLabels(env, info[2], X.rows, "y");
  const float* w = readWeights(env, info[3], o, X);
  const RowList rows = readRows(env, info[4], X);
  check(env, validateCsrRows(X, rows));
  check(env, validateLabels(o, y, rows));
  const LinearMetrics m = evaluate(o, X, y, w, rows);
  Napi::Object out = Napi::Object::New(env);
  out.Set("loss", m.loss);
  out.Set("metric", m.metric);
  return out;
}

}  // namespace

void registerObjectiveBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("linearLossGrad", Napi::Function::New(env, LinearLossGrad, "linearLossGrad"));
  exports.Set("linearPredictScores", Napi::Function::New(env, LinearPredictScores, "linearPredictScores"));
  exports.Set("linearPredictClasses", Napi::Function::New(env, LinearPredictClasses, "linearPredictClasses"));
  exports.Set("linearEvaluate", Napi::Function::New(env, LinearEvaluate, "linearEvaluate"));
}

}  // namespace descent
