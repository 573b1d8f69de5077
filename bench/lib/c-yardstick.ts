/**
 * The C yardsticks of the generator and access benches (bench/c/*.c, gcc -O2): compiling them,
 * and the parameter file they read — a CPU's PRNG state, its task's region parameters and the
 * Zipf tables, exactly as the simulation holds them, so C draws the same stream.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SimState } from '../../src/memory/state.js';
import {
  PATTERN_ZIPFIAN,
  REGION_WORDS,
  R_FIRST_PAGE,
  R_P0,
  R_PAGES,
  R_PATTERN,
  R_SYSCALL,
  R_WEIGHT_CUT,
  R_WRITE_CUT,
} from '../../src/workload/plan.js';
import { PRNG_WORDS } from '../../src/workload/prng.js';
import { REPO_ROOT } from './env.js';

/** Doubles per region in the file (gen.h RW). */
const RW = 8;
/** Doubles before the regions: region count, PRNG state (4), table length, mix table and shift. */
const HEAD = 8;

/** Writes CPU `cpu`'s state and task `task`'s regions to `file`; returns the state written. */
export function writeGeneratorParams(s: SimState, task: number, cpu: number, file: string): Uint32Array {
  const start = Uint32Array.from(s.prng.subarray(cpu * PRNG_WORDS, (cpu + 1) * PRNG_WORDS));
  const t = s.plan.regionTable;
  const { firstRegion, regions } = s.plan.tasks[task];
  const n = regions.length;
  const { mixTable, mixShift } = s.plan.tasks[task];
  const params = new Float64Array(HEAD + n * RW + s.plan.zipfTables.length);
  params.set([n, ...start, s.plan.zipfTables.length, mixTable, mixShift]);
  for (let k = 0; k < n; k++) {
    const rb = (firstRegion + k) * REGION_WORDS;
    params.set(
      [
        t[rb + R_WEIGHT_CUT],
        t[rb + R_PAGES],
        t[rb + R_FIRST_PAGE] * 4 + t[rb + R_SYSCALL] * 2,
        t[rb + R_WRITE_CUT],
        t[rb + R_PATTERN] === PATTERN_ZIPFIAN ? 1 : 0,
        t[rb + R_P0],
        t[rb + R_P0 + 1],
        t[rb + R_P0 + 2],
      ],
      HEAD + k * RW,
    );
  }
  params.set(s.plan.zipfTables, HEAD + n * RW);
  writeFileSync(file, new Uint8Array(params.buffer));
  return start;
}

/** Compiles bench/c/NAME.c into `dir`; the executable, or undefined without gcc. */
export function compileC(name: string, dir: string): string | undefined {
  const exe = path.join(dir, name);
  const r = spawnSync('gcc', ['-O2', '-o', exe, path.join(REPO_ROOT, 'bench', 'c', `${name}.c`), '-lm'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? exe : undefined;
}
