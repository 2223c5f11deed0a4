// Timing: calibrate each contender to a sample length, then take samples round-robin so that slow
// drift of the machine (memory bandwidth on this VM moves ±20% within minutes, and other
// processes come and go) hits every contender alike, and report medians.
//
// A contender is either local, `{ id, step, setup?, teardown? }` (step runs one optimizer step in
// this process), or remote, `{ id, calibrate, sample }` (the Python peer: it times its own loop and
// answers asynchronously). Both kinds interleave in the same rounds.

/** The median of a non-empty list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const collectGarbage = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};

/** Nanoseconds that `steps` calls of `step` take. */
function timeSteps(step, steps) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) step();
  return Number(process.hrtime.bigint() - t0);
}

/**
 * Steps per sample so that one sample lasts about targetMs. The first call warms up (JIT, first
 * touch of fresh pages). A warm-up step longer than a quarter second means a step that slow (a
 * preemption lasts milliseconds), so one step per sample, with no more time spent calibrating.
 * bench/peers/torch_optim.py follows the same rule.
 */
export function calibrate(step, targetMs) {
  const targetNs = targetMs * 1e6;
  const warm = timeSteps(step, 1);
  if (warm >= Math.max(targetNs, 250e6)) return { stepsPerSample: 1, perStepNs: warm };
  let steps = 1;
  for (;;) {
    let t = timeSteps(step, steps);
    if (t >= targetNs / 4 || steps >= 1 << 24) {
      // Time it once more and keep the faster: the first steps after an idle spell (a peer waiting
      // on its pipe, a preemption) can be many times slower, and would shrink every sample to one step.
      t = Math.min(t, timeSteps(step, steps));
      const perStepNs = Math.max(t / steps, 1);
      return { stepsPerSample: Math.max(1, Math.round(targetNs / perStepNs)), perStepNs };
    }
    steps *= 2;
  }
}

/** The uniform (possibly asynchronous) interface of local and remote contenders. */
function normalise(c, targetMs) {
  if (c.step) {
    const around = (fn) => {
      c.setup?.();
      try {
        return fn();
      } finally {
        c.teardown?.();
      }
    };
    return {
      id: c.id, maxReps: c.maxReps,
      calibrate: async () => around(() => calibrate(c.step, targetMs)),
      sample: async (steps) => around(() => timeSteps(c.step, steps)),
    };
  }
  return c;
}

/**
 * Measures contenders on arrays of n elements, interleaved.
 * @param {object[]} contenders local or remote contenders (see the top of this file); a contender's
 *   own maxReps lowers the plan's
 * @param {{n: number, targetMs: number, budgetMs: number, minReps: number, maxReps: number, capMs?: number}} opts
 *   each contender gets clamp(budgetMs / sample length, minReps, maxReps) samples, but no more than
 *   fit in capMs (and at least one)
 * @returns {Promise<Map<string, {nsPerElement: number, minNs: number, maxNs: number, reps: number, stepsPerSample: number}>>}
 */
export async function measureInterleaved(contenders, { n, targetMs, budgetMs, minReps, maxReps, capMs }) {
  const plans = [];
  for (const raw of contenders) {
    const c = normalise(raw, targetMs);
    const { stepsPerSample, perStepNs } = await c.calibrate();
    const sampleMs = (perStepNs * stepsPerSample) / 1e6;
    const hi = Math.min(c.maxReps ?? Infinity, maxReps);
    let reps = Math.min(hi, Math.max(Math.min(minReps, hi), Math.round(budgetMs / Math.max(sampleMs, 1e-3))));
    // A contender whose steps take seconds gets fewer samples than minReps rather than stretching
    // the run by minutes; at least one sample always.
    if (capMs !== undefined) reps = Math.max(1, Math.min(reps, Math.floor(capMs / sampleMs)));
    plans.push({ c, stepsPerSample, reps, samples: [] });
  }
  const rounds = Math.max(...plans.map((p) => p.reps));
  for (let r = 0; r < rounds; r++) {
    collectGarbage();
    // Rotate the order so that no contender always runs right after the same neighbour.
    for (let k = 0; k < plans.length; k++) {
      const plan = plans[(k + r) % plans.length];
      if (plan.samples.length >= plan.reps) continue;
      plan.samples.push((await plan.c.sample(plan.stepsPerSample)) / (plan.stepsPerSample * n));
    }
  }
  return new Map(plans.map((p) => [p.c.id, {
    nsPerElement: median(p.samples),
    minNs: Math.min(...p.samples),
    maxNs: Math.max(...p.samples),
    reps: p.samples.length,
    stepsPerSample: p.stepsPerSample,
  }]));
}
