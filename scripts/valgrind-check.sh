#!/usr/bin/env bash
# Runs a short Node script under valgrind (`npm run valgrind`): a few steps of every optimizer
# (dense, sparse, multi-tensor), objective calls, rejected calls (argument errors thrown from C++),
# svmlight reads (sync and on a worker thread, one cancelled) and a shuffle. Fails when valgrind
# finds a definite leak or an invalid memory access with a frame in our addon (descent.node).
# Node and V8 internals are suppressed by test/valgrind.supp or ignored (no descent.node frame).
#
#   bash scripts/valgrind-check.sh            VALGRIND=/usr/bin/valgrind to use another binary
#
# Prints valgrind's error and leak summaries and the addon's own records, and `addon definite
# leaks N, addon invalid accesses N` last.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VALGRIND="${VALGRIND:-valgrind}"
if ! command -v "$VALGRIND" >/dev/null; then
  echo "valgrind not found; install it (Debian: apt-get install -y valgrind)" >&2
  exit 2
fi
if [[ ! -f build/Release/descent.node ]]; then
  echo "build/Release/descent.node is missing; run npm run build:native first" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log="$work/valgrind.log"

# The driver loads the addon and the TypeScript API the way the tests do (scripts/fuzz.mjs compiles
# .ts on require). Warm the compile cache outside valgrind first: TypeScript itself is slow there.
cat >"$work/driver.mjs" <<'EOF'
import * as path from 'node:path';
import { registerTypeScript } from '__ROOT__/scripts/fuzz.mjs';
const root = process.cwd();
const lib = registerTypeScript()(path.join(root, 'lib/index.ts'));
if (process.argv[2] === '--warm-only') process.exit(0);
const names = ['SGD', 'Momentum', 'Nesterov', 'Adagrad', 'Adadelta', 'RMSprop', 'Adam', 'AMSGrad', 'AdamW', 'AdaMax', 'Nadam'];
// Every ISA path valgrind's virtual CPU offers (it reports no AVX-512), and the thread pool on tiny arrays.
const isas = lib.nativeInfo().isasAvailable;
lib.setParallelMinElements(8);
for (const isa of isas) for (const name of names) {
  lib.setIsa(isa);
  const params = [new Float32Array(37).fill(0.5), new Float32Array(5).fill(1)];
  const grads = params.map((p) => new Float32Array(p.length).fill(0.01));
  const opt = new lib[name](params, {});
  for (let i = 0; i < 3; i++) opt.step(grads);
  try { opt.stepSparse([{ indices: [1, 3], values: Float32Array.from([0.1, 0.2]) }, null]); } catch { /* no lazy form */ }
  const arena = new lib.ParamArena({ a: 20, b: 44 });
  new lib[name](arena.params(), {}).step(arena.gradList());
  try { opt.step([grads[0], params[0]]); } catch { /* rejected in C++ or TS: the error path must not leak */ }
}
lib.setIsa(isas[isas.length - 1]);
const a = lib.nativeInfo();
const raw = registerTypeScript()(path.join(root, 'lib/native.ts')).addon();
for (const bad of [[], [1, 2], [new Float32Array(4), new Float32Array(3)], [[new Float32Array(2)], [new Float32Array(3)]]])
  try { raw.adam(...bad); } catch { /* TypeError / RangeError from the binding */ }
const X = { indptr: Int32Array.from([0, 2, 3]), indices: Int32Array.from([0, 2, 1]), values: Float32Array.from([1, 2, 3]), cols: 3 };
const w = new Float32Array(4), g = new Float32Array(4);
lib.lossAndGrad({ loss: 'logistic' }, X, Float32Array.from([1, -1]), w, g);
lib.predictClasses({ loss: 'softmax', classes: 2 }, X, new Float32Array(8));
try { lib.lossAndGrad({ loss: 'logistic' }, X, Float32Array.from([1, 5]), w, g); } catch { /* bad label */ }
const text = Buffer.from('1 1:0.5 3:2\n-1 2:1\n1 1:1 2:2 3:3\n');
lib.readSvmlightSync(text);
try { lib.readSvmlightSync(Buffer.from('1 x:y\n')); } catch { /* parse error */ }
await lib.readSvmlight(text, { onProgress: () => {} });
const controller = new AbortController();
const pending = lib.readSvmlight(text, { signal: controller.signal });
controller.abort();
await pending.catch(() => {});
lib.shuffle(lib.identityIndices(100), new lib.Xoshiro128(3));
console.log(`driver done on ${isas.join(', ')} (default ${a.isa})`);
EOF
sed -i "s|__ROOT__|$PWD|" "$work/driver.mjs"
node "$work/driver.mjs" --warm-only

echo "running the driver under valgrind (a minute or two)..."
set +e
"$VALGRIND" --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --suppressions=test/valgrind.supp --num-callers=30 --log-file="$log" \
  node --jitless "$work/driver.mjs"
status=$?
set -e
if [[ $status -ne 0 ]]; then
  echo "the driver failed under valgrind (exit $status); last lines of the log:" >&2
  tail -30 "$log" >&2
  exit 1
fi

echo "--- valgrind summary"
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|suppressed:" "$log" | sed 's/^==[0-9]*== *//'

# Records are blocks of lines between blank '==pid== ' lines; keep those with a descent.node frame.
addon_records() {
  awk -v kind="$1" '
    /^==[0-9]+== *$/ { if (rec ~ kind && rec ~ /descent\.node/) { print rec; n++ } rec = ""; next }
    { rec = rec $0 "\n" }
    END { if (rec ~ kind && rec ~ /descent\.node/) { print rec; n++ } print n + 0 > "/dev/stderr" }' "$log"
}
leaks=$( { addon_records 'definitely lost in loss record' >"$work/leaks.txt"; } 2>&1 )
invalid=$( { addon_records 'Invalid (read|write|free)|uninitialised|Mismatched free' >"$work/invalid.txt"; } 2>&1 )
if [[ $leaks -gt 0 || $invalid -gt 0 ]]; then
  echo "--- records with a frame in descent.node"
  cat "$work/leaks.txt" "$work/invalid.txt"
fi
echo "addon definite leaks $leaks, addon invalid accesses $invalid"
[[ $leaks -eq 0 && $invalid -eq 0 ]]
