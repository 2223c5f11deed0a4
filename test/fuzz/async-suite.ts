/**
 * Fuzzes the asynchronous-SGD exports (lib/async): the server rules (applyPush and friends) with
 * hostile rules and pushes, the in-process server and its transport driven through random
 * sequences of fetches, pushes (duplicate ids, wrong lengths, missing gradSumAtRead, closed
 * transports) and withDelay, the Redis functions' argument checks (with a location that is always
 * malformed, so no call ever reaches for a server), and tiny downpour() / easgd() runs with
 * misbehaving model modules and aborts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { types } from 'node:util';
import fc from 'fast-check';
import * as lib from '../../lib/index';
import { checkLocation } from '../../lib/async/redis/connection';
import { lit, mostly, optionsObject, weird, weirdDeep, f32 } from './arbitraries';
import { checkAsyncCall, checkCall, checkInvariant, describeError } from './check';
import type { Allow, FuzzStats } from './check';
import { suite } from './suite';
import { FuzzCallbackError, materialize, Tracker } from './values';
import type { Desc, Layout } from './values';

const SUITE = 'async';
const n = (...values: number[]): fc.Arbitrary<Desc> => fc.constantFrom(...values).map(lit);
const s = (...values: string[]): fc.Arbitrary<Desc> => fc.constantFrom(...values).map(lit);
const plain: Layout = { before: 0, after: 0, shared: false, detach: false };
const obj = (props: Array<[string, Desc]>): Desc => ({ t: 'obj', props });
const absent = fc.constant(lit(undefined));

/** Errors with a `code` (the documented ones: ERR_TRANSPORT_CLOSED...) and our callbacks' errors. */
const allowCoded: Allow = (e) => {
  if (e instanceof FuzzCallbackError) return 'FuzzCallbackError';
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && typeof code === 'string' && code.startsWith('ERR_')) return `Error[${code}]`;
  return null;
};

// ---- server rules ----

const ruleArb: fc.Arbitrary<Desc> = fc.oneof(
  { arbitrary: s('sgd', 'adagrad', 'adaptive-revision', 'elastic'), weight: 3 },
  { arbitrary: optionsObject({
    name: s('sgd', 'adagrad', 'adaptive-revision', 'elastic', 'momentum', 'nesterov', 'rmsprop', 'adadelta', 'adam', 'adamw', 'amsgrad', 'adamax', 'lamb'),
    lr: n(0.1, 1, 0, -1, NaN, Infinity, 1e300, 1e-30),
    eps: n(1e-10, 0, -1, NaN, Infinity),
    initialAccumulatorValue: n(0.1, 0, -1, NaN, Infinity, 1e300),
    momentum: n(0, 0.9, 1, -0.5, NaN, Infinity),
    betas: fc.oneof(
      fc.constantFrom([0.9, 0.999], [1, 0.5], [NaN, 0.9], [0.9]).map((v) => ({ t: 'arr', items: v.map(lit) }) as Desc),
      s('x'),
    ),
    rho: n(0.9, 0, 1, 2, NaN),
    alpha: n(0.99, 0, 1.5, NaN),
    weightDecay: n(0, 0.01, -1, NaN, Infinity),
  }), weight: 5 },
  { arbitrary: weird, weight: 1 },
);

const lengthArb = fc.constantFrom(1, 3, 8, 17);
/** A Float32Array of the shard's length, mostly; sometimes one off, detached, or something else. */
const vec = (len: number): fc.Arbitrary<Desc> => fc.oneof(
  { arbitrary: f32(len, fc.constant(plain)), weight: 8 },
  { arbitrary: f32(len), weight: 2 },
  { arbitrary: fc.constantFrom(0, len - 1, len + 1).chain((k) => f32(k)), weight: 1 },
  { arbitrary: fc.record({ of: fc.nat(4), start: fc.nat(len), n: fc.constant(len) }).map((a) => ({ t: 'alias', ...a }) as Desc), weight: 1 },
  { arbitrary: weird, weight: 1 },
);

