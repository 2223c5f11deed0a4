#include "kernel_call.h"

#include <algorithm>
#include <string>

namespace descent {

size_t ArgReader::count(const char* name) {
  const double d = requireNumber(info_, next_++, name);
  if (d < 1 || d != static_cast<double>(static_cast<long long>(d)) || d > 1e15)
    throwRange(env(), std::string(name) + " must be a positive integer, got " + std::to_string(d));
  return static_cast<size_t>(d);
}

namespace {

// Params and grads given as two arrays of Float32Arrays.
void readSegments(ArgReader& r, Target& t) {
  const Napi::CallbackInfo& info = r.info();
  const size_t at = r.position();
  const Napi::Array ps = info[at].As<Napi::Array>();
  if (!info[at + 1].IsArray()) throwType(r.env(), "grads must be an array of Float32Arrays when params is one");
  const Napi::Array gs = info[at + 1].As<Napi::Array>();
  if (ps.Length() != gs.Length())
    throwRange(r.env(), "params and grads must list the same number of tensors (" + std::to_string(ps.Length()) +
                            " vs " + std::to_string(gs.Length()) + ")");
  t.segments.reserve(ps.Length());
  size_t total = 0;
  for (uint32_t i = 0; i < ps.Length(); ++i) {
    Segment s;
    s.p = f32At(r.env(), ps.Get(i), "params[i]", i);
    s.g = f32At(r.env(), gs.Get(i), "grads[i]", i);
    if (s.g.length != s.p.length)
      throwRange(r.env(), "grads[" + std::to_string(i) + "] has " + std::to_string(s.g.length) + " elements, params[" +
                              std::to_string(i) + "] " + std::to_string(s.p.length));
    total += s.p.length;
    t.segments.push_back(s);
  }
  t.p.length = total;
  r.skip();
  r.skip();
}

}  // namespace

Target readTarget(ArgReader& r, bool sparse) {
  Target t;
  t.sparse = sparse;
  if (!sparse && r.info()[r.position()].IsArray()) {
    readSegments(r, t);
    return t;
  }
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
    const float* begin;
    const float* end;
    bool written;
  };
  // Up to 8 spans (one tensor, its gradient and state) live on the stack; a many-tensor call uses
  // the heap. This check runs on every call, so the common case allocates nothing.
  constexpr size_t kInline = 8;
  Span inlineSpans[kInline];
  std::vector<Span> heapSpans;
  const size_t most = 2 + 2 * t.segments.size() + stateArrays.size();
  if (most > kInline) heapSpans.resize(most);
  Span* spans = most > kInline ? heapSpans.data() : inlineSpans;
  size_t count = 0;
  auto add = [&](const float* ptr, size_t len, bool written) {
    if (ptr && len) spans[count++] = Span{ptr, ptr + len, written};
  };
  for (const Segment& s : t.segments) {
    add(s.p.data, s.p.length, true);
    add(s.g.data, s.g.length, false);
  }
  add(t.p.data, t.p.length, true);
  if (t.sparse) add(t.vals.data, t.vals.length, false);
  else add(t.g.data, t.g.length, false);
  for (const float* s : stateArrays) add(s, t.p.length, true);
  // Sorted by start, a span overlaps an earlier one exactly when it starts before the furthest end
  // seen so far. Gradients are only read, so two of them may share memory (the same gradient for
  // two tensors); anything written must overlap nothing. std::less orders pointers into different
  // buffers.
  const std::less<const float*> before;
  std::sort(spans, spans + count, [&](const Span& a, const Span& b) { return before(a.begin, b.begin); });
  const float* endAll = nullptr;
  const float* endWritten = nullptr;
  for (size_t k = 0; k < count; ++k) {
    const Span& s = spans[k];
    if ((s.written && endAll && before(s.begin, endAll)) || (endWritten && before(s.begin, endWritten)))
      throwRange(env, "params, grads and the optimizer state must not share memory (two of the arrays overlap)");
    if (!endAll || before(endAll, s.end)) endAll = s.end;
    if (s.written && (!endWritten || before(endWritten, s.end))) endWritten = s.end;
  }
}

}  // namespace descent
