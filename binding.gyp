# Release build (node-gyp; used by `npm install` when no prebuild fits, and by prebuildify).
# The source list lives in native/sources.gypi, which CMakeLists.txt reads too.
# NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: when a worker thread is terminated while one of our calls
# is throwing, node-addon-api cannot throw into the dying environment; without it that C++ exception
# aborts the whole process (found by the fuzzer, KB14). CMakeLists.txt sets it too.
{
  "includes": ["native/sources.gypi"],
  "targets": [
    {
      "target_name": "descent",
      "sources": ["<@(descent_sources)"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17", "-Wall", "-Wextra", "-fno-math-errno"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "10.15",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-Wall", "-Wextra", "-fno-math-errno"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/O2"] }
      }
    }
  ]
}