const pushArb = (len: number, shards: number): fc.Arbitrary<Desc> => fc.record({
  id: mostly(s('p1', 'p1', 'p2', 'p3', ''), 8),
  worker: mostly(n(0, 1, -1, 1.5), 8),
  shard: mostly(fc.integer({ min: 0, max: shards - 1 }).map(lit), 8),
  kind: mostly(s('gradient', 'gradient', 'elastic'), 8),
  values: vec(len),
  readVersion: mostly(n(0, 0, 1, 3, -1, 1.5, NaN, 2 ** 53), 8),
  gradSumAtRead: fc.oneof(absent, vec(len)),
}).map((p) => obj(Object.entries(p)));

interface RuleCase { kind: 'rule'; op: 'applyPush' | 'initShardState' | 'fillInitialState' | 'resolve' | 'names'; rule: Desc; len: number;
  shard: { params: Desc; state: 'init' | 'missing' | 'short' | 'alias' | Desc }; push: Desc }

const ruleCaseArb: fc.Arbitrary<RuleCase> = lengthArb.chain((len) => fc.record({
  kind: fc.constant('rule' as const),
  op: fc.constantFrom('applyPush' as const, 'applyPush' as const, 'applyPush' as const, 'initShardState' as const, 'fillInitialState' as const, 'resolve' as const, 'names' as const),
  rule: ruleArb,
  len: fc.oneof(fc.constant(len), fc.constantFrom(0, -1, 1.5, NaN, 2 ** 40)),
  shard: fc.record({
    params: fc.oneof({ arbitrary: f32(len), weight: 8 }, { arbitrary: weird, weight: 1 }),
    state: fc.oneof({ arbitrary: fc.constant('init' as const), weight: 6 }, { arbitrary: fc.constantFrom('missing' as const, 'short' as const, 'alias' as const), weight: 2 },
      { arbitrary: weirdDeep, weight: 1 }),
  }),
  push: mostly(pushArb(len, 1), 12),
}));

function runRuleCase(stats: FuzzStats, c: RuleCase): void {
  const tr = new Tracker();
  const rule = materialize(c.rule, tr);
  const params = materialize(c.shard.params, tr);
  let state: unknown;
  const names = (() => {
    try {
      return lib.serverRuleStateNames(rule as never);
    } catch {
      return ['accumulator', 'gradSum', 'z', 'zMax'];
    }
  })();
  const pLen = params instanceof Float32Array ? params.length : 3;
  if (typeof c.shard.state === 'string') {
    const st: Record<string, Float32Array> = {};
    names.forEach((name, k) => {
      if (c.shard.state === 'missing' && k === 0) return;
      const len = c.shard.state === 'short' && k === names.length - 1 ? Math.max(0, pLen - 1) : pLen;
      const { buffer, offset } = tr.allocate(len, 4, plain);
      st[name] = c.shard.state === 'alias' && k === 0 && params instanceof Float32Array ? params : new Float32Array(buffer, offset, len).fill(0.1);
    });
    state = st;
  } else state = materialize(c.shard.state, tr);
  const push = materialize(c.push, tr);
  const len = c.len;
  switch (c.op) {
    case 'applyPush':
      checkCall(stats, SUITE, 'applyPush', tr, () => lib.applyPush(rule as never, { params, state } as never, push as never));
      return;
    case 'initShardState':
      checkCall(stats, SUITE, 'initShardState', tr, () => lib.initShardState(rule as never, len));
      return;
    case 'fillInitialState':
      // Writes the state it is given: after a throw the state must be as it was.
      checkCall(stats, SUITE, 'fillInitialState', tr, () => lib.fillInitialState(rule as never, state as never));
      return;
    case 'resolve':
      checkCall(stats, SUITE, 'resolveServerRule', tr, () => [lib.resolveServerRule(rule as never), lib.ruleNeedsGradSum(rule as never)]);
      return;
    case 'names':
      checkCall(stats, SUITE, 'serverRuleStateNames', tr, () => lib.serverRuleStateNames(rule as never));
  }
}

// ---- in-process server, transport and withDelay ----

