/**
 * Replaying a trace region: the documented mapping (base, page size, modulo the region, negative
 * offsets wrapping, an access spanning two pages, M = load then store), the round-robin split of
 * the looped trace among the task's CPUs, the end of a trace that does not loop, and the same
 * through the generator and the access loop of a simulation (batches, counts, idle CPUs).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { BATCH_LEN, CPU_WORDS, C_ACCESSES, C_CLOCK } from '../../src/memory/layout.js';
import { COUNTER_INDEX } from '../../src/metrics/vmstat.js';
import { makeBatchFiller } from '../../src/workload/generate.js';
import { TraceReplay } from '../../src/workload/trace/replay.js';
import {
  expectedStream,
  recordAccesses,
  syntheticRecords,
  tempDir,
  writeBinary,
  writeLackey,
  type Rec,
} from './helpers.js';
import { runText } from '../helpers/run.js';

const dir = tempDir();
const at = (name: string) => path.join(dir, name);

function take(replay: TraceReplay, max: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    const v = replay.next();
    if (v < 0) break;
    out.push(v);
  }
  return out;
}

describe('mapping of records to region pages', () => {
  const base = 0x10000;
  const records: Rec[] = [
    { kind: 'I', address: 0x10000, size: 4 }, // page 0, load
    { kind: 'L', address: 0x10ffe, size: 4 }, // spans pages 0 and 1
    { kind: 'S', address: 0x12000, size: 8 }, // page 2, store
    { kind: 'M', address: 0x13000, size: 1 }, // page 3: load, then store
    { kind: 'M', address: 0x13fff, size: 2 }, // pages 3 and 4, each loaded then stored
    { kind: 'L', address: 0x18000, size: 1 }, // page 8 = 0 modulo 8 pages
    { kind: 'L', address: 0xf000, size: 1 }, // page -1 = 7 modulo 8
    { kind: 'I', address: base + (2 ** 34 + 5) * 4096, size: 1 }, // page 2^34 + 5 = 5 modulo 8
  ];
  const shape = { pageSize: 4096, pages: 8, base };
  // offset * 2 + store
  const HAND = [0, 0, 2, 5, 6, 7, 6, 7, 8, 9, 0, 14, 10];

  for (const format of ['lackey', 'tiersim'] as const) {
    it(`${format}: hand-computed accesses`, () => {
      const file =
        format === 'lackey'
          ? writeLackey(at('map.lackey'), records)
          : writeBinary(at('map.tstrace'), records);
      const replay = new TraceReplay(file, format, { ...shape, loop: false, index: 0, stride: 1 });
      expect(records.flatMap((r) => recordAccesses(r, shape))).toEqual(HAND);
      expect(take(replay, 100)).toEqual(HAND);
      expect(replay.next()).toBe(-1);
      expect(replay.taken).toBe(records.length);
    });
  }

  it('with 8 KiB pages, the same addresses fold differently', () => {
    const file = writeBinary(at('map8k.tstrace'), records);
    const replay = new TraceReplay(file, 'tiersim', {
      pageSize: 8192,
      pages: 8,
      base,
      loop: false,
      index: 0,
      stride: 1,
    });
    expect(take(replay, 100)).toEqual(
      expectedStream(records, { pageSize: 8192, pages: 8, base }, 100, false),
    );
  });
});

describe('CPU split: record g of the looped trace goes to CPU g mod n', () => {
  const records = syntheticRecords(1000, 40);
  const shape = { pageSize: 4096, pages: 50, base: 0x4000000 };
  const file = writeBinary(at('rr.tstrace'), records);

  it('three CPUs, looping (1000 records: the split moves on by one record each pass)', () => {
    for (let k = 0; k < 3; k++) {
      const replay = new TraceReplay(file, 'tiersim', {
        ...shape,
        loop: true,
        index: k,
        stride: 3,
        chunkSize: 333,
      });
      expect(take(replay, 5000), `cpu ${k}`).toEqual(
        expectedStream(records, { ...shape, index: k, stride: 3 }, 5000),
      );
    }
  });

  it('without loop, the CPUs together replay every record once', () => {
    let total = 0;
    for (let k = 0; k < 3; k++) {
      const replay = new TraceReplay(file, 'tiersim', { ...shape, loop: false, index: k, stride: 3 });
      const got = take(replay, 1e6);
      expect(got).toEqual(expectedStream(records, { ...shape, index: k, stride: 3 }, 1e6, false));
      expect(replay.taken).toBe(k === 0 ? 334 : 333);
      expect(replay.next()).toBe(-1);
      total += got.length;
    }
    expect(total).toBe(records.flatMap((r) => recordAccesses(r, shape)).length);
  });

  it('more CPUs than records; an empty trace never yields (looped or not)', () => {
    const three = writeBinary(at('three.tstrace'), records.slice(0, 3));
    const fifth = new TraceReplay(three, 'tiersim', { ...shape, loop: false, index: 4, stride: 5 });
    expect(fifth.next()).toBe(-1);
    const looped = new TraceReplay(three, 'tiersim', { ...shape, loop: true, index: 4, stride: 5 });
    expect(take(looped, 10)).toEqual(
      expectedStream(records.slice(0, 3), { ...shape, index: 4, stride: 5 }, 10),
    );
    const empty = writeBinary(at('empty.tstrace'), []);
    for (const loop of [true, false]) {
      expect(new TraceReplay(empty, 'tiersim', { ...shape, loop, index: 0, stride: 1 }).next()).toBe(-1);
    }
  });
});

function traceTask(file: string, cpus: string, loop: boolean, extra = ''): string {
  return `
topology:
  nodes:
    - { id: 0, cpus: 3, memory: 64MiB, device: dram }
run: { duration: 20ms, epoch: 1ms }
workload:
  tasks:
    - name: t
      cpus: ${cpus}
      regions:
        - { kind: anon, size: 400KiB, pattern: { type: trace, file: ${file}, loop: ${loop}, base: 0x4000000 } }
${extra}`;
}

describe('through the generator and the access loop', () => {
  const records = syntheticRecords(5000, 90);
  const shape = { pageSize: 4096, pages: 100, base: 0x4000000 };
  const file = writeBinary(at('sim.tstrace'), records);

  it('fills batches with the CPU share of the trace, after the region first page', () => {
    const sim = createSimulation(parseConfigText(traceTask(file, '[0, 2]', true), at('sim.yaml')).config);
    const fill = makeBatchFiller(sim.s);
    const first = sim.s.plan.tasks[0].regions[0].firstPage;
    for (const [cpu, index] of [
      [0, 0],
      [2, 1],
    ] as const) {
      const got: number[] = [];
      for (let b = 0; b < 3; b++) {
        expect(fill(cpu)).toBe(BATCH_LEN);
        got.push(...sim.s.batch.subarray(cpu * BATCH_LEN, (cpu + 1) * BATCH_LEN));
      }
      const want = expectedStream(records, { ...shape, index, stride: 2 }, 3 * BATCH_LEN).map(
        (v) => (first + (v >> 1)) * 4 + (v & 1),
      );
      expect(got).toEqual(want);
    }
  });

  it('loop: false: every record replayed once, a fault per distinct page, then the CPUs idle', async () => {
    const expected = records.flatMap((r) => recordAccesses(r, shape));
    const distinct = new Set(expected.map((v) => v >> 1)).size;
    const short = await runText(traceTask(file, '[0, 1]', false).replace('20ms', '10ms'));
    const long = await runText(traceTask(file, '[0, 1]', false).replace('20ms', '40ms'));
    for (const { sim, result } of [short, long]) {
      expect(sim.s.counters[COUNTER_INDEX.tiersim_accesses]).toBe(expected.length);
      // Both CPUs touch every page; one whose fault is in flight when the other touches the page
      // takes its own fault, as threads racing on a page do in Linux.
      expect(result.vmstat['pgfault']).toBeGreaterThanOrEqual(distinct);
      expect(result.vmstat['pgfault']).toBeLessThanOrEqual(2 * distinct);
      const perCpu = [0, 1].map((cpu) => sim.s.cpuWords[cpu * CPU_WORDS + C_ACCESSES]);
      expect(perCpu).toEqual(
        [0, 1].map((k) => expectedStream(records, { ...shape, index: k, stride: 2 }, 1e9, false).length),
      );
      // Idle to the end of the run: the clocks are at its end.
      for (const cpu of [0, 1]) expect(sim.s.cpuWords[cpu * CPU_WORDS + C_CLOCK]).toBe(sim.spec.epochs * 1e6);
    }
    const one = await runText(traceTask(file, '[0]', false));
    expect(one.sim.s.counters[COUNTER_INDEX.tiersim_accesses]).toBe(expected.length);
    expect(one.result.vmstat['pgfault']).toBe(distinct);
    // The score stops growing: the same operations over four times the time.
    expect(long.result.tasks[0].ops).toBe(short.result.tasks[0].ops);
    expect(long.result.score).toBeCloseTo(short.result.score / 4, 6);
  });

  it('a file region read with read(): misses of the page cache instead of faults', async () => {
    const expected = records.flatMap((r) => recordAccesses(r, shape));
    const distinct = new Set(expected.map((v) => v >> 1)).size;
    const { result } = await runText(`
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 64MiB, device: dram }
run: { duration: 20ms, epoch: 1ms }
workload:
  files: [{ name: data, size: 1MiB }]
  tasks:
    - name: t
      cpus: [0]
      regions:
        - { kind: file, file: data, offset: 200KiB, size: 400KiB, access: read, pattern: { type: trace, file: ${file}, loop: false, base: 0x4000000 } }
`);
    expect(result.vmstat['tiersim_accesses']).toBe(expected.length);
    expect(result.vmstat['pgfault']).toBe(0);
    // One miss per distinct page, less the pages readahead brought in first.
    expect(result.vmstat['tiersim_read_miss']).toBeLessThanOrEqual(distinct);
    expect(result.vmstat['tiersim_read_miss']).toBeGreaterThan(distinct / 2);
  });

  it('a trace region among others: its accesses, in order, are the CPU share of the trace', () => {
    const extra = `        - { kind: anon, size: 1MiB, weight: 2, pattern: { type: uniform }, write_fraction: 0.5 }`;
    const sim = createSimulation(
      parseConfigText(traceTask(file, '[0]', true, extra), at('mixed.yaml')).config,
    );
    const trace = sim.s.plan.tasks[0].regions[0];
    const other = sim.s.plan.tasks[0].regions[1];
    const fill = makeBatchFiller(sim.s);
    const got: number[] = [];
    let others = 0;
    for (let b = 0; b < 4; b++) {
      fill(0);
      for (const v of sim.s.batch.subarray(0, BATCH_LEN)) {
        const page = v >>> 2;
        if (page < other.firstPage) got.push((page - trace.firstPage) * 2 + (v & 1));
        else others++;
      }
    }
    expect(got).toEqual(expectedStream(records, shape, got.length));
    expect(others / (4 * BATCH_LEN)).toBeCloseTo(2 / 3, 1);
  });
});
