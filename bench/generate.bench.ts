/**
 * Question: what does the access-stream generator (src/workload/generate.ts, makeBatchFiller)
 * cost per entry for each mix of uniform and Zipfian regions, against the same method in C
 * (bench/c/generate.c, gcc -O2)? Target: JS ≤ 1.5× C per entry for every mix.
 *
 * Each case runs in a fresh child process (a fresh V8). The child builds the case's simulation,
 * writes its CPU's PRNG state, region parameters and Zipf tables to a file for the C program,
 * fills 64 batches for a checksum (FNV-1a over the entries), resets the state, warms the filler
 * up (300 batches), then times REPEATS runs of 512 batches (2 M entries) each; the C program does
 * the same from the same state and tables. Equal checksums show both drew the same stream. The
 * table gives the median CPU ns per entry of each (process CPU time, not wall: the machine is
 * shared) and the ratio JS / C.
 *
 * Run: npm run bench -- --only generate      (compiled; the figures in bench/README.md)
 *      npx tsx bench/generate.bench.ts [--cases a,b] [--repeats n]
 *      one case in this process: --case NAME
 *      --second-closure: time a second filler of the same SimState (createBatchFiller) instead of
 *      the one the simulation's access runner uses (makeBatchFiller: one closure, as in a run)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../src/config/load.js';
import { createSimulation } from '../src/engine/simulation.js';
import { BATCH_LEN } from '../src/memory/layout.js';
import { createBatchFiller, makeBatchFiller } from '../src/workload/generate.js';
import { compileC, writeGeneratorParams } from './lib/c-yardstick.js';
import { runBenchChild } from './lib/child.js';
import { argValue, printHeader } from './lib/env.js';
import { emitResult } from './lib/report.js';

const ZIPF = '{ type: zipfian, theta: 0.99 }';
/** Region lists (YAML flow items) of each case. */
const CASES: Record<string, string[]> = {
  uniform: [`{ kind: anon, size: 4GiB, pattern: { type: uniform } }`],
  zipf: [`{ kind: anon, size: 4GiB, pattern: ${ZIPF} }`],
  'qs-anon': [
    `{ kind: anon, size: 160MiB, weight: 3, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.3 }`,
  ],
  'qs-file': [`{ kind: file, file: db, access: mmap, weight: 1, pattern: { type: zipfian, theta: 0.9 } }`],
  'zipf-store': [`{ kind: anon, size: 4GiB, pattern: ${ZIPF}, write_fraction: 0.3 }`],
  // The quickstart's app task: anon Zipf with stores, beside an mmap'd file, Zipf.
  'quickstart-app': [
    `{ kind: anon, size: 160MiB, weight: 3, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.3 }`,
    `{ kind: file, file: db, access: mmap, weight: 1, pattern: { type: zipfian, theta: 0.9 } }`,
  ],
  'zipf-zipf-16M': [
    `{ kind: anon, size: 64GiB, pattern: ${ZIPF} }`,
    `{ kind: anon, size: 64GiB, pattern: { type: zipfian, theta: 0.8 } }`,
  ],
  'zipf-uniform': [
    `{ kind: anon, size: 4GiB, weight: 3, pattern: ${ZIPF}, write_fraction: 0.3 }`,
    `{ kind: anon, size: 4GiB, weight: 1, pattern: { type: uniform }, write_fraction: 1 }`,
  ],
};
const CHECK_BATCHES = 64;
const TIMED_BATCHES = 512;
const repeats = Number(argValue('--repeats') ?? 15);
const secondClosure = process.argv.includes('--second-closure');

function yaml(regions: string[]): string {
  return `
topology:
  nodes: [{ id: 0, cpus: 1, memory: 1GiB }]
run: { duration: 1ms, epoch: 1ms, seed: 1 }
workload:
  files: [{ name: db, size: 768MiB }]
  tasks:
    - name: t
      cpus: [0]
      regions:
${regions.map((r) => `        - ${r}`).join('\n')}
`;
}

interface CaseResult {
  name: string;
  jsNs: number;
  jsMin: number;
  jsMax: number;
  cNs: number | undefined;
  checksumJs: number;
  checksumC: number | undefined;
}

function fnv(h: number, batch: Uint32Array): number {
  for (let i = 0; i < batch.length; i++) h = Math.imul(h ^ batch[i], 16777619) >>> 0;
  return h;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runCase(name: string): void {
  const sim = createSimulation(parseConfigText(yaml(CASES[name]), '/virtual/generate.yaml').config);
  const s = sim.s;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tiersim-gen-'));
  const file = path.join(dir, 'params.bin');
  const start = writeGeneratorParams(s, 0, 0, file);

  // The filler the simulation's access runner uses (one closure, as in a run), or with
  // --second-closure a second one beside it: the shape of a reused sweep thread's later points,
  // where TurboFan no longer embeds the typed arrays as constants.
  const fill = secondClosure ? createBatchFiller(s) : makeBatchFiller(s);
  const batch = s.batch.subarray(0, BATCH_LEN);
  let checksum = 2166136261;
  for (let b = 0; b < CHECK_BATCHES; b++) {
    fill(0);
    checksum = fnv(checksum, batch);
  }
  s.prng.set(start, 0);
  for (let b = 0; b < 300; b++) fill(0);
  const ns: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.cpuUsage();
    for (let b = 0; b < TIMED_BATCHES; b++) fill(0);
    const used = process.cpuUsage(t0);
    ns.push(((used.user + used.system) * 1000) / (TIMED_BATCHES * BATCH_LEN));
  }
  let cNs: number | undefined;
  let checksumC: number | undefined;
  const exe = compileC('generate', dir);
  if (exe !== undefined) {
    const out = spawnSync(exe, [file, String(CHECK_BATCHES), String(TIMED_BATCHES), String(repeats)], {
      encoding: 'utf8',
    });
    const c = JSON.parse(out.stdout) as { checksum: number; nsPerEntry: number };
    cNs = c.nsPerEntry;
    checksumC = c.checksum;
  }
  rmSync(dir, { recursive: true, force: true });
  const result: CaseResult = {
    name,
    jsNs: median(ns),
    jsMin: Math.min(...ns),
    jsMax: Math.max(...ns),
    cNs,
    checksumJs: checksum,
    checksumC,
  };
  console.log(
    `${name}: JS ${result.jsNs.toFixed(2)} ns/entry (${result.jsMin.toFixed(2)}-${result.jsMax.toFixed(2)}), ` +
      `C ${cNs?.toFixed(2) ?? '-'} ns/entry, checksums ${checksum} / ${checksumC ?? '-'}`,
  );
  emitResult(result);
}

const one = argValue('--case');
if (one !== undefined) {
  runCase(one);
} else {
  printHeader('generator: ns per entry, JS vs C (same method, same stream)');
  const names = argValue('--cases')?.split(',') ?? Object.keys(CASES);
  const rows: Record<string, string>[] = [];
  for (const name of names) {
    const childArgs = ['--case', name, '--repeats', String(repeats)];
    if (secondClosure) childArgs.push('--second-closure');
    const [r] = runBenchChild('generate.bench.ts', childArgs).results as CaseResult[];
    rows.push({
      case: name,
      'JS ns/entry': r.jsNs.toFixed(2),
      'C ns/entry': r.cNs?.toFixed(2) ?? '-',
      'JS / C': r.cNs === undefined ? '-' : (r.jsNs / r.cNs).toFixed(2),
      'same stream': r.checksumC === undefined ? '-' : r.checksumJs === r.checksumC ? 'yes' : 'NO',
    });
  }
  console.table(rows);
}
