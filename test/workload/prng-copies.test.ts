/**
 * The xoshiro128** step is written out in the generator's hot loops (a call would box its
 * result or send the state through memory). These tests keep every copy the one definition:
 * each marked block in src/workload/ is the text of prng.ts's block, no unmarked copy exists,
 * and every fill path (one region with and without a store draw, the uniform/Zipf mix, the
 * general mixed path, pgbench) draws exactly the stream nextU32 draws, entry by entry, and
 * leaves the CPU's state where nextU32 would (a changed rotation in any copy fails here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { BATCH_LEN } from '../../src/memory/layout.js';
import type { SimState } from '../../src/memory/state.js';
import { makeBatchFiller } from '../../src/workload/generate.js';
import { TXN_ACCESSES } from '../../src/workload/pgbench.js';
import {
  PATTERN_HOTSET,
  PATTERN_NORMAL,
  PATTERN_UNIFORM,
  PATTERN_ZIPFIAN,
  REGION_WORDS,
  R_FIRST_PAGE,
  R_P0,
  R_P1,
  R_P2,
  R_PAGES,
  R_PATTERN,
  R_SYSCALL,
  R_WEIGHT_CUT,
  R_WRITE_CUT,
} from '../../src/workload/plan.js';
import { PRNG_WORDS, TWO_32, nextU32 } from '../../src/workload/prng.js';
import { ZP_SHIFT, ZP_TABLE_AT } from '../../src/workload/zipf.js';
import { ZX_HEAD, aliasFirst, aliasRecord, aliasSlow, zipfExcessRank } from '../../src/workload/zipf.js';
import { normalOffsetFromTable } from '../../src/workload/normal.js';

const OPEN = '// xoshiro128** step {';
const CLOSE = '// } xoshiro128** step';

/** Every marked step block of a source file, each line trimmed. */
function blocks(file: string): string[] {
  const text = readFileSync(new URL(`../../src/workload/${file}`, import.meta.url), 'utf8');
  const out: string[] = [];
  let from = text.indexOf(OPEN);
  while (from >= 0) {
    const to = text.indexOf(CLOSE, from);
    expect(to).toBeGreaterThan(from);
    out.push(
      text
        .slice(from + OPEN.length, to)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .join('\n'),
    );
    from = text.indexOf(OPEN, to);
  }
  return out;
}

describe('xoshiro128** step copies', () => {
  it('every marked block in generate.ts is prng.ts text, and no copy is unmarked', () => {
    const [definition, ...others] = blocks('prng.ts');
    expect(others).toEqual([]);
    expect(definition).toContain('x = Math.imul((x << 7) | (x >>> 25), 9);');
    expect(definition).toContain('d = (d << 11) | (d >>> 21);');
    const copies = blocks('generate.ts');
    // next(), pgbench, one region (offset, Zipf block, store), the uniform/Zipf mix (outcome,
    // block), resolveExcess (rank and acceptance of an excess try).
    expect(copies).toHaveLength(9);
    for (const copy of copies) expect(copy).toBe(definition);
    // The output line appears only inside blocks (an unmarked copy would add one).
    const text = readFileSync(new URL('../../src/workload/generate.ts', import.meta.url), 'utf8');
    expect(text.split('Math.imul((x << 7)').length - 1).toBe(copies.length);
  });
});

function sim(regions: string, extraTask = ''): SimState {
  const yaml = `
topology:
  nodes: [{ id: 0, cpus: 1, memory: 256MiB }]
run: { duration: 5ms, epoch: 1ms, seed: 7 }
workload:
  tasks:
    - name: t
      cpus: [0]
${extraTask}${regions}`;
  return createSimulation(parseConfigText(yaml, '/virtual/prng.yaml').config).s;
}

/**
 * The batch the general method gives for uniform, Zipfian, hotset and normal regions, drawn with
 * nextU32 on a copy of CPU 0's state: per entry the region draw (several regions), the
 * pattern's draws (two for a Zipfian region: outcome, then rank within a flat outcome's block),
 * then a store draw when 0 < write_fraction < 1; after the batch, in entry order, the ranks of
 * the entries whose Zipf draw was an excess outcome. A task of only uniform and Zipfian regions
 * (two or more) draws from its mix table instead: outcome (region, store, block), then the page
 * within a flat block, the excess outcomes' pages after the batch. Returns [batch, state after].
 */
