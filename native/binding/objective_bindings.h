// JS entry points for the linear-model objectives (native/objectives/linear.h): loss and gradient
// over a mini-batch, predictions and metrics. Every argument is checked before anything is written.
#pragma once
#include <napi.h>

#include "../objectives/linear.h"

namespace descent {

// Throws RangeError when classes × cols parameters would not fit (or overflow size_t).
void requireParameterCountFits(Napi::Env env, const LinearObjective& o, size_t cols);
// Reads { loss, classes?, bias?, l2? }; throws TypeError/RangeError naming the field.
LinearObjective readObjective(Napi::Env env, const Napi::Value& v);

void registerObjectiveBindings(Napi::Env env, Napi::Object exports);

}  // namespace descent
