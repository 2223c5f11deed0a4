#!/usr/bin/env bash
# Native C++ tests (test/native/), built from CMakeLists.txt three ways, each in its own directory:
#   build-dev/tests-release   -O3, as shipped: every test
#   build-dev/tests-asan      address + undefined-behaviour sanitizers: every test
#   build-dev/tests-tsan      thread sanitizer: the multi-threaded code: the thread pool, and the Hogwild!
#                             epoch driver in its 'locked' and lock-free modes (with the generators and
#                             evaluation that run on threads too); see test/native/hogwild_test.cc and
#                             test/native/tsan-hogwild.supp for why the lock-free mode needs no suppression
# Exits non-zero if any build or test fails. Needs cmake >= 3.19 and a C++17 compiler; no Node.
#
#   scripts/native-tests.sh            all three
#   scripts/native-tests.sh asan       only the named ones (release, asan, tsan)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="$(nproc 2>/dev/null || echo 2)"
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi

variants=("$@")
if [[ ${#variants[@]} -eq 0 ]]; then variants=(release asan tsan); fi

failed=()
summary=()

# run_variant NAME SANITIZE TEST_FILTER [ENV=VALUE...]
run_variant() {
  local name="$1" sanitize="$2" filter="$3"
  shift 3
  local dir="build-dev/tests-${name}" started=$SECONDS
  echo
  echo "=== native tests: ${name}${sanitize:+ (-fsanitize=${sanitize})}"
  mkdir -p build-dev
  if ! cmake -S . -B "${dir}" ${generator[@]+"${generator[@]}"} -DCMAKE_BUILD_TYPE=Release \
         -DDESCENT_SANITIZE="${sanitize}" -DDESCENT_NATIVE_TESTS=ON >"${dir}.configure.log" 2>&1; then
    cat "${dir}.configure.log"
    failed+=("${name} (configure)")
    return
  fi
  if ! cmake --build "${dir}" --target descent_native_tests --parallel "${jobs}"; then
    failed+=("${name} (build)")
    return
  fi
  local built=$SECONDS
  # The last line of the test output is "N passed, N failed". A deadlocked pool would hang: the
  # timeout turns that into a failure.
  local status=0
  env "$@" timeout 600 "${dir}/descent_native_tests" ${filter} 2>&1 | tee "${dir}.log" || status=$?
  if [[ ${status} -eq 124 ]]; then echo "timed out after 600 s" | tee -a "${dir}.log"; fi
  summary+=("${name}: $(tail -n 1 "${dir}.log") (build $((built - started)) s, run $((SECONDS - built)) s)")
  if [[ ${status} -ne 0 ]]; then failed+=("${name}"); fi
}

for variant in "${variants[@]}"; do
  case "${variant}" in
    release)
      run_variant release "" "" ;;
    asan)
      run_variant asan address,undefined "" \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ;;
    tsan)
      run_variant tsan thread "pool: hogwild:" \
        TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=${PWD}/test/native/tsan-hogwild.supp" ;;
    *)
      echo "unknown variant '${variant}': use release, asan or tsan" >&2
      exit 2 ;;
  esac
done

echo
echo "=== native test summary"
for line in ${summary[@]+"${summary[@]}"}; do echo "${line}"; done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all native test runs passed"
