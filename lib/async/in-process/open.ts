/**
 * The module an in-process {@link TransportEndpoint} names: worker threads import it and call
 * `openTransport(endpoint.config)`.
 * @packageDocumentation
 */
import type { ParameterTransport } from '../transport';
import { type InProcessConfig, InProcessTransport } from './transport';

/** Opens an endpoint of the in-process server described by `config` (from {@link InProcessServer.endpoint}). */
export function openTransport(config: InProcessConfig): Promise<ParameterTransport> {
  return Promise.resolve(new InProcessTransport(config));
}
