/**
 * A JSON form of optimizer state dicts: Float32Arrays become base64 strings of their bytes
 * (little-endian), so the round trip is bit-exact and the result survives `JSON.stringify`.
 * @packageDocumentation
 */
import type { OptimizerStateDict } from './optimizers/types';
import { describe } from './optimizers/validate';

/** {@link OptimizerStateDict} with every Float32Array replaced by `{ f32: base64 }`. */
export interface JSONStateDict extends Omit<OptimizerStateDict, 'state'> {
  state: Array<Record<string, { f32: string }>>;
}

function toBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64(where: string, s: unknown): Float32Array {
  if (typeof s !== 'string') throw new TypeError(`${where} must be a base64 string, got ${describe(s)}`);
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % 4 !== 0) throw new RangeError(`${where} decodes to ${bytes.length} bytes, not a whole number of float32s`);
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Converts a state dict to plain JSON-serialisable data (exact: floats are kept as their bytes). */
export function stateDictToJSON(sd: OptimizerStateDict): JSONStateDict {
  if (sd === null || typeof sd !== 'object' || !Array.isArray(sd.state))
    throw new TypeError(`stateDictToJSON: expected a state dict from stateDict(), got ${describe(sd)}`);
  let groups: JSONStateDict['groups'], scalars: JSONStateDict['scalars'];
  try {
    groups = structuredClone(sd.groups);
    scalars = structuredClone(sd.scalars);
  } catch (err) {
    throw new TypeError(`stateDictToJSON: the state dict holds a value that is not plain data (${(err as Error).message})`);
  }
  return {
    ...sd,
    groups,
    scalars,
    state: sd.state.map((st) => Object.fromEntries(Object.entries(st).map(([k, v]) => [k, { f32: toBase64(v) }]))),
  };
}

/** The inverse of {@link stateDictToJSON}; accepts the parsed JSON (or the JSON string). */
export function stateDictFromJSON(json: JSONStateDict | string): OptimizerStateDict {
  const data = (typeof json === 'string' ? JSON.parse(json) : json) as JSONStateDict;
  if (data === null || typeof data !== 'object' || !Array.isArray(data.state))
    throw new TypeError(`stateDictFromJSON: expected the output of stateDictToJSON, got ${describe(data)}`);
  return {
    ...data,
    state: data.state.map((st, i) => Object.fromEntries(Object.entries(st ?? {}).map(([k, v]) =>
      [k, fromBase64(`state[${i}].${k}`, (v as { f32?: unknown })?.f32)]))),
  };
}