type ServerOp =
  | { op: 'fetch'; shard: Desc; into: Desc; gradSum: Desc }
  | { op: 'push'; push: Desc }
  | { op: 'snapshot'; into: Desc }
  | { op: 'state'; shard: Desc; name: Desc }
  | { op: 'stats' }
  | { op: 'closeTransport' }
  | { op: 'flush' };

interface ServerCase { kind: 'server'; options: Desc; delay: Desc | null; ops: ServerOp[]; len: number; shards: number }

const delayArb: fc.Arbitrary<Desc> = fc.oneof(
  optionsObject({ kind: s('fixed'), delay: n(0, 1, 3, -1, 1.5, NaN, 1e300), seed: n(0, 1, -1) }, false),
  optionsObject({ kind: s('random'), min: n(0, 2, -1, NaN), max: n(0, 3, 1, -1, Infinity), seed: n(0, 7) }, false),
  optionsObject({ kind: s('heavy-tailed'), scale: n(0, 1, 2.5, -1, NaN, Infinity), shape: n(1.5, 0, 1e-300, -1), max: n(0, 5, 1e6, -1), seed: n(3) }, false),
  weird,
);

const serverCaseArb: fc.Arbitrary<ServerCase> = fc.record({ len: fc.constantFrom(1, 4, 9), shards: fc.constantFrom(1, 2, 3) })
  .chain(({ len, shards }) => {
    // Shards of an even layout: the first shard's length (the longest), which pushes and fetches use mostly.
    const shardLen = Math.ceil(len / shards);
    const op: fc.Arbitrary<ServerOp> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('fetch' as const), shard: mostly(fc.integer({ min: 0, max: shards }).map(lit), 8), into: vec(shardLen), gradSum: fc.oneof(absent, absent, vec(shardLen)) }), weight: 3 },
      { arbitrary: fc.record({ op: fc.constant('push' as const), push: mostly(pushArb(shardLen, shards), 12) }), weight: 5 },
      { arbitrary: fc.record({ op: fc.constant('snapshot' as const), into: fc.oneof(absent, vec(len)) }), weight: 1 },
      { arbitrary: fc.record({ op: fc.constant('state' as const), shard: n(0, 1, 5, -1), name: fc.oneof(s('accumulator', 'gradSum', 'z', 'zMax', 'x', '__proto__'), weird) }), weight: 1 },
      { arbitrary: fc.constant({ op: 'stats' as const }), weight: 1 },
      { arbitrary: fc.constant({ op: 'closeTransport' as const }), weight: 1 },
      { arbitrary: fc.constant({ op: 'flush' as const }), weight: 1 },
    );
    return fc.record({
      kind: fc.constant('server' as const),
      len: fc.constant(len),
      shards: fc.constant(shards),
      options: mostly(optionsObject({
        size: mostly(n(len), 10), shards: mostly(n(shards), 10), rule: ruleArb,
        init: fc.oneof(f32(len), f32(len + 1)),
        mode: fc.oneof({ arbitrary: s('lock'), weight: 12 }, { arbitrary: s('owner', 'x'), weight: 1 }),
        dedupWindow: n(0, 1, 4096, -1, 1.5), queueCapacity: n(1, 64, 0, -1),
      }), 12),
      delay: fc.option(delayArb, { freq: 3, nil: null }),
      ops: fc.array(op, { maxLength: 8 }),
    });
  });

