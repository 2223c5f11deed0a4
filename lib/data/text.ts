/**
 * A hashed bag-of-words featuriser: text → tokens → columns by feature hashing → a CSR matrix that
 * `fit()` and the linear objectives take directly. No vocabulary is built or stored, so the same
 * options map the same text to the same row on any machine, in any batch, in any order.
 *
 * Hashing: a token's column is `murmurHash3(utf8(token), seed) mod nFeatures` (MurmurHash3 x86
 * 32-bit, Austin Appleby's public-domain design; or FNV-1a 32-bit with `hash: 'fnv1a'`). Distinct
 * tokens that land in one column add up (no alternating sign). With the default 2^18 columns and
 * 10^5 distinct tokens, 1 − e^(−10^5/2^18) ≈ 32% of the tokens share their column with another,
 * usually a rare and unrelated one, which a regularised linear model shrugs off.
 *
 * ```ts
 * const X = hashedBagOfWords(['Cheap meds now', 'Meeting at noon'], { weighting: 'log', ngrams: 2 });
 * // X.cols === 262144; each row sorted by column, L2 norm 1
 * ```
 * @packageDocumentation
 */
import type { CsrMatrix } from './matrix';

/** Options of {@link tokenize}. */
export interface TokenizeOptions {
  /** Lower-case the text first (locale-independent). Default true. */
  lowercase?: boolean;
  /** Drop tokens shorter than this many UTF-16 code units. Default 2. */
  minLength?: number;
  /** Drop tokens longer than this (base64 blobs, long hex ids). Default 40. */
  maxLength?: number;
}

/** How a column's count c becomes its value: 1, c, or ln(1 + c). */
export type TermWeighting = 'binary' | 'tf' | 'log';

/** The 32-bit string hash that places tokens. */
export type TokenHash = 'murmur3' | 'fnv1a';

/** Options of {@link hashedBagOfWords}. */
export interface HashingOptions extends TokenizeOptions {
  /** Number of columns (integer in [1, 2^31)); a power of two maps hashes evenly. Default 2^18. */
  nFeatures?: number;
  /** Default 'murmur3'. */
  hash?: TokenHash;
  /** Seed of MurmurHash3 (ignored by FNV-1a). Default 0. */
  seed?: number;
  /** Value of a column from its count. Default 'tf'. */
  weighting?: TermWeighting;
  /** Scale every non-empty row to unit L2 norm. Default true. */
  normalize?: boolean;
  /** Also hash word n-grams up to this n (joined by one space, which no token contains). Default 1. */
  ngrams?: number;
  /** Replaces the built-in {@link tokenize} (then the TokenizeOptions are not used). */
  tokenizer?: (text: string) => string[];
}

/** The default number of columns, 2^18 (as scikit-learn's HashingVectorizer uses 2^20, Vowpal Wabbit 2^18). */
export const DEFAULT_FEATURES = 2 ** 18;

// Runs of letters, marks and digits in any script; apostrophes and underscores split words.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

function positiveInteger(where: string, name: string, value: unknown, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`${where}: ${name} must be an integer in [1, ${max}], got ${value}`);
  return value;
}

/**
 * Splits text into words: maximal runs of Unicode letters, marks and digits, lower-cased by
 * default, keeping those of `minLength`..`maxLength` code units.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  if (typeof text !== 'string') throw new TypeError(`tokenize: text must be a string, got ${typeof text}`);
  const { lowercase = true, minLength = 2, maxLength = 40 } = options;
  if (typeof lowercase !== 'boolean') throw new TypeError('tokenize: lowercase must be a boolean');
  positiveInteger('tokenize', 'minLength', minLength, 2 ** 30);
  positiveInteger('tokenize', 'maxLength', maxLength, 2 ** 30);
  const source = lowercase ? text.toLowerCase() : text;
  const out: string[] = [];
  for (const t of source.match(WORD) ?? []) if (t.length >= minLength && t.length <= maxLength) out.push(t);
  return out;
}

/**
 * MurmurHash3 x86 32-bit of `bytes[0 .. length)` (length defaults to all of it): 4-byte little-endian
 * blocks mixed with c1 = 0xcc9e2d51, c2 = 0x1b873593, rotations 15 and 13, then the tail and the
 * fmix32 finaliser. Returns an unsigned 32-bit integer; equals the reference C implementation.
 */
