/**
 * Variants side by side: every variant of a config is one experiment (the same override-set
 * mechanism as sweep points, same seed unless a variant sets one), run on the experiment pool;
 * the comparison holds the score and the main counters with ratios against the first variant.
 * With an output directory:
 *
 *   DIR/<variant>/          that variant's output (result.json, vmstat, series.csv, nodes/) and
 *                           config.json (`tiersim run --from DIR/<variant>` replays it)
 *   DIR/comparison.json     variants (name, description, config hash, seed, status: done,
 *                           failed, interrupted at epoch N of M, or not run) and the rows;
 *                           written last, so it marks the directory complete
 *   DIR/comparison.csv      one row per metric: each variant's value and its ratio to the first
 *   DIR/comparison.txt      the table as printed
 */
import path from 'node:path';
import type { RunResult } from '../metrics/result.js';
import { writeFileAtomic, writeRunOutput } from '../report/write.js';
import { nameStopSignal, partialNote } from '../report/partial.js';
import { removeQuietly } from '../util/out-dir.js';
import type { ExperimentPlan } from './plan.js';
import { executeExperiments, type ExecutionProgress } from './runner.js';
import { readJson } from './sweep-dir.js';
import {
  comparisonCsv,
  comparisonRows,
  comparisonTable,
  type ComparedVariant,
  type ComparisonRow,
} from './tables.js';

export interface VariantOutcome {
  name: string;
  description: string | null;
  config_hash: string;
  seed: number;
  result: RunResult | undefined;
  error: string | null;
}

export type VariantStatus = 'done' | 'failed' | 'interrupted' | 'not run';

export interface ComparisonFile {
  config_file: string;
  base_config_hash: string;
  /** Every variant ran to its end (none failed, interrupted or left unrun). */
  completed: boolean;
  variants: {
    name: string;
    description: string | null;
    dir: string;
    config_hash: string;
    seed: number;
    status: VariantStatus;
    /** "interrupted by SIGINT at epoch 1977 of 10000" for a partial variant, else null. */
    note: string | null;
    epochs_run: number;
    epochs_planned: number | null;
    error: string | null;
  }[];
  rows: ComparisonRow[];
}

export interface VariantRunOptions {
  jobs: number;
  recycle: boolean;
  shouldStop: () => boolean;
  /** The signal that stopped the run, if one did (named in partial variants). */
  stopSignal?: () => string | undefined;
  onProgress: (p: ExecutionProgress & { epochsTotal: number }) => void;
}

export async function runVariants(
  plan: ExperimentPlan,
  options: VariantRunOptions,
): Promise<{ outcomes: VariantOutcome[]; stopped: boolean }> {
  const runnables = plan.points.map((p) => ({
    index: p.index,
    config: p.config,
    hash: p.hash,
    file: plan.file,
    epochs: Math.max(1, Math.ceil(p.config.run.duration / p.config.run.epoch)),
  }));
  const epochsTotal = runnables.reduce((n, r) => n + r.epochs, 0);
  const outcomes: VariantOutcome[] = plan.points.map((p, i) => ({
    name: plan.variants[i]?.name ?? p.name,
    description: plan.variants[i]?.description ?? null,
    config_hash: p.hash,
    seed: p.seed,
    result: undefined,
    error: null,
  }));
  const { stopped } = await executeExperiments(runnables, {
    jobs: options.jobs,
    recycle: options.recycle,
    where: 'pool',
    shouldStop: options.shouldStop,
    onProgress: (p) => options.onProgress({ ...p, epochsTotal }),
    onSettled: (r, outcome) => {
      const o = outcomes[r.index];
      if (outcome.ok) {
        nameStopSignal(outcome.result, options.stopSignal?.());
        o.result = outcome.result;
      } else o.error = outcome.error;
    },
  });
  return { outcomes, stopped };
}

export function variantStatus(o: VariantOutcome): VariantStatus {
  if (o.error !== null) return 'failed';
  if (o.result === undefined) return 'not run';
  return o.result.completed ? 'done' : 'interrupted';
}

/** The variants that produced a result, for the comparison (the first present is the baseline). */
export function compared(outcomes: readonly VariantOutcome[]): ComparedVariant[] {
  return outcomes.flatMap((o) =>
    o.result === undefined ? [] : [{ name: o.name, description: o.description, result: o.result }],
  );
}

export function comparisonText(outcomes: readonly VariantOutcome[]): string {
  const variants = compared(outcomes);
  const table = variants.length === 0 ? '' : comparisonTable(variants, comparisonRows(variants));
  const unrun = outcomes.filter((o) => variantStatus(o) === 'not run').map((o) => o.name);
  const failed = outcomes.filter((o) => o.error !== null).map((o) => o.name);
  const notes = [
    ...(unrun.length === 0 ? [] : [`not run (stopped before they started): ${unrun.join(', ')}`]),
    ...(failed.length === 0 ? [] : [`failed: ${failed.join(', ')}`]),
  ];
  return [table, ...notes].filter((x) => x !== '').join('\n');
}

export function writeVariantsOutput(
  dir: string,
  plan: ExperimentPlan,
  outcomes: readonly VariantOutcome[],
): void {
  outcomes.forEach((o, i) => {
    const vdir = path.join(dir, o.name);
    writeFileAtomic(path.join(vdir, 'config.json'), JSON.stringify(plan.points[i].raw, null, 1) + '\n');
    if (o.result !== undefined) writeRunOutput(vdir, o.result);
  });
  const variants = compared(outcomes);
  const rows = comparisonRows(variants);
  // An old comparison.json would mark this half-written directory complete.
  removeQuietly(path.join(dir, 'comparison.json'));
  const file: ComparisonFile = {
    config_file: plan.file,
    base_config_hash: plan.baseHash,
    completed: outcomes.every((o) => variantStatus(o) === 'done'),
    variants: outcomes.map((o) => ({
      name: o.name,
      description: o.description,
      dir: o.name,
      config_hash: o.config_hash,
      seed: o.seed,
      status: variantStatus(o),
      note: o.result === undefined ? null : (partialNote(o.result) ?? null),
      epochs_run: o.result?.epochs_run ?? 0,
      epochs_planned: o.result?.epochs_planned ?? null,
      error: o.error,
    })),
    rows,
  };
  writeFileAtomic(path.join(dir, 'comparison.csv'), comparisonCsv(variants, rows));
  writeFileAtomic(path.join(dir, 'comparison.txt'), comparisonText(outcomes) + '\n');
  writeFileAtomic(path.join(dir, 'comparison.json'), JSON.stringify(file, null, 1) + '\n');
}

export function readComparison(dir: string): ComparisonFile | undefined {
  return readJson<ComparisonFile>(path.join(dir, 'comparison.json'));
}
