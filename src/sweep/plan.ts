/**
 * Planning a set of experiments from one config: load it (with `--set`), expand its variants
 * and sweep (expand.ts), and resolve every point to the plain experiment it runs, with its hash
 * and seed. Every point is resolved before anything runs, so a value that is wrong for one
 * point stops the whole sweep with a located error instead of failing it half-way.
 */
import { configHash, type LoadedConfig } from '../config/load.js';
import { isStream } from '../workload/trace/resolve.js';
import type { Config } from '../config/schema.js';
import { ConfigError, formatProblem, type ConfigProblem } from '../util/errors.js';
import { expandSweep, type Expansion } from './expand.js';
import {
  cachedReader,
  loadBase,
  resolveOverrideSet,
  sectionOf,
  type ConfigSource,
  type ResolvedSet,
} from './override-set.js';

export interface PlannedPoint {
  index: number;
  name: string;
  /** Swept key → value as written. */
  values: Record<string, unknown>;
  seed: number;
  /** The plain experiment this point runs (no variants or sweep sections). */
  config: Config;
  /** The same experiment as written (config.json): loading it gives `config` and `hash`. */
  raw: unknown;
  /** sha256 of `config` (canonical JSON): the point's identity. */
  hash: string;
}

export interface ExperimentPlan {
  /** The config file as given on the command line. */
  file: string;
  set: string[];
  description: string | undefined;
  /** Hash of the config as written plus `--set`, without its variants and sweep. */
  baseHash: string;
  hasSweep: boolean;
  hasVariants: boolean;
  keys: string[];
  /** Keys of each loop, outermost first. */
  loops: string[][];
  counters: string[];
  /** The config's variants (names and descriptions), in written order. */
  variants: { name: string; description: string | undefined }[];
  /** The points planned: all of them, or those asked for with `only` (in index order). */
  points: PlannedPoint[];
  /** Points of the whole sweep (more than `points.length` when planned with `only`). */
  total: number;
}

export interface PlanOptions {
  /**
   * Plan only these points (an array task's block): only they are resolved, validated and
   * sized, so a task's work does not grow with the sweep. Indices out of range are left out.
   */
  only?: readonly number[] | undefined;
}

/** Most distinct problems reported from resolving points (one bad value may recur in many). */
const POINT_PROBLEMS_MAX = 40;

export function planExperiments(
  file: string,
  set: readonly string[],
  options: PlanOptions = {},
): ExperimentPlan {
  const source: ConfigSource = { file, set, readFile: cachedReader() };
  const { loaded, tree } = loadBase(source);
  const problems: ConfigProblem[] = [];
  if (loaded.config.workload === undefined) {
    problems.push({
      code: 'MISSING_KEY',
      path: 'workload',
      message: 'this config has no workload to run (a topology file? try `tiersim topology`)',
      location: loaded.locate('') ?? { file, line: 1, col: 1 },
    });
    throw new ConfigError(problems);
  }
  const expansion: Expansion = expandSweep(tree, loaded.config.run.seed, problems, options.only);
  if (problems.length > 0) throw new ConfigError(problems);

  const points: PlannedPoint[] = [];
  const seen = new Set<string>();
  for (const spec of expansion.points) {
    let resolved: ResolvedSet;
    try {
      resolved = resolveOverrideSet(source, {
        name: `point ${spec.index} (${spec.name})`,
        overrides: spec.overrides,
      });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) {
        // The same bad value fails every point that uses it: report it once.
        const key = formatProblem({ ...p, message: p.message.replace(/ \(in point \d+ .*\)$/, '') });
        if (!seen.has(key) && problems.length < POINT_PROBLEMS_MAX) problems.push(p);
        seen.add(key);
      }
      continue;
    }
    if (points.length === 0 && (expansion.total > 1 || sectionOf(tree, 'sweep') !== undefined)) {
      problems.push(...streamProblems(resolved.loaded));
    }
    points.push({
      index: spec.index,
      name: spec.name,
      values: spec.values,
      seed: resolved.loaded.config.run.seed,
      config: resolved.loaded.config,
      raw: resolved.raw,
      hash: resolved.loaded.hash,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const { variants: _v, sweep: _s, ...base } = loaded.config;
  return {
    file,
    set: [...set],
    description: loaded.config.description,
    baseHash: configHash(base),
    hasSweep: sectionOf(tree, 'sweep') !== undefined,
    hasVariants: sectionOf(tree, 'variants') !== undefined,
    keys: expansion.keys,
    loops: expansion.loops,
    counters: expansion.counters,
    variants: expansion.variants.map((v) => ({ name: v.name, description: v.description })),
    points,
    total: expansion.total,
  };
}

/**
 * A trace read from a stream cannot be shared by the points of a sweep or variants (each
 * would read the pipe, taking records from the others) nor identified by its content.
 */
function streamProblems(loaded: LoadedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  loaded.config.workload?.tasks.forEach((task, t) => {
    task.regions.forEach((region, r) => {
      const p = region.pattern;
      if (p.type !== 'trace' || !isStream(p.file)) return;
      const key = `workload.tasks[${t}].regions[${r}].pattern.file`;
      problems.push({
        code: 'INCONSISTENT',
        path: key,
        message: `${p.file} is a stream (a pipe or standard input), read once: the experiments of a sweep or of variants cannot share it; save the trace to a file`,
        location: loaded.sourceMap.locateNearest(key),
      });
    });
  });
  return problems;
}