function reference(s: SimState): [number[], number[]] {
  const state = Uint32Array.from(s.prng.subarray(0, PRNG_WORDS));
  const draw = (): number => nextU32(state, 0);
  const t = s.plan.regionTable;
  const zt = s.plan.zipfTables;
  const task = s.plan.tasks[0];
  const first = task.firstRegion;
  const last = first + task.regions.length - 1;
  const out: number[] = [];
  const excess: [number, number][] = [];
  if (task.mixTable >= 0) {
    for (let i = 0; i < BATCH_LEN; i++) {
      const rec = aliasRecord(draw(), zt, task.mixTable, task.mixShift);
      out.push(aliasFirst(rec, draw(), zt, 4));
      const sl = aliasSlow(rec, zt, task.mixTable);
      if (sl >= 0) excess.push([i, sl]);
    }
    for (const [i, sl] of excess) out[i] += zt[sl + ZX_HEAD] + 4 * zipfExcessRank(draw, zt, sl);
    return [out, Array.from(state)];
  }
  for (let i = 0; i < BATCH_LEN; i++) {
    let r = first;
    if (last > first) {
      const u = draw();
      while (r < last && u >= t[r * REGION_WORDS + R_WEIGHT_CUT]) r++;
    }
    const rb = r * REGION_WORDS;
    const pages = t[rb + R_PAGES];
    let offset: number;
    const pattern = t[rb + R_PATTERN];
    if (pattern === PATTERN_UNIFORM) offset = Math.floor((draw() / TWO_32) * pages);
    else if (pattern === PATTERN_ZIPFIAN) {
      const at = t[rb + R_P0 + ZP_TABLE_AT];
      const rec = aliasRecord(draw(), zt, at, t[rb + R_P0 + ZP_SHIFT]);
      offset = aliasFirst(rec, draw(), zt, 1);
      const sl = aliasSlow(rec, zt, at);
      if (sl >= 0) excess.push([i, sl]);
    } else if (pattern === PATTERN_NORMAL) offset = normalOffsetFromTable(draw(), pages, zt, t[rb + R_P0]);
    else {
      expect(pattern).toBe(PATTERN_HOTSET);
      const hot = t[rb + R_P0];
      const inHot = draw() < t[rb + R_P1] || hot >= pages;
      const u = draw() / TWO_32;
      offset = inHot ? Math.floor(u * hot) : hot + Math.floor(u * (pages - hot));
      offset = (offset + t[rb + R_P2]) % pages;
    }
    offset = Math.min(offset, pages - 1);
    const cut = t[rb + R_WRITE_CUT];
    const store = cut === 0 ? 0 : cut >= TWO_32 ? 1 : draw() < cut ? 1 : 0;
    out.push((t[rb + R_FIRST_PAGE] + offset) * 4 + t[rb + R_SYSCALL] * 2 + store);
  }
  for (const [i, sl] of excess) out[i] += 4 * zipfExcessRank(draw, zt, sl);
  return [out, Array.from(state)];
}

function filled(s: SimState): [number[], number[]] {
  const n = makeBatchFiller(s)(0);
  expect(n).toBe(BATCH_LEN);
  return [Array.from(s.batch.subarray(0, n)), Array.from(s.prng.subarray(0, PRNG_WORDS))];
}

const CASES: [string, string][] = [
  ['one uniform region, no store draw', `{ kind: anon, size: 4MiB, pattern: { type: uniform } }`],
  [
    'one uniform region with a store draw',
    `{ kind: anon, size: 4MiB, pattern: { type: uniform }, write_fraction: 0.3 }`,
  ],
  [
    'one Zipfian region with a store draw',
    `{ kind: anon, size: 8MiB, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.5 }`,
  ],
  [
    'a uniform/Zipf mix (fillRandomMix)',
    `{ kind: anon, size: 8MiB, weight: 3, pattern: { type: zipfian, theta: 0.9 }, write_fraction: 0.3 }
        - { kind: anon, size: 2MiB, weight: 1, pattern: { type: uniform }, write_fraction: 1 }
        - { kind: anon, size: 1MiB, weight: 2, pattern: { type: zipfian, theta: 0.5 } }`,
  ],
  [
    'a mix with a hotset region (the general path)',
    `{ kind: anon, size: 8MiB, weight: 1, pattern: { type: hotset, fraction: 0.2, offset: 0.5 }, write_fraction: 0.2 }
        - { kind: anon, size: 2MiB, weight: 1, pattern: { type: zipfian, theta: 0.99 }, write_fraction: 0.7 }`,
  ],
  [
    'one normal region (the general path), after a Zipfian one in the table',
    `{ kind: anon, size: 1MiB, weight: 1, pattern: { type: zipfian, theta: 0.9 } }
        - { kind: anon, size: 8MiB, weight: 3, pattern: { type: normal, stdev: 0.1 }, write_fraction: 0.2 }`,
  ],
];

describe('every fill path draws the nextU32 stream', () => {
  for (const [name, regions] of CASES) {
    it(name, () => {
      const s = sim(`      regions:\n        - ${regions}\n`);
      const [want, wantState] = reference(s);
      const [got, gotState] = filled(s);
      expect(got).toEqual(want);
      expect(gotState).toEqual(wantState);
    });
  }

  it('pgbench: three draws per transaction, state as nextU32 leaves it', () => {
    const s = sim('', '      pgbench: { scale: 4, shared_buffers: 4MiB, wal_size: 1MiB }\n');
    const state = Uint32Array.from(s.prng.subarray(0, PRNG_WORDS));
    const txns = Math.floor(BATCH_LEN / TXN_ACCESSES);
    const accounts: number[] = [];
    for (let k = 0; k < txns; k++) {
      accounts.push(nextU32(state, 0));
      nextU32(state, 0);
      nextU32(state, 0);
    }
    const n = makeBatchFiller(s)(0);
    expect(n).toBe(txns * TXN_ACCESSES);
    expect(Array.from(s.prng.subarray(0, PRNG_WORDS))).toEqual(Array.from(state));
    // The first draw of each transaction picks the account: pgbench's test checks the layout.
    expect(new Set(accounts).size).toBe(txns);
  });
});
