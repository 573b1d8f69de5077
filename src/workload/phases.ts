/**
 * The `phases` pattern: a benchmark's program as steps, each walking a page range of its region
 * in page order for a number of passes or for a simulated duration (wl_anon.c's fill, re-read
 * passes and timed hot loop). The plan flattens the steps into PHASE_WORDS numbers each; the
 * batch filler (generate.ts) walks them, keeping a CPU's position in its seqPos word as
 * step * STEP_STRIDE + accesses done in the step.
 */
import type { PhaseStepConfig } from '../config/schema.js';

/** Words per step in the plan's phaseTables. */
export const PH_START = 0;
export const PH_LEN = 1;
/** Passes, or 0 for a timed step. */
export const PH_PASSES = 2;
/** Duration of a timed step, ns. */
export const PH_DURATION_NS = 3;
export const PH_STORE = 4;
export const PHASE_WORDS = 5;

/** seqPos = step * STEP_STRIDE + position in the step (exact in a double: steps ≤ 64, positions < 2^40). */
export const STEP_STRIDE = 2 ** 40;

/** Most accesses one counted step may make (passes × pages), so its position fits STEP_STRIDE. */
export const MAX_STEP_ACCESSES = STEP_STRIDE - 1;

/** The plan's words for a region of `pages` pages (ranges already validated against it). */
export function phaseTable(steps: readonly PhaseStepConfig[], pages: number): number[] {
  const words: number[] = [];
  for (const step of steps) {
    const end = step.end ?? pages;
    const timed = step.duration !== undefined;
    words.push(step.start, end - step.start, timed ? 0 : step.passes, step.duration ?? 0, step.store ? 1 : 0);
  }
  return words;
}
