// The hashed bag-of-words featuriser: its hashes against published reference values (checked with
// scikit-learn's murmurhash3_32 and the FNV spec's vectors), its tokens, and the CSR rows it builds.
import { describe, expect, it } from 'vitest';
import { checkMatrix, type CsrMatrix } from '../lib/data/matrix';
import { DEFAULT_FEATURES, fnv1a, fnv1aBytes, hashedBagOfWords, murmurHash3, murmurHash3Bytes, tokenize } from '../lib/data/text';
import { evaluate } from '../lib/objectives/linear';
import { Adam } from '../lib/optimizers/adam';
import { fit } from '../lib/train/fit';

/** Row r as [column, value] pairs. */
function row(X: CsrMatrix, r: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) out.push([X.indices[p]!, X.values[p]!]);
  return out;
}

describe('murmurHash3', () => {
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['a', 0, 1009084850],
    ['ab', 0, 2613040991],
    ['abc', 0, 0xb3dd93fa],
    ['abcd', 0, 1139631978],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['Hello, world!', 1234, 0xfaf6cdb3],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ])('hashes %j with seed %d to the reference value %d', (text, seed, expected) => {
    expect(murmurHash3(text, seed)).toBe(expected);
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    expect(murmurHash3('héllo wörld ✓', 42)).toBe(3902165214);
    expect(murmurHash3Bytes(new TextEncoder().encode('héllo wörld ✓'), 42)).toBe(3902165214);
  });

  it('hashes only the first length bytes when a length is given', () => {
    const bytes = new TextEncoder().encode('abcdef');
    expect(murmurHash3Bytes(bytes, 0, 3)).toBe(murmurHash3('abc'));
  });
});

describe('fnv1a', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['ab', 0x4d2505ca],
    ['foobar', 0xbf9cf968],
    ['héllo', 0x4aa48540],
  ])('hashes %j to the reference value %d', (text, expected) => {
    expect(fnv1a(text)).toBe(expected);
    expect(fnv1aBytes(new TextEncoder().encode(text))).toBe(expected);
  });
});

describe('tokenize', () => {
  it('lower-cases and splits on everything but letters and digits', () => {
    expect(tokenize("Hello, World! It's 2002: e-mail me@example.com")).toEqual(
      ['hello', 'world', 'it', '2002', 'mail', 'me', 'example', 'com']);
  });

  it('keeps letters of any script and drops one-character tokens by default', () => {
    expect(tokenize('Grüße an Ärzte в Москве a b')).toEqual(['grüße', 'an', 'ärzte', 'москве']);
  });

  it('honours lowercase, minLength and maxLength', () => {
    expect(tokenize('Ab CDE fghij', { lowercase: false, minLength: 1, maxLength: 3 })).toEqual(['Ab', 'CDE']);
  });

  it('rejects a non-positive minLength', () => {
    expect(() => tokenize('x', { minLength: 0 })).toThrow(RangeError);
  });
});