async function runServerCase(stats: FuzzStats, c: ServerCase): Promise<void> {
  const tr = new Tracker();
  const options = materialize(c.options, tr);
  // An options object always has its size, so a server is never sized from a random Float32Array.
  if (options && typeof options === 'object' && !types.isProxy(options) && !Array.isArray(options) && !ArrayBuffer.isView(options))
    (options as Record<string, unknown>).size ??= c.len;
  const made = checkCall(stats, SUITE, 'createInProcessServer', tr, () => lib.createInProcessServer(options as never));
  if (made.threw) return;
  const server = made.value as lib.InProcessServer;
  try {
    let transport: lib.ParameterTransport = server.connect();
    if (c.delay) {
      const dtr = new Tracker();
      const delay = materialize(c.delay, dtr);
      const wrapped = checkCall(stats, SUITE, 'withDelay', dtr, () => lib.withDelay(transport, delay as never));
      if (!wrapped.threw) transport = wrapped.value as lib.DelayedTransport;
    }
    for (const o of c.ops) {
      const otr = new Tracker();
      switch (o.op) {
        case 'fetch': {
          const shard = materialize(o.shard, otr), into = materialize(o.into, otr), gradSum = materialize(o.gradSum, otr);
          // A fetch writes `into` (and gradSumInto) and nothing else.
          await checkAsyncCall(stats, SUITE, 'transport.fetch', otr, () => transport.fetch(shard as never, into as never, gradSum as never), { allow: allowCoded });
          break;
        }
        case 'push': {
          const push = materialize(o.push, otr);
          const before = server.snapshot();
          const r = await checkAsyncCall(stats, SUITE, 'transport.push', otr, () => transport.push(push as never), { allow: allowCoded });
          // A refused push changes no shard (the delay wrapper may hold it, so only refusals are checked).
          if (r.threw && !('flush' in transport)) {
            const after = server.snapshot();
            checkInvariant(stats, SUITE, 'transport.push', after.every((v, i) => Object.is(v, before[i])),
              `a refused push changed the server's parameters (${describeError(r.error)})`, r.error);
          }
          break;
        }
        case 'snapshot': {
          const into = materialize(o.into, otr);
          checkCall(stats, SUITE, 'server.snapshot', otr, () => server.snapshot(into as never));
          break;
        }
        case 'state': {
          const shard = materialize(o.shard, otr), name = materialize(o.name, otr);
          checkCall(stats, SUITE, 'server.state', otr, () => server.state(shard as never, name as never));
          break;
        }
        case 'stats':
          checkCall(stats, SUITE, 'stats', otr, () => [server.stats(), transport.stats()]);
          break;
        case 'closeTransport':
          await checkAsyncCall(stats, SUITE, 'transport.close', otr, () => transport.close(), { allow: allowCoded });
          break;
        case 'flush':
          if ('flush' in transport) await checkAsyncCall(stats, SUITE, 'withDelay.flush', otr, () => (transport as lib.DelayedTransport).flush(), { allow: allowCoded });
          break;
      }
    }
  } finally {
    await server.close().catch(() => undefined);
  }
}

// ---- Redis functions: argument checks only (the location is always malformed) ----

interface RedisCase { kind: 'redis'; fn: string; args: Desc[] }

const badLocation: fc.Arbitrary<Desc> = fc.oneof(
  fc.constantFrom<Desc>(obj([['url', lit('http://127.0.0.1:1')]]), obj([['url', lit('')]]), obj([['cluster', { t: 'arr', items: [] }]]),
    obj([['cluster', { t: 'arr', items: [obj([['host', lit('h')], ['port', lit(0)]])] }]]), obj([['url', lit('redis://127.0.0.1:1')], ['prefix', lit('{x}')]])),
  weird.filter((d) => d.t !== 'obj' && d.t !== 'trap'),
);
const layoutDesc = mostly(fc.constantFrom<Desc>(
  obj([['size', lit(4)], ['shards', { t: 'arr', items: [obj([['offset', lit(0)], ['length', lit(4)]])] }]]),
  obj([['size', lit(4)], ['shards', { t: 'arr', items: [obj([['offset', lit(1)], ['length', lit(4)]])] }]]),
  obj([['size', lit(NaN)], ['shards', { t: 'arr', items: [] }]]),
));
const jobName = mostly(s('job', '', 'a b', 'x{y}', '__proto__'), 6);

