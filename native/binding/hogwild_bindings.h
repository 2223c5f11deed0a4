// JS entry points for Hogwild! training epochs (parallel/hogwild*.h, objectives/mf.h) and the
// synthetic data generators that feed them (parallel/hogwild_generate.h), all on worker threads.
#pragma once
#include <napi.h>

namespace descent {

void registerHogwildBindings(Napi::Env env, Napi::Object exports);

}  // namespace descent
