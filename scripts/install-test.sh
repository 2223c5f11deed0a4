#!/usr/bin/env bash
# Packaging test: what a user gets from `npm install descent` on a machine without compilers.
#
#   bash scripts/install-test.sh        (npm run test:install)
#
# 1. In a scratch copy of the sources (the checkout's build/, dist/ and prebuilds/ stay untouched):
#    `npm run prebuildify`, then `npm pack` (which runs `prepare`, i.e. the TypeScript build).
# 2. Installs the tarball into an empty folder with a PATH that holds only node, npm and sh, so no
#    C/C++ compiler, make or python3 can be found and only the prebuild can make the install work.
#    A CommonJS and an ESM script each take an Adam step and print nativeInfo(); the binary they
#    loaded must be the prebuild. The installed `descent` command must run too.
# 3. Packs again without prebuilds and installs that the same way: the install must fail with the
#    message of scripts/install.cjs that names the platform and the build-from-source command.
#
# Needs: bash, node, npm, a C++ toolchain for step 1, and the registry or npm's cache for the
# tarball's dependencies (node-addon-api, bindings; --prefer-offline uses the cache first).
# DESCENT_KEEP_WORK=1 keeps the scratch folder for inspection.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/descent-install-test.XXXXXX")"
cleanup() {
  if [[ "${DESCENT_KEEP_WORK:-0}" == "1" ]]; then echo "scratch folder kept: ${work}"; else rm -rf "${work}"; fi
}
trap cleanup EXIT

started=$SECONDS
step() { echo; echo "=== [$((SECONDS - started)) s] $*"; }
fail() { echo "install-test: FAILED: $*" >&2; exit 1; }

platform="$(node -p 'process.platform + "-" + process.arch')"

# node-gyp downloads Node's headers unless told where they are: use the ones this Node ships with
# (as .ci/run does) when nothing is configured, so the prebuild builds offline.
node_prefix="$(dirname "$(dirname "$(node -p 'process.execPath')")")"
configured_nodedir="$(npm config get nodedir 2>/dev/null || true)"
if [[ -z "${npm_config_nodedir:-}" && ( -z "${configured_nodedir}" || "${configured_nodedir}" == "undefined" || "${configured_nodedir}" == "null" ) ]]; then
  if [[ -f "${node_prefix}/include/node/node_api.h" ]]; then export npm_config_nodedir="${node_prefix}"; fi
fi
# Both cores for the compile; node-gyp reads JOBS.
export JOBS="${JOBS:-max}"

step "Scratch copy of the sources in ${work}/stage"
stage="${work}/stage"
mkdir -p "${stage}"
tar -C "${root}" \
  --exclude=./.git --exclude=./node_modules --exclude=./build --exclude='./build-*' --exclude=./dist \
  --exclude=./prebuilds --exclude='./*.tgz' --exclude=./docs/api --exclude=./examples/output \
  -cf - . | tar -C "${stage}" -xf -
# The dev dependencies (prebuildify, node-gyp, typescript) come from the checkout.
ln -s "${root}/node_modules" "${stage}/node_modules"

