/**
 * Loading user and transport modules by path or file URL, CommonJS or ES module, from any thread.
 * @internal
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe } from '../optimizers/validate';
import type { AsyncModel } from './model';
import type { ParameterTransport, TransportEndpoint } from './transport';

// TypeScript compiles import() to require() under CommonJS, which cannot load ES modules: keep a
// real dynamic import for those.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** A module path or file URL as an absolute file URL string; RangeError if the file is missing. */
export function moduleUrl(where: string, name: string, spec: unknown): string {
  if (spec instanceof URL) return spec.href;
  if (typeof spec !== 'string') throw new TypeError(`${where}: ${name} must be a module path or a file URL, got ${describe(spec)}`);
  const file = spec.startsWith('file:') ? fileURLToPath(spec) : path.resolve(spec);
  if (!fs.existsSync(file)) throw new RangeError(`${where}: ${name} ${file} does not exist`);
  return pathToFileURL(file).href;
}

/** Loads a module: require() for CommonJS files (works under test runners too), import() otherwise. */
export async function loadModule(url: string): Promise<unknown> {
  const file = fileURLToPath(url);
  if (!file.endsWith('.mjs')) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return require(file) as unknown;
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw err;
    }
  }
  return importModule(url);
}

function exported<T>(mod: unknown, name: string): T | undefined {
  const m = mod as Record<string, unknown> & { default?: Record<string, unknown> };
  const f = m[name] ?? m.default?.[name];
  return typeof f === 'function' ? (f as T) : undefined;
}

/** Calls the module's `createModel(data)` and checks what it returns. */
export async function loadAsyncModel(url: string, data: unknown): Promise<AsyncModel> {
  const create = exported<(data: unknown) => AsyncModel | Promise<AsyncModel>>(await loadModule(url), 'createModel');
  if (!create) throw new TypeError(`the model module ${url} must export createModel(data)`);
  const model = await create(data);
  if (typeof model !== 'object' || model === null) throw new TypeError('createModel(data) must return an object');
  if (!Number.isInteger(model.size) || model.size < 1) throw new RangeError(`model.size must be a positive integer, got ${String(model.size)}`);
  if (!Number.isInteger(model.examples) || model.examples < 1) throw new RangeError(`model.examples must be a positive integer, got ${String(model.examples)}`);
  if (typeof model.gradient !== 'function') throw new TypeError('model.gradient must be a function');
  if (model.loss !== undefined && typeof model.loss !== 'function') throw new TypeError('model.loss must be a function when present');
  return model;
}

/** Opens a transport endpoint: imports its module and calls `openTransport(config)`. */
export async function openEndpoint(endpoint: TransportEndpoint): Promise<ParameterTransport> {
  const open = exported<(config: unknown) => Promise<ParameterTransport>>(await loadModule(moduleUrl('openEndpoint', 'endpoint.module', endpoint.module)), 'openTransport');
  if (!open) throw new TypeError(`the transport module ${endpoint.module} must export openTransport(config)`);
  return open(endpoint.config);
}
