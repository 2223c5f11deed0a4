/**
 * Whether a cyclic schedule also cycles momentum, decided once from its target.
 * @internal
 * @packageDocumentation
 */
import { checkBoolean } from './check';
import type { TargetHandle } from './target';

/**
 * `cycleMomentum` as given, or by default true exactly when the target's groups have a momentum
 * (`momentum`, or `betas[0]` for the Adam family). Asking for it on a target without one is a
 * TypeError, as in PyTorch.
 */
export function resolveCycleMomentum(where: string, handle: TargetHandle, given: unknown): boolean {
  if (given === undefined) return handle.momentum !== null;
  const on = checkBoolean(where, 'cycleMomentum', given);
  if (on && handle.momentum === null)
    throw new TypeError(`${where}: cycleMomentum needs an optimizer whose groups have 'momentum' (SGD, RMSprop) or 'betas' (Adam family); pass cycleMomentum: false`);
  return on;
}