step "npm run prebuildify"
(cd "${stage}" && npm run --silent prebuildify)
shopt -s nullglob
prebuilds=("${stage}/prebuilds/${platform}"/*.node)
shopt -u nullglob
[[ ${#prebuilds[@]} -gt 0 ]] || fail "npm run prebuildify wrote no prebuilds/${platform}/*.node"
for f in "${prebuilds[@]}"; do
  echo "prebuild: ${f#"${stage}"/} ($(wc -c <"${f}") bytes)"
  if command -v file >/dev/null && file "${f}" | grep -q 'not stripped'; then fail "${f} is not stripped"; fi
done

step "npm pack (runs prepare: the TypeScript build)"
mkdir -p "${work}/with-prebuilds" "${work}/without-prebuilds"
(cd "${stage}" && npm pack --silent --pack-destination "${work}/with-prebuilds" >/dev/null)
tarball="$(ls "${work}"/with-prebuilds/*.tgz)"
listing="$(tar -tzf "${tarball}")"
for want in package/prebuilds/"${platform}"/ package/dist/cjs/index.js package/dist/esm/index.mjs \
  package/bin/descent.mjs package/scripts/install.cjs package/binding.gyp package/examples/demo.mjs; do
  grep -q "^${want}" <<<"${listing}" || fail "the tarball lacks ${want}"
done
if grep -q '^package/build/' <<<"${listing}"; then fail "the tarball ships build/"; fi
echo "$(basename "${tarball}"): $(wc -l <<<"${listing}") files, $(wc -c <"${tarball}") bytes"

# A PATH with node, npm and sh only: no cc, c++, g++, make or python3.
nobin="${work}/bin"
mkdir -p "${nobin}"
for tool in node npm npx sh; do ln -s "$(command -v "${tool}")" "${nobin}/${tool}"; done
for tool in cc c++ g++ gcc clang make python3 python; do
  if PATH="${nobin}" command -v "${tool}" >/dev/null 2>&1; then fail "${tool} is still on the reduced PATH"; fi
done

# npm install in a clean environment: no build-from-source flag, no CC/CXX/PYTHON hints.
npm_clean() {
  env -i HOME="${HOME}" PATH="${nobin}" TMPDIR="${TMPDIR:-/tmp}" \
    ${npm_config_nodedir:+npm_config_nodedir="${npm_config_nodedir}"} \
    ${npm_config_cache:+npm_config_cache="${npm_config_cache}"} \
    ${npm_config_registry:+npm_config_registry="${npm_config_registry}"} \
    npm "$@"
}
new_project() {
  mkdir -p "$1"
  printf '{ "name": "descent-install-test", "version": "1.0.0", "private": true }\n' >"$1/package.json"
}

step "npm install of the tarball with compilers hidden"
app="${work}/app"
new_project "${app}"
(cd "${app}" && npm_clean install --prefer-offline --no-audit --no-fund --foreground-scripts "${tarball}") \
  || fail "installing the tarball with prebuilds failed"
[[ -d "${app}/node_modules/descent/build" ]] && fail "the install compiled build/ instead of using the prebuild"

cat >"${app}/step.cjs" <<'EOF'
const { Adam, nativeInfo } = require('descent');
const w = Float32Array.of(1, -2, 3);
new Adam(w, { lr: 0.1 }).step(Float32Array.of(0.5, 0.5, -0.5));
// Adam's first step moves every coordinate by lr against the sign of its gradient.
const want = [0.9, -2.1, 3.1];
if (want.some((x, i) => Math.abs(w[i] - x) > 1e-6)) throw new Error(`CommonJS Adam step gave ${Array.from(w)}`);
console.log(JSON.stringify(nativeInfo()));
EOF
cat >"${app}/step.mjs" <<'EOF'
import { Adam, nativeInfo } from 'descent';
const w = Float32Array.of(1, -2, 3);
new Adam(w, { lr: 0.1 }).step(Float32Array.of(0.5, 0.5, -0.5));
const want = [0.9, -2.1, 3.1];
if (want.some((x, i) => Math.abs(w[i] - x) > 1e-6)) throw new Error(`ESM Adam step gave ${Array.from(w)}`);
console.log(JSON.stringify(nativeInfo()));
EOF
for script in step.cjs step.mjs; do
  step "node ${script}"
  info="$(cd "${app}" && PATH="${nobin}" node "${script}")" || fail "${script} failed"
  echo "${info}"
  binary="$(node -e 'console.log(JSON.parse(process.argv[1]).binary)' "${info}")"
  [[ "${binary}" == "${app}/node_modules/descent/prebuilds/${platform}/"*.node ]] \
    || fail "${script} loaded ${binary}, not the prebuild"
done

step "the installed descent command"
(cd "${app}" && PATH="${app}/node_modules/.bin:${nobin}" descent info --json >/dev/null) || fail "descent info --json failed"
(cd "${app}" && PATH="${app}/node_modules/.bin:${nobin}" descent --version) || fail "descent --version failed"

step "npm pack without prebuilds"
rm -rf "${stage}/prebuilds"
(cd "${stage}" && npm pack --silent --ignore-scripts --pack-destination "${work}/without-prebuilds" >/dev/null)
bare_tarball="$(ls "${work}"/without-prebuilds/*.tgz)"
if tar -tzf "${bare_tarball}" | grep -q '^package/prebuilds/'; then fail "the bare tarball still ships prebuilds"; fi

step "npm install without a prebuild or a compiler: must fail and say what to do"
bare="${work}/bare"
new_project "${bare}"
set +e
out="$(cd "${bare}" && npm_clean install --prefer-offline --no-audit --no-fund --foreground-scripts "${bare_tarball}" 2>&1)"
status=$?
set -e
echo "${out}" | tail -n 12
[[ ${status} -ne 0 ]] || fail "the install succeeded without a prebuild or a compiler"
grep -q "building from source failed on ${platform}" <<<"${out}" || fail "the failure does not name ${platform}"
grep -qF 'npm rebuild descent --build-from-source' <<<"${out}" || fail "the failure does not name the build-from-source command"

step "install test passed in $((SECONDS - started)) s"
