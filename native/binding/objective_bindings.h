// JS entry points for the linear-model objectives (native/objectives/linear.h): loss and gradient
// over a mini-batch, predictions and metrics. Every argument is checked before anything is written.
#pragma once
#include <napi.h>

namespace descent {

void registerObjectiveBindings(Napi::Env env, Napi::Object exports);

}  // namespace descent