const REDIS_FUNCTIONS: Record<string, { args: fc.Arbitrary<Desc[]>; call(...a: unknown[]): unknown }> = {
  initRedisJob: { args: fc.tuple(optionsObject({ redis: badLocation, job: jobName, layout: layoutDesc, rule: ruleArb, initialParams: f32(4), ifExists: s('resume', 'overwrite', 'x') })),
    call: (o) => lib.initRedisJob(o as never) },
  redisJobStatus: { args: fc.tuple(badLocation, jobName), call: (l, j) => lib.redisJobStatus(l as never, j as never) },
  deleteRedisJobKeys: { args: fc.tuple(badLocation, jobName), call: (l, j) => lib.deleteRedisJobKeys(l as never, j as never) },
  openRedisTransport: { args: fc.tuple(fc.oneof(badLocation, badLocation.map((l) => (l.t === 'obj' ? obj([...l.props, ['job', lit('j')]]) : l)))),
    call: (c) => lib.openRedisTransport(c as never) },
  redisEndpoint: { args: fc.tuple(fc.oneof(weirdDeep, optionsObject({ url: s('redis://127.0.0.1:1', 'http://x'), job: jobName, layout: layoutDesc, retriesPerRequest: n(0, 1, -1, 1.5, NaN) }))),
    call: (c) => lib.redisEndpoint(c as never) },
  runShardServer: { args: fc.tuple(fc.oneof(weirdDeep, optionsObject({ redis: badLocation, job: jobName, shards: weirdDeep, batch: n(1, 0, -1) }))),
    call: (o) => lib.runShardServer(o as never) },
  runRedisWorker: { args: fc.tuple(fc.oneof(weirdDeep, optionsObject({ redis: badLocation, job: jobName, algorithm: s('downpour', 'easgd', 'x'), model: s('/nonexistent.cjs', ''), replica: n(0, -1) }))),
    call: (o) => lib.runRedisWorker(o as never) },
  checkRunConfig: { args: fc.tuple(fc.oneof(weirdDeep, optionsObject({
    redis: mostly(fc.constant(obj([['url', lit('redis://127.0.0.1:1')]]))), job: jobName, algorithm: s('downpour', 'easgd', 'x'), model: s('m.cjs', '', 'file:///m.mjs'),
    shards: n(1, 4, 0, 4097, 1.5), servers: n(1, 2, 5, 0), replicas: n(1, 0, 1025), rule: ruleArb,
    init: fc.oneof(s('zeros', 'ones'), optionsObject({ uniform: n(0.1, -1, NaN, Infinity), seed: n(0, -1, 1.5, NaN) }, false)),
    ifExists: s('overwrite', 'resume', 'x'), options: weirdDeep, server: weirdDeep, heartbeatTtlMs: n(3000, 29, 30, 1.5, NaN),
  }))), call: (c) => lib.checkRunConfig(c as never, '/tmp') },
};

const redisCaseArb: fc.Arbitrary<RedisCase> = fc.constantFrom(...Object.keys(REDIS_FUNCTIONS))
  .chain((fn) => REDIS_FUNCTIONS[fn]!.args.map((args) => ({ kind: 'redis' as const, fn, args })));

/**
 * A location that passes checkLocation would connect (a shard server retries forever, by design):
 * the generators can still make one (a plain object with neither url nor cluster is the local
 * default), so such a location is swapped for a malformed one here.
 */
function malformLocations(args: unknown[]): unknown[] {
  const bad = (l: unknown): unknown => {
    try {
      checkLocation(l, 'location');
    } catch {
      return l;
    }
    return { url: 'http://not-redis.invalid' };
  };
  const isPlain = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !types.isProxy(v) && Object.getPrototypeOf(v) === Object.prototype;
  return args.map((a, k) => {
    if (k === 0 && isPlain(a) && !('redis' in a)) return bad(a); // redisJobStatus(location, ...), openRedisTransport(config)
    if (isPlain(a) && 'redis' in a) return { ...a, redis: bad(a.redis) };
    return a;
  });
}

async function runRedisCase(stats: FuzzStats, c: RedisCase): Promise<void> {
  const tr = new Tracker();
  const made = c.args.map((d) => materialize(d, tr));
  // checkRunConfig and redisEndpoint only read their argument; the others would connect.
  const args = c.fn === 'checkRunConfig' || c.fn === 'redisEndpoint' ? made : malformLocations(made);
  // Nothing here may connect: every location is malformed, so every call must fail its checks.
  await checkAsyncCall(stats, SUITE, c.fn, tr, async () => REDIS_FUNCTIONS[c.fn]!.call(...args), { allow: allowCoded });
}

export type AsyncServerCase = RuleCase | ServerCase | RedisCase;

