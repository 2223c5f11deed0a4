{
  "variables": {
    "descent_sources": [
      "native/binding/addon.cc",
      "native/binding/args.cc",
      "native/binding/kernel_call.cc",
      "native/binding/optimizer_bindings.cc",
      "native/kernels/dispatch.cc",
      "native/kernels/isa/cpu_probe.cc",
      "native/kernels/isa/kernels_scalar.cc",
      "native/kernels/isa/kernels_avx2.cc",
      "native/kernels/isa/kernels_avx512.cc",
      "native/kernels/isa/kernels_neon.cc",
      "native/kernels/step_runner.cc",
      "native/parallel/thread_pool.cc",
      "native/objectives/linear.cc",
      "native/objectives/dense_ops.cc",
      "native/objectives/dense_ops_scalar.cc",
      "native/objectives/dense_ops_avx2.cc",
      "native/objectives/dense_ops_avx512.cc",
      "native/data/svmlight.cc",
      "native/data/xoshiro.cc",
      "native/binding/objective_bindings.cc",
      "native/binding/data_bindings.cc"
    ]
  }
}