export function murmurHash3Bytes(bytes: Uint8Array, seed = 0, length = bytes.length): number {
  checkByteLength(bytes, length);
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    for (let i = tail - 1; i >= 0; i--) k = (k << 8) | bytes[blocks + i]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a 32-bit of `bytes[0 .. length)`: offset basis 0x811c9dc5, prime 16777619. Unsigned. */
export function fnv1aBytes(bytes: Uint8Array, length = bytes.length): number {
  checkByteLength(bytes, length);
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  return h >>> 0;
}

/** Hashes strings by their UTF-8 bytes, reusing one scratch buffer. */
class StringHasher {
  private readonly encoder = new TextEncoder();
  private scratch = new Uint8Array(256);

  constructor(private readonly hash: TokenHash, private readonly seed: number) {}

  of(text: string): number {
    if (text.length * 3 > this.scratch.length) this.scratch = new Uint8Array(text.length * 3); // UTF-8 needs ≤ 3 bytes per UTF-16 unit
    const { written } = this.encoder.encodeInto(text, this.scratch);
    return this.hash === 'murmur3' ? murmurHash3Bytes(this.scratch, this.seed, written) : fnv1aBytes(this.scratch, written);
  }
}

/** MurmurHash3 x86 32-bit of a string's UTF-8 bytes (unsigned). */
export function murmurHash3(text: string, seed = 0): number {
  return new StringHasher('murmur3', seed).of(text);
}

/** FNV-1a 32-bit of a string's UTF-8 bytes (unsigned). */
export function fnv1a(text: string): number {
  return new StringHasher('fnv1a', 0).of(text);
}

interface Resolved {
  nFeatures: number;
  weighting: TermWeighting;
  normalize: boolean;
  ngrams: number;
  hasher: StringHasher;
  tokenizer: (text: string) => string[];
}

const WEIGHTINGS: readonly TermWeighting[] = ['binary', 'tf', 'log'];
const HASHES: readonly TokenHash[] = ['murmur3', 'fnv1a'];

function resolve(options: HashingOptions): Resolved {
  const where = 'hashedBagOfWords';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  const { nFeatures = DEFAULT_FEATURES, hash = 'murmur3', seed = 0, weighting = 'tf', normalize = true, ngrams = 1, tokenizer } = options;
  positiveInteger(where, 'nFeatures', nFeatures, 2 ** 31 - 1);
  positiveInteger(where, 'ngrams', ngrams, 16);
  if (!HASHES.includes(hash)) throw new RangeError(`${where}: hash must be one of ${HASHES.join(', ')}, got ${String(hash)}`);
  if (!WEIGHTINGS.includes(weighting)) throw new RangeError(`${where}: weighting must be one of ${WEIGHTINGS.join(', ')}, got ${String(weighting)}`);
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    throw new RangeError(`${where}: seed must be an integer in [0, 2^32), got ${String(seed)}`);
  if (typeof normalize !== 'boolean') throw new TypeError(`${where}: normalize must be a boolean`);
  if (tokenizer !== undefined && typeof tokenizer !== 'function') throw new TypeError(`${where}: tokenizer must be a function`);
  const tokenizeOptions: TokenizeOptions = { lowercase: options.lowercase, minLength: options.minLength, maxLength: options.maxLength };
  tokenize('', tokenizeOptions); // validates the options once, not per text
  return {
    nFeatures, weighting, normalize, ngrams, hasher: new StringHasher(hash, seed),
    tokenizer: tokenizer ?? ((text) => tokenize(text, tokenizeOptions)),
  };
}

/** Columns of tokens seen earlier in the call: word frequencies are skewed, so most lookups hit. */
const CACHE_LIMIT = 1 << 20;

/**
 * The columns one text hits, unsorted, with repeats: one per token and per n-gram (n ≤ ngrams).
 * A column is the unsigned hash modulo nFeatures.
 */
function textColumns(text: string, r: Resolved, cache: Map<string, number>): number[] {
  const tokens = r.tokenizer(text);
  const cols: number[] = [];
  for (let n = 1; n <= r.ngrams; n++)
    for (let i = 0; i + n <= tokens.length; i++) {
      const gram = n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(' ');
      let col = cache.get(gram);
      if (col === undefined) {
        col = r.hasher.of(gram) % r.nFeatures;
        if (cache.size < CACHE_LIMIT) cache.set(gram, col);
      }
      cols.push(col);
    }
  return cols;
}

function weight(count: number, weighting: TermWeighting): number {
  return weighting === 'binary' ? 1 : weighting === 'tf' ? count : Math.log1p(count);
}

/**
 * Featurises texts into a CSR matrix with `nFeatures` columns, one row per text: each row's columns
 * strictly ascending, each value the weighted count of the tokens (and n-grams) hashed there,
 * rows scaled to unit L2 norm when `normalize` is on (an empty text gives an empty row).
 * Deterministic: the same texts and options always give the same bytes.
 */
export function hashedBagOfWords(texts: readonly string[], options: HashingOptions = {}): CsrMatrix {
  if (!Array.isArray(texts)) throw new TypeError('hashedBagOfWords: texts must be an array of strings');
  const r = resolve(options);
  const indptr = new Int32Array(texts.length + 1);
  const rows: { cols: Int32Array; values: Float32Array }[] = [];
  const cache = new Map<string, number>();
  let nnz = 0;
  texts.forEach((text, i) => {
    if (typeof text !== 'string') throw new TypeError(`hashedBagOfWords: texts[${i}] must be a string, got ${typeof text}`);
    const row = countRow(Int32Array.from(textColumns(text, r, cache)).sort(), r);
    rows.push(row);
    nnz += row.cols.length;
    if (nnz > 2 ** 31 - 1) throw new RangeError('hashedBagOfWords: more than 2^31 - 1 non-zeros do not fit an Int32Array indptr');
    indptr[i + 1] = nnz;
  });
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  rows.forEach((row, i) => {
    indices.set(row.cols, indptr[i]!);
    values.set(row.values, indptr[i]!);
  });
  return { indptr, indices, values, cols: r.nFeatures };
}

/** Merges a sorted column list into distinct columns with weighted (and optionally normalised) values. */
function countRow(sorted: Int32Array, r: Resolved): { cols: Int32Array; values: Float32Array } {
  const cols: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]!++;
    else {
      cols.push(sorted[i]!);
      counts.push(1);
    }
  }
  const values = counts.map((c) => weight(c, r.weighting));
  if (r.normalize) {
    let sq = 0;
    for (const v of values) sq += v * v;
    const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let i = 0; i < values.length; i++) values[i]! *= scale;
  }
  return { cols: Int32Array.from(cols), values: Float32Array.from(values) };
}

/** `length` must be an integer count of bytes that `bytes` holds. */
function checkByteLength(bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (!Number.isInteger(length) || length < 0 || length > bytes.length)
    throw new RangeError(`length must be an integer in [0, ${bytes.length}], got ${String(length)}`);
}
