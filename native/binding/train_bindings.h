// JS entry point for native training epochs (train/epoch_loop.h), run on a worker thread.
#pragma once
#include <napi.h>

namespace descent {

void registerTrainBindings(Napi::Env env, Napi::Object exports);

}  // namespace descent
