/**
 * Access-stream generation: refills a CPU's batch with the next BATCH_LEN accesses of its task,
 * each encoded as page * 4 + (read()/write() syscall ? 2 : 0) + (store ? 1 : 0). Generating in batches keeps pattern logic (and its
 * floating-point Zipf math) out of the access loop, which then only consumes integers.
 */
import { BATCH_LEN } from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { PRNG_WORDS, nextU32 } from './prng.js';
import {
  PATTERN_HOTSET,
  PATTERN_SEQUENTIAL,
  PATTERN_UNIFORM,
  PATTERN_ZIPFIAN,
  REGION_WORDS,
  R_FIRST_PAGE,
  R_P0,
  R_P1,
  R_P2,
  R_P3,
  R_PAGES,
  R_PATTERN,
  R_SYSCALL,
  R_WEIGHT_CUT,
  R_WRITE_CUT,
} from './plan.js';
import { zipfRank } from './zipf.js';

const TWO_32 = 4294967296;

/** Fill CPU `cpu`'s batch; returns the number of entries written (always BATCH_LEN). */
export function fillBatch(s: SimState, cpu: number): number {
  const task = s.plan.tasks[s.plan.cpuTask[cpu]];
  const table = s.plan.regionTable;
  const firstRegion = task.firstRegion;
  const regionCount = task.regions.length;
  const prng = s.prng;
  const po = cpu * PRNG_WORDS;
  const out = s.batch;
  const base = cpu * BATCH_LEN;
  const seqBase = cpu * s.layout.maxRegionsPerTask;
  for (let i = 0; i < BATCH_LEN; i++) {
    let r = firstRegion;
    if (regionCount > 1) {
      const u = nextU32(prng, po);
      while (u >= table[r * REGION_WORDS + R_WEIGHT_CUT] && r < firstRegion + regionCount - 1) r++;
    }
    const rb = r * REGION_WORDS;
    const pages = table[rb + R_PAGES];
    let offset: number;
    switch (table[rb + R_PATTERN]) {
      case PATTERN_UNIFORM:
        offset = Math.floor((nextU32(prng, po) / TWO_32) * pages);
        break;
      case PATTERN_ZIPFIAN:
        offset = zipfRank(
          nextU32(prng, po) / TWO_32,
          pages,
          table[rb + R_P0],
          table[rb + R_P1],
          table[rb + R_P2],
          table[rb + R_P3],
        );
        break;
      case PATTERN_HOTSET: {
        const hot = table[rb + R_P0];
        const inHot = nextU32(prng, po) < table[rb + R_P1] || hot >= pages;
        const u = nextU32(prng, po) / TWO_32;
        offset = inHot ? Math.floor(u * hot) : hot + Math.floor(u * (pages - hot));
        break;
      }
      case PATTERN_SEQUENTIAL: {
        const slot = seqBase + (r - firstRegion);
        offset = s.seqPos[slot]!;
        s.seqPos[slot] = (offset + table[rb + R_P0]) % pages;
        break;
      }
      default:
        offset = 0;
    }
    if (offset >= pages) offset = pages - 1;
    const writeCut = table[rb + R_WRITE_CUT];
    const store = writeCut === 0 ? 0 : writeCut >= TWO_32 ? 1 : nextU32(prng, po) < writeCut ? 1 : 0;
    out[base + i] = (table[rb + R_FIRST_PAGE] + offset) * 4 + table[rb + R_SYSCALL] * 2 + store;
  }
  return BATCH_LEN;
}

/** Spread the threads of a task over its sequential regions so they do not walk in lockstep. */
export function initSequentialPositions(s: SimState): void {
  const { plan } = s;
  const table = plan.regionTable;
  for (const task of plan.tasks) {
    task.cpus.forEach((cpu, k) => {
      for (let i = 0; i < task.regions.length; i++) {
        const pages = table[(task.firstRegion + i) * REGION_WORDS + R_PAGES];
        s.seqPos[cpu * s.layout.maxRegionsPerTask + i] = Math.floor((k * pages) / task.cpus.length);
      }
    });
  }
}