export const asyncServerCalls = suite<AsyncServerCase>({
  name: 'api async SGD (server rules, in-process server, withDelay, Redis checks)',
  weight: 2,
  async: true,
  arbitrary: fc.oneof({ arbitrary: ruleCaseArb, weight: 4 }, { arbitrary: serverCaseArb, weight: 4 }, { arbitrary: redisCaseArb, weight: 2 }),
  async run(stats, c) {
    if (c.kind === 'rule') runRuleCase(stats, c);
    else if (c.kind === 'server') await runServerCase(stats, c);
    else await runRedisCase(stats, c);
  },
});

// ---- downpour() and easgd(): tiny runs with misbehaving models ----

let sandbox: string | undefined;
function modelDir(): string {
  if (!sandbox) {
    sandbox = fs.mkdtempSync(path.join(os.tmpdir(), `descent-fuzz-async-${process.pid}-`));
    const dir = sandbox;
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string): void => fs.writeFileSync(path.join(dir, name), text);
    // 8 examples, 3 parameters; the gradient pulls w towards (1, 2, 3).
    write('good.cjs', `exports.createModel = () => ({ size: 3, examples: 8,
      gradient(w, batch, g) { for (let j = 0; j < 3; j++) g[j] += w[j] - (j + 1); return 1; },
      loss(w) { return w.reduce((s, v, j) => s + (v - j - 1) ** 2, 0); } });`);
    write('throws-create.cjs', `exports.createModel = () => { throw new Error('fuzz: createModel throws'); };`);
    write('throws-gradient.cjs', `exports.createModel = () => ({ size: 3, examples: 8,
      gradient(w, batch) { if (batch[0] % 3 === 1) throw new Error('fuzz: gradient throws'); return 0; } });`);
    write('throws-loss.cjs', `exports.createModel = () => ({ size: 3, examples: 8, gradient() { return 0; }, loss() { throw new Error('fuzz: loss throws'); } });`);
    write('nan.cjs', `exports.createModel = () => ({ size: 3, examples: 8, gradient(w, b, g) { g.fill(NaN); return NaN; }, loss() { return NaN; } });`);
    write('bad-shape.cjs', `exports.createModel = () => ({ size: -1, examples: 1.5, gradient: 7 });`);
    write('huge-size.cjs', `exports.createModel = () => ({ size: 2 ** 40, examples: 8, gradient() { return 0; } });`);
    write('no-export.cjs', `exports.somethingElse = 1;`);
  }
  return sandbox;
}

const MODELS = ['@good', '@good', '@good', '@throws-create', '@throws-gradient', '@throws-loss', '@nan', '@bad-shape', '@huge-size', '@no-export', '@missing'];

interface TrainerCase { kind: 'downpour' | 'easgd'; options: Desc; abort: 'never' | 'before' | 'soon' }

const signalDesc = s('@signal');
const callbackDesc = fc.constantFrom('zero', 'throw').map((mode) => ({ t: 'fn', mode }) as Desc);
const modelDesc = mostly(fc.constantFrom(...MODELS).map(lit), 12);
/** Option values by key: each trainer run starts from a small valid set and changes up to three keys. */
const TRAINER_KEYS: Record<'downpour' | 'easgd', Record<string, fc.Arbitrary<Desc>>> = {
  downpour: {
    model: modelDesc, data: weird, replicas: n(1, 2, 0, 257, 1.5), shards: n(1, 2, 0), nFetch: n(1, 2, 0), nPush: n(1, 3, 0),
    batchSize: n(1, 4, 0, 1.5), steps: n(1, 3, 0, -1, 1.5), epochs: n(1, 0, -1, NaN), rule: ruleArb, warmStart: n(0, 1, -1),
    init: fc.oneof(f32(3), f32(2)), mode: s('lock', 'owner', 'x'), seed: n(0, 1, -1), progressInterval: n(0.01, 0, -1, NaN),
    signal: signalDesc, onProgress: callbackDesc, transport: weirdDeep,
  },
  easgd: {
    model: modelDesc, data: weird, workers: n(1, 2, 0, 1025), lr: n(0.01, 0, -1, NaN, Infinity), rho: n(0.5, 0, NaN, 1e300),
    alpha: n(0.1, 0.5, 1, 0, NaN), tau: n(1, 2, 0, 1.5), mode: s('sync', 'async', 'x'), momentum: n(0, 0.5, 1, -1),
    batchSize: n(1, 2, 0), steps: n(1, 3, 0, 2 ** 41), epochs: n(1, 0, 1e7), params: fc.oneof(f32(3), f32(4)), shards: n(1, 2, 0),
    seed: n(0, -1), evalEvery: n(0, 0.01, -1, 1e6), signal: signalDesc, onProgress: callbackDesc, transport: weirdDeep,
  },
};
const TRAINER_BASE: Record<'downpour' | 'easgd', Array<[string, Desc]>> = {
  downpour: [['model', lit('@good')], ['replicas', lit(2)], ['steps', lit(2)], ['batchSize', lit(2)], ['progressInterval', lit(0.01)]],
  easgd: [['model', lit('@good')], ['workers', lit(2)], ['steps', lit(2)], ['batchSize', lit(2)], ['tau', lit(1)], ['evalEvery', lit(0)]],
};

