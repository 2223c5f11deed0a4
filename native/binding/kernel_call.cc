#include "kernel_call.h"

#include <string>

namespace descent {

size_t ArgReader::count(const char* name) {
  const double d = requireNumber(info_, next_++, name);
  if (d < 1 || d != static_cast<double>(static_cast<long long>(d)) || d > 1e15)
    throwRange(env(), std::string(name) + " must be a positive integer, got " + std::to_string(d));
  return static_cast<size_t>(d);
}

Target readTarget(ArgReader& r, bool sparse) {
  Target t;
  t.sparse = sparse;
  t.p = r.f32("params");
  if (sparse) {
    t.idx = r.i32("indices");
    t.vals = r.f32("values");
    t.rowLen = r.count("rowLength");
  } else {
    t.g = r.f32("grads");
    requireLength(r.env(), t.g, t.p.length, "grads");
  }
  return t;
}

float* state(ArgReader& r, const Target& t, const char* name) {
  const F32View v = r.f32(name);
  requireLength(r.env(), v, t.p.length, name);
  return v.data;
}

float* optionalState(ArgReader& r, const Target& t, const char* name) {
  const F32View v = r.optionalF32(name);
  requireSameLengthIfPresent(r.env(), v, t.p.length, name);
  return v.data;
}

void requireDisjoint(Napi::Env env, const Target& t, std::initializer_list<const float*> stateArrays) {
  struct Span {
    const char* begin;
    const char* end;
  };
  Span spans[8];
  size_t k = 0;
  auto add = [&](const float* ptr, size_t len) {
    if (ptr && len) spans[k++] = {reinterpret_cast<const char*>(ptr), reinterpret_cast<const char*>(ptr + len)};
  };
  add(t.p.data, t.p.length);
  if (t.sparse) add(t.vals.data, t.vals.length);
  else add(t.g.data, t.g.length);
  for (const float* s : stateArrays) add(s, t.p.length);
  for (size_t i = 0; i < k; ++i)
    for (size_t j = i + 1; j < k; ++j)
      if (spans[i].begin < spans[j].end && spans[j].begin < spans[i].end)
        throwRange(env, "params, grads and the optimizer state must not share memory (two of the arrays overlap)");
}

}  // namespace descent