describe('hashedBagOfWords', () => {
  const col = (token: string, n = DEFAULT_FEATURES): number => murmurHash3(token) % n;

  it('makes one CSR row per text with 2^18 columns by default', () => {
    const X = hashedBagOfWords(['spam spam eggs', 'ham']);
    expect(X.cols).toBe(2 ** 18);
    expect(X.indptr).toEqual(Int32Array.from([0, 2, 3]));
    expect(() => checkMatrix(X)).not.toThrow();
  });

  it('puts each token in the column murmurHash3(token) mod nFeatures, columns ascending', () => {
    const X = hashedBagOfWords(['spam eggs ham'], { normalize: false });
    const expected = ['spam', 'eggs', 'ham'].map((t) => col(t)).sort((a, b) => a - b);
    expect(row(X, 0).map(([c]) => c)).toEqual(expected);
  });

  it('counts repeated tokens with tf weighting', () => {
    const X = hashedBagOfWords(['spam eggs spam spam'], { weighting: 'tf', normalize: false });
    expect(new Map(row(X, 0))).toEqual(new Map([[col('spam'), 3], [col('eggs'), 1]]));
  });

  it('writes 1 for every present token with binary weighting', () => {
    const X = hashedBagOfWords(['spam eggs spam spam'], { weighting: 'binary', normalize: false });
    expect(new Map(row(X, 0))).toEqual(new Map([[col('spam'), 1], [col('eggs'), 1]]));
  });

  it('writes ln(1 + count) with log weighting', () => {
    const X = hashedBagOfWords(['spam eggs spam spam'], { weighting: 'log', normalize: false });
    const values = new Map(row(X, 0));
    expect(values.get(col('spam'))).toBeCloseTo(Math.log(4), 6);
    expect(values.get(col('eggs'))).toBeCloseTo(Math.log(2), 6);
  });

  it('scales every row to unit L2 norm by default', () => {
    const X = hashedBagOfWords(['spam eggs spam spam', 'one two three four five']);
    for (const r of [0, 1]) expect(Math.hypot(...row(X, r).map(([, v]) => v))).toBeCloseTo(1, 6);
    expect(new Map(row(X, 0)).get(col('spam'))).toBeCloseTo(3 / Math.sqrt(10), 6);
  });

  it('gives an empty row for a text without tokens', () => {
    const X = hashedBagOfWords(['', '!!! ?', 'word']);
    expect(Array.from(X.indptr)).toEqual([0, 0, 0, 1]);
  });

  it('adds up the counts of tokens that hash to one column', () => {
    const X = hashedBagOfWords(['alpha beta gamma'], { nFeatures: 1, normalize: false });
    expect(row(X, 0)).toEqual([[0, 3]]);
  });

  it('takes the hash modulo any nFeatures, not only powers of two', () => {
    const X = hashedBagOfWords(['spam'], { nFeatures: 1000, normalize: false });
    expect(row(X, 0)).toEqual([[col('spam', 1000), 1]]);
  });

  it('places tokens by FNV-1a when asked', () => {
    const X = hashedBagOfWords(['spam'], { hash: 'fnv1a', normalize: false });
    expect(row(X, 0)).toEqual([[fnv1a('spam') % DEFAULT_FEATURES, 1]]);
  });

  it('moves tokens to other columns under another murmur seed', () => {
    const a = hashedBagOfWords(['spam eggs ham'], { seed: 0 });
    const b = hashedBagOfWords(['spam eggs ham'], { seed: 7 });
    expect(Array.from(b.indices)).not.toEqual(Array.from(a.indices));
    expect(Array.from(b.indices)).toEqual(['spam', 'eggs', 'ham'].map((t) => murmurHash3(t, 7) % DEFAULT_FEATURES).sort((x, y) => x - y));
  });

  it('hashes word bigrams as the two words joined by a space when ngrams is 2', () => {
    const X = hashedBagOfWords(['free money now'], { ngrams: 2, normalize: false });
    const expected = ['free', 'money', 'now', 'free money', 'money now'].map((t) => col(t)).sort((a, b) => a - b);
    expect(row(X, 0).map(([c]) => c)).toEqual(expected);
  });

  it('uses a custom tokenizer when one is given', () => {
    const X = hashedBagOfWords(['A,B,A'], { tokenizer: (t) => t.split(','), normalize: false });
    expect(new Map(row(X, 0))).toEqual(new Map([[col('A'), 2], [col('B'), 1]]));
  });

  it('is deterministic and featurises each text independently of the others', () => {
    const texts = ['Cheap meds, order now!', 'Lunch at noon?', 'meds meds meds'];
    const all = hashedBagOfWords(texts, { weighting: 'log', ngrams: 2 });
    const again = hashedBagOfWords(texts, { weighting: 'log', ngrams: 2 });
    expect(again).toEqual(all);
    texts.forEach((t, r) => expect(row(hashedBagOfWords([t], { weighting: 'log', ngrams: 2 }), 0)).toEqual(row(all, r)));
  });

  it.each([
    [{ nFeatures: 0 }, RangeError],
    [{ nFeatures: 1.5 }, RangeError],
    [{ ngrams: 0 }, RangeError],
    [{ weighting: 'idf' }, RangeError],
    [{ hash: 'md5' }, RangeError],
    [{ seed: -1 }, RangeError],
    [{ normalize: 'yes' }, TypeError],
  ])('rejects the options %j', (options, error) => {
    expect(() => hashedBagOfWords(['x'], options as never)).toThrow(error);
  });

  it('rejects a text that is not a string', () => {
    expect(() => hashedBagOfWords(['ok', 3 as unknown as string])).toThrow(/texts\[1\]/);
  });

  it('gives features that fit() separates with logistic regression', async () => {
    const spam = ['win free money now', 'free prize claim now', 'cheap meds free shipping', 'claim your free money'];
    const ham = ['meeting moved to noon', 'see the patch attached', 'lunch at noon tomorrow', 'review the patch please'];
    const X = hashedBagOfWords([...spam, ...ham], { nFeatures: 1024 });
    const y = Float32Array.from([...spam.map(() => 1), ...ham.map(() => -1)]);
    const objective = { loss: 'logistic' as const };
    const { params } = await fit({ objective, X, y, optimizer: (p) => new Adam(p, { lr: 0.1 }), batchSize: 4, epochs: 30, seed: 1 });
    const test = hashedBagOfWords(['free money claim', 'patch review at noon'], { nFeatures: 1024 });
    expect(evaluate(objective, test, Float32Array.from([1, -1]), params)).toMatchObject({ accuracy: 1 });
  });
});
