// Speed of threads that actually ran at the same time, from hogwild()'s per-chunk trace (option
// `trace`): on a machine shared with other work whole epochs are rarely undisturbed, but short
// chunks (~1000 examples, about a millisecond) often are. A chunk is clean when its thread got at
// least CLEAN of its wall time as CPU time; it ran *together* when every other thread has clean
// chunks covering its whole interval. Rates over such chunks are what the threads do when each has
// a core and all of them contend for the shared memory, i.e. what a quiet machine would show.

const CLEAN = 0.95;

/** Clean chunks of each thread, sorted by start. */
function cleanByThread(chunks, threads) {
  const by = Array.from({ length: threads }, () => []);
  for (const c of chunks) by[c.thread].push({ start: c.start, end: c.end, examples: c.examples, clean: c.cpu >= CLEAN * (c.end - c.start) });
  for (const list of by) list.sort((a, b) => a.start - b.start);
  return by;
}

/** Index of the first chunk of `list` (sorted, back to back) that ends at or after `time`. */
function firstEndingAfter(list, time) {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].end < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether clean chunks of `list` cover [start, end] without a gap longer than `slack` seconds. */
function covered(list, start, end, slack) {
  let reached = start;
  for (let k = firstEndingAfter(list, start); k < list.length; k++) {
    const c = list[k];
    if (c.start > reached + slack) return false;
    if (!c.clean) return false;
    reached = Math.max(reached, c.end);
    if (reached >= end) return true;
  }
  return false;
}

/**
 * @param {Array<{ chunks: Array<{ thread: number, start: number, end: number, cpu: number, examples: number }> | null }>} history
 * @param {number} threads
 * @returns {{ rate: number | null, perThread: number[], chunks: number, used: number }}
 *   rate: examples per second of all threads together (sum over threads of examples ÷ seconds in
 *   their together chunks; 1 thread: over its clean chunks); used / chunks: how many qualified
 */
export function concurrentRate(history, threads) {
  const examples = new Array(threads).fill(0), seconds = new Array(threads).fill(0);
  let total = 0, used = 0;
  for (const epoch of history) {
    if (!epoch.chunks) continue;
    const by = cleanByThread(epoch.chunks, threads);
    for (let t = 0; t < threads; t++) {
      for (const c of by[t]) {
        total++;
        if (!c.clean) continue;
        const together = by.every((other, u) => u === t || covered(other, c.start, c.end, 1e-4));
        if (!together) continue;
        used++;
        examples[t] += c.examples;
        seconds[t] += c.end - c.start;
      }
    }
  }
  const perThread = examples.map((e, t) => (seconds[t] > 0 ? e / seconds[t] : null));
  const rate = perThread.every((r) => r !== null) ? perThread.reduce((a, b) => a + b, 0) : null;
  return { rate, perThread, chunks: total, used };
}