const trainerCaseArb: fc.Arbitrary<TrainerCase> = fc.record({
  kind: fc.constantFrom('downpour' as const, 'easgd' as const),
  abort: fc.constantFrom('never' as const, 'never' as const, 'before' as const, 'soon' as const),
}).chain(({ kind, abort }) => {
  const keys = TRAINER_KEYS[kind];
  const change = fc.constantFrom(...Object.keys(keys)).chain((k) => keys[k]!.map((v) => [k, v] as [string, Desc]));
  const options = fc.array(change, { maxLength: 3 }).map((changes) => {
    const props = new Map(TRAINER_BASE[kind]);
    for (const [k, v] of changes) props.set(k, v);
    // easgd takes steps or epochs, not both: a change to epochs drops the base's steps.
    if (changes.some(([k]) => k === 'epochs') && !changes.some(([k]) => k === 'steps')) props.delete('steps');
    return obj([...props.entries()]);
  });
  return mostly(options, 12).map((o) => ({ kind, abort, options: o }));
});

/** Errors the trainers document besides TypeError and RangeError. */
const allowTrainers: Allow = (e) => {
  if (e instanceof FuzzCallbackError) return 'FuzzCallbackError';
  if (e instanceof Error && e.name === 'AbortError') return 'AbortError';
  if (e instanceof Error && /^fuzz: (abort|createModel|gradient|loss)/.test(e.message)) return 'Error(model)';
  // "rejects with an Error naming the replica (worker) that failed".
  if (e instanceof Error && /^(downpour: (replica \d+|the loss evaluator)|easgd: worker \d+)/.test(e.message)) return 'Error(worker)';
  return allowCoded(e);
};

export const asyncTrainerCalls = suite<TrainerCase>({
  name: 'api async trainers (downpour, easgd)',
  // Each run starts worker threads (~0.3 s): the full run's minimum share (5 runs a round) is plenty.
  weight: 0.2,
  async: true,
  arbitrary: trainerCaseArb,
  async run(stats, c) {
    const tr = new Tracker();
    const controller = new AbortController();
    if (c.abort === 'before') controller.abort(new Error('fuzz: abort'));
    const options = materialize(c.options, tr);
    if (options && typeof options === 'object' && !types.isProxy(options) && !Array.isArray(options) && !ArrayBuffer.isView(options)) {
      const o = options as Record<string, unknown>;
      if (o.signal === '@signal') o.signal = controller.signal;
      if (typeof o.model === 'string' && o.model.startsWith('@')) o.model = path.join(modelDir(), `${o.model.slice(1)}.cjs`);
    }
    await checkAsyncCall(stats, SUITE, c.kind, tr, async () => {
      const p = c.kind === 'downpour' ? lib.downpour(options as never) : lib.easgd(options as never);
      if (c.abort === 'soon') setTimeout(() => controller.abort(new Error('fuzz: abort')), 5);
      return p;
    }, { allow: allowTrainers, noSnapshot: true });
  },
});
