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
      "native/parallel/thread_pool.cc"
    ]
  }
}
