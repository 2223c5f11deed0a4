/**
 * The server {@link easgd} creates when no transport is given: an in-process parameter server with
 * the `'elastic'` rule (x̃ ← x̃ + d), its shards in SharedArrayBuffers, reachable from worker threads
 * through its endpoint.
 * @internal
 * @packageDocumentation
 */
import { createInProcessServer } from './in-process/server';
import type { TransportEndpoint } from './transport';

/** A server easgd owns for one run. */
export interface EasgdServer {
  readonly endpoint: TransportEndpoint;
  close(): Promise<void>;
}

/**
 * Creates the in-process elastic server holding `size` parameters in `shards` shards, initialised
 * from `initial` (copied; zeros when null).
 */
export async function createEasgdServer(size: number, shards: number, initial: Float32Array | null): Promise<EasgdServer> {
  if (shards > size) throw new RangeError(`easgd: shards (${shards}) must not exceed model.size (${size})`);
  const server = createInProcessServer({ size, shards, rule: 'elastic', ...(initial ? { init: initial } : {}) });
  return { endpoint: server.endpoint(), close: () => server.close() };
}
