/**
 * The `phases` pattern (a benchmark's program of steps) and the `splitmix_zipfian` sequence of
 * the real-kernel calibration workloads: the streams hand-written out, the end of a program
 * (the CPU idles), a timed step ending by the CPU's clock, and the calibration generator against
 * the indices and FNV-1a fingerprint the real wl_file program printed in the guest.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { C_CLOCK, CPU_WORDS } from '../../src/memory/layout.js';
import { makeBatchFiller } from '../../src/workload/generate.js';
import { splitmixZipfSequence } from '../../src/workload/splitmix-zipf.js';
import { runText } from '../helpers/run.js';
import { MAIN, expectOnly, failure } from '../config/helpers.js';

function config(pattern: string, size = '40KiB', extra = ''): string {
  return `
topology:
  nodes: [{ id: 0, cpus: 1, memory: 64MiB }]
run: { duration: 5ms, epoch: 1ms }
workload:
  tasks:
    - name: t
      cpus: [0]
      regions:
        - kind: anon
          size: ${size}
          pattern: ${pattern}
${extra}`;
}

/** Entries of the CPU's next batch as [page offset in the region, store]. */
function stream(yaml: string) {
  const sim = createSimulation(parseConfigText(yaml, '/virtual/p.yaml').config);
  const first = sim.s.plan.tasks[0].regions[0].firstPage;
  const fill = makeBatchFiller(sim.s);
  return {
    sim,
    next(): [number, number][] {
      const n = fill(0);
      return Array.from(sim.s.batch.subarray(0, n), (v) => [(v >>> 2) - first, v & 1]);
    },
  };
}

describe('phases pattern', () => {
  it('runs fill (stores), a read pass and two passes over a sub-range in page order, then idles', () => {
    const s = stream(
      config(`{ type: phases, steps: [{ store: true }, {}, { start: 3, end: 6, passes: 2 }] }`),
    );
    const ten = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(s.next()).toEqual([
      ...ten.map((p) => [p, 1]),
      ...ten.map((p) => [p, 0]),
      [3, 0],
      [4, 0],
      [5, 0],
      [3, 0],
      [4, 0],
      [5, 0],
    ]);
    expect(s.next()).toEqual([]);
    expect(s.next()).toEqual([]);
  });

  it('loop_from restarts the program at that step', () => {
    const s = stream(config(`{ type: phases, steps: [{ end: 4 }, { start: 8, end: 10 }], loop_from: 1 }`));
    const batch = s.next();
    expect(batch).toHaveLength(4096);
    expect(batch.slice(0, 10).map(([p]) => p)).toEqual([0, 1, 2, 3, 8, 9, 8, 9, 8, 9]);
    expect(batch.slice(4).every(([p], i) => p === 8 + (i % 2))).toBe(true);
  });

  it('a timed step repeats whole passes until its duration has passed on the CPU clock', () => {
    const s = stream(config(`{ type: phases, steps: [{ end: 4, duration: 1us }, { end: 1, store: true }] }`));
    const clock = CPU_WORDS * 0 + C_CLOCK;
    s.sim.s.cpuWords[clock] = 5000;
    // The step starts at 5000 ns; at 5000 ns no pass may end it: a whole batch of passes.
    const first = s.next();
    expect(first).toHaveLength(4096);
    expect(first.slice(0, 8).map(([p]) => p)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    s.sim.s.cpuWords[clock] = 5999;
    expect(s.next()).toHaveLength(4096);
    // 1 us after the start: the next pass is the last, then the one-page store step, then idle.
    s.sim.s.cpuWords[clock] = 6000;
    expect(s.next()).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      [0, 1],
    ]);
    expect(s.next()).toEqual([]);
  });

  it('a run makes exactly the program’s accesses and faults, then the CPU idles', async () => {
    const run = await runText(
      config(`{ type: phases, steps: [{ store: true }, { start: 2, end: 7, passes: 3 }] }`, '40KiB'),
    );
    expect(run.result.vmstat.pgfault).toBe(10);
    expect(run.result.vmstat.tiersim_accesses).toBe(10 + 15);
    expect(run.result.tasks[0].accesses).toBe(25);
  });

  it('rejects a range outside the region and a program that shares its task, located', () => {
    expectOnly(failure(config(`{ type: phases, steps: [{ start: 2, end: 11 }] }`)), {
      code: 'OUT_OF_RANGE',
      path: 'workload.tasks[0].regions[0].pattern.steps[0].end',
      file: MAIN,
      line: 12,
      phrase: 'the region has 10 pages, received end 11',
    });
    const err = failure(
      config(`{ type: phases, steps: [{}] }`, '40KiB', '        - { kind: anon, size: 4KiB }'),
    );
    expectOnly(err, {
      code: 'INCONSISTENT',
      path: 'workload.tasks[0].regions[0].pattern.type',
      file: MAIN,
      line: 12,
      phrase: 'must be the only accessed region of task "t"',
    });
  });
});

/** FNV-1a 64 over the little-endian bytes of each page number, as wl_file.c fingerprints its reads. */
function fnv1a(pages: Int32Array): string {
  let h = 0xcbf29ce484222325n;
  const mask = (1n << 64n) - 1n;
  for (const p of pages) {
    let v = BigInt(p);
    for (let i = 0; i < 8; i++) {
      h ^= v & 0xffn;
      h = (h * 0x100000001b3n) & mask;
      v >>= 8n;
    }
  }
  return h.toString(16).padStart(16, '0');
}

describe('splitmix_zipfian: the calibration workloads’ page sequence', () => {
  const figures = JSON.parse(
    readFileSync(new URL('../../validation/linux-6.12/figures.json', import.meta.url), 'utf8'),
  ) as { cases: Record<string, { workload_report: { idx: number[]; result: { fnv1a: string } }[] }> };

  it.each([
    ['W2q-bind0-d1', 0.5, 11, 600_000],
    ['W2p-bind0-d1', 0.9, 7, 786_432],
  ])(
    '%s: the first 8 pages and the fingerprint of all reads are what the guest printed',
    (id, theta, seed, reads) => {
      const report = figures.cases[id].workload_report[0];
      const seq = splitmixZipfSequence(524_288, theta, seed, reads, 0x9e3779b1);
      expect(Array.from(seq.subarray(0, 8))).toEqual(report.idx);
      expect(fnv1a(seq)).toBe(report.result.fnv1a);
    },
  );
});
