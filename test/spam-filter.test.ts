// Runs examples/spam-filter.mjs --quick as a user would, against the built package in dist/ and the
// SpamAssassin corpus in node_modules, and checks the filter it trains; plus the e-mail reading the
// example does before featurising (examples/lib/spam/email.mjs).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the example, without type declarations
import { emailText, parseEmail } from '../examples/lib/spam/email.mjs';

const root = path.resolve(__dirname, '..');
const script = path.join(root, 'examples', 'spam-filter.mjs');
const builtEntry = path.join(root, 'dist', 'esm', 'index.mjs');

interface GridPoint { lr: number; valLoss: number | null; valAccuracy: number | null }
interface SpamRun {
  optimizer: string;
  lr: number;
  epochs: number;
  trainSeconds: number;
  trainLoss: number;
  testLoss: number;
  batchLoss: number[];
  test: { accuracy: number; precision: number; recall: number };
  tuning: { lr: number; grid: GridPoint[] };
}
interface SpamResults {
  quick: boolean;
  epochs: number;
  features: { nFeatures: number; nonZeros: number };
  split: { train: Record<string, number>; test: Record<string, number> };
  best: { optimizer: string; lr: number; testAccuracy: number };
  results: SpamRun[];
}

const parse: (raw: string) => { subject: string; body: string } = parseEmail;
const textOf: (raw: string) => string = emailText;

