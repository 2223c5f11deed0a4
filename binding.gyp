# Release build (node-gyp; used by `npm install` when no prebuild fits, and by prebuildify).
# The source list lives in native/sources.gypi, which CMakeLists.txt reads too.
{
  "includes": ["native/sources.gypi"],
  "targets": [
    {
      "target_name": "descent",
      "sources": ["<@(descent_sources)"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8"],
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
