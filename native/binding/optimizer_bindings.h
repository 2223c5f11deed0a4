#pragma once
#include <napi.h>

namespace descent {
// Adds the update-rule functions (sgd, adam, ... and their *Sparse forms) to the addon's exports.
void registerOptimizerBindings(Napi::Env env, Napi::Object exports);
}  // namespace descent