describe('examples/spam-filter.mjs --quick', () => {
  let outDir = '';
  let run: SpawnSyncReturns<string>;
  let results: SpamResults;

  beforeAll(() => {
    if (!fs.existsSync(builtEntry) || !fs.existsSync(path.join(root, 'dist', 'cjs', 'data', 'text.js')))
      throw new Error('dist/ lacks the package or its text featuriser: run `npm run build` before the tests.');
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'descent-spam-'));
    // Generous: --quick needs ~6 s of CPU, but a busy machine stretches the wall clock.
    run = spawnSync(process.execPath, [script, '--quick', '--svmlight', '--out', outDir], { cwd: root, encoding: 'utf8', timeout: 170_000 });
    const jsonFile = path.join(outDir, 'spam-filter.json');
    if (run.status !== 0 || !fs.existsSync(jsonFile))
      throw new Error(`spam-filter exited with ${run.status}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    results = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as SpamResults;
  }, 180_000);

  afterAll(() => {
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('reaches a test accuracy of at least 0.97 with its best optimizer', () => {
    expect(results.best.testAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(Math.max(...results.results.map((r) => r.test.accuracy))).toBe(results.best.testAccuracy);
  });

  it('prints the best test accuracy it wrote to the JSON', () => {
    const printed = /best: (\w+) \(lr ([\d.e+-]+)\), test accuracy (\d\.\d{4})/.exec(run.stdout);
    expect(printed).not.toBeNull();
    expect(printed![1]).toBe(results.best.optimizer);
    expect(Number(printed![3])).toBeCloseTo(results.best.testAccuracy, 4);
  });

  it('prints one table row per optimizer of the quick run, SGD and Adam', () => {
    expect(results.results.map((r) => r.optimizer)).toEqual(['SGD', 'Adam']);
    const header = run.stdout.split('\n').find((l) => l.startsWith('optimizer'));
    expect(header).toMatch(/lr\s+epochs\s+train s\s+train loss\s+test loss\s+test acc\s+spam prec\s+spam recall/);
    for (const r of results.results) expect(run.stdout).toMatch(new RegExp(`^${r.optimizer}\\s+${r.lr}\\s+${r.epochs}\\s`, 'm'));
  });

  it('picks each learning rate as the lowest validation loss of a three-point grid', () => {
    for (const r of results.results) {
      expect(r.tuning.grid).toHaveLength(3);
      const scored = r.tuning.grid.filter((g) => g.valLoss !== null);
      const lowest = Math.min(...scored.map((g) => g.valLoss!));
      expect(r.lr).toBe(scored.find((g) => g.valLoss === lowest)!.lr);
    }
  });

  it('trains every optimizer for the same number of epochs and reports its losses and metrics', () => {
    for (const r of results.results) {
      expect(r.epochs).toBe(results.epochs);
      expect(r.batchLoss).toHaveLength(results.epochs);
      expect(r.trainSeconds).toBeGreaterThan(0);
      for (const v of [r.trainLoss, r.testLoss]) expect(Number.isFinite(v) && v > 0).toBe(true);
      for (const v of [r.test.accuracy, r.test.precision, r.test.recall]) expect(v).toBeGreaterThan(0.5);
    }
  });

  it('splits every corpus group about 80/20 between training and test', () => {
    const sizes = { 'easy-ham-1': 2500, 'easy-ham-2': 1400, 'hard-ham-1': 250, 'spam-1': 500, 'spam-2': 1396 };
    for (const [group, size] of Object.entries(sizes)) {
      expect(results.split.train[group]! + results.split.test[group]!).toBe(size);
      expect(results.split.test[group]).toBe(Math.round(0.2 * size));
    }
  });

  it('shows its progress on stderr', () => {
    expect(run.stderr).toMatch(/hashing 6046 mails/);
    expect(run.stderr).toMatch(/Adam \(2\/2\): lr search 1\/3/);
  });

  it('writes the hashed features as svmlight with 1-based columns', () => {
    const lines = fs.readFileSync(path.join(outDir, 'spam-test.svmlight'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(results.split.test['easy-ham-1']! + results.split.test['easy-ham-2']!
      + results.split.test['hard-ham-1']! + results.split.test['spam-1']! + results.split.test['spam-2']!);
    expect(lines[0]).toMatch(/^[+-]1( \d+:[\d.e-]+)+$/);
  });
});

describe('reading an e-mail for the filter', () => {
  it('keeps the Subject and the body and drops every other header', () => {
    const raw = 'From: seller@example.com\nTo: you@example.org\nSubject: Cheap meds\nX-Mailer: bulk\n\nOrder now.\n';
    expect(parse(raw)).toEqual({ subject: 'Cheap meds', body: 'Order now.\n' });
    expect(textOf(raw)).toBe('Cheap meds\nOrder now.\n');
  });

  it('joins a folded Subject header', () => {
    expect(parse('Subject: Limited\n  offer\n\nbody').subject).toBe('Limited offer');
  });

  it('decodes RFC 2047 encoded words in the Subject', () => {
    expect(parse('Subject: =?utf-8?B?w7xiZXI=?= =?iso-8859-1?Q?caf=E9_now?=\n\nx').subject).toBe('übercafé now');
  });

  it('decodes quoted-printable and base64 bodies in their charset', () => {
    const qp = 'Subject: a\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 au =\nlait\n';
    expect(parse(qp).body).toBe('Café au lait\n');
    const b64 = `Subject: b\nContent-Transfer-Encoding: base64\nContent-Type: text/plain; charset=utf-8\n\n${Buffer.from('Grüße').toString('base64')}\n`;
    expect(parse(b64).body).toBe('Grüße');
  });

  it('reads the plain-text part of multipart/alternative and skips attachments that are not text', () => {
    const raw = [
      'Subject: m', 'Content-Type: multipart/mixed; boundary="outer"', '',
      'preamble', '--outer',
      'Content-Type: multipart/alternative; boundary="outer-inner"', '',
      '--outer-inner', 'Content-Type: text/plain', '', 'plain words',
      '--outer-inner', 'Content-Type: text/html', '', '<p>html words</p>',
      '--outer-inner--',
      '--outer', 'Content-Type: image/gif', 'Content-Transfer-Encoding: base64', '', 'R0lGODlhAQABAAAAACw=',
      '--outer--', 'epilogue',
    ].join('\n');
    const body = parse(raw).body;
    expect(body).toContain('plain words');
    expect(body).not.toMatch(/html words|R0lGOD|preamble|epilogue/);
  });

  it('reduces HTML to its text and link targets', () => {
    const raw = 'Subject: h\nContent-Type: text/html\n\n<style>p{color:red}</style><p>Buy&nbsp;<a href="http://pills.example/buy">now</a> &amp; save&#33;</p>';
    const words = parse(raw).body.replace(/\s+/g, ' ').trim();
    expect(words).toBe('Buy http://pills.example/buy now & save!');
  });
});
