/**
 * Expanding `variants:` and `sweep:` into named sets of overrides, in one documented order:
 *
 *   variants (in written order)  ×  grid keys (in written order, each a loop)  ×  zip (one loop,
 *   its lists walked together)  ×  seeds
 *
 * the first loop outermost and seeds innermost, so point i+1 differs from point i in the last
 * dimension first and the seeds of one setting are neighbours. Points are numbered from 0 in
 * that order; the numbering is what `--index`, `DIR/points/N` and Slurm array ids use.
 *
 * The schema has already checked the sections' shape (lists non-empty, names well formed); the
 * checks here need the whole section or the schema itself: every swept path names a config key,
 * zip lists have one length, no key is swept twice, variant names are distinct, seeds do not
 * repeat. Each problem is located at what the user wrote.
 */
import { parsePath, toPlain, formatPath, type LEntry, type LNode } from '../config/source-map.js';
import { COUNTERS } from '../metrics/vmstat.js';
import type { ConfigProblem, SourceLocation } from '../util/errors.js';
import { configPathProblem } from './config-paths.js';
import { MULTI_SECTIONS, sectionOf, type LocatedOverride } from './override-set.js';

/** The column of the variant name and of the seed in tables (not config paths). */
export const VARIANT_KEY = 'variant';
export const SEED_KEY = 'seed';

/** Counters charted and grouped by default, when `sweep.counters` is absent. */
export const DEFAULT_SWEEP_COUNTERS = ['pgdemote_kswapd', 'pgmajfault', 'workingset_refault_file'];

export interface Variant {
  name: string;
  description: string | undefined;
  overrides: LocatedOverride[];
}

export interface PointSpec {
  index: number;
  /** Readable: `demotion kernel.watermark_scale_factor=100 seed=2`. */
  name: string;
  /** Swept key → value as written, in key order. */
  values: Record<string, unknown>;
  /** Variant's, then each dimension's, in loop order (a later one wins). */
  overrides: LocatedOverride[];
}

export interface Expansion {
  /** Swept keys in loop order: `variant`, grid keys, zip keys, `seed`. */
  keys: string[];
  /** The keys of each loop, outermost first (a zip is one loop of several keys). */
  loops: string[][];
  /** The points asked for (all of them, or the `only` indices that exist), in index order. */
  points: PointSpec[];
  /** Points of the whole sweep. */
  total: number;
  counters: string[];
  variants: Variant[];
}

/** One loop: each entry sets one or more keys (a zip entry sets one key per list). */
interface Dimension {
  keys: string[];
  entries: { values: Record<string, unknown>; overrides: LocatedOverride[]; label: string }[];
}

// ---------------------------------------------------------------------------------------------
// Variants
// ---------------------------------------------------------------------------------------------

/** The variants of a config (empty when it has none); problems found are added to `problems`. */
export function expandVariants(root: LNode, problems: ConfigProblem[]): Variant[] {
  const section = sectionOf(root, 'variants');
  if (section?.kind !== 'seq') return [];
  const variants: Variant[] = [];
  const seen = new Map<string, SourceLocation>();
  section.items.forEach((item, i) => {
    if (item.kind !== 'map') return;
    const nameNode = item.entries.get('name')?.value;
    const name = nameNode?.kind === 'scalar' ? String(nameNode.value) : `variant ${i}`;
    const first = seen.get(name);
    if (first !== undefined && nameNode !== undefined) {
      problems.push({
        code: 'INCONSISTENT',
        path: `variants[${i}].name`,
        message: `variant name "${name}" is used twice (first at ${showLoc(first)}); names must be distinct (each is a column and a folder)`,
        location: nameNode.loc,
      });
    }
    if (nameNode !== undefined) seen.set(name, nameNode.loc);
    const descNode = item.entries.get('description')?.value;
    const set = item.entries.get('set')?.value;
    const overrides = set?.kind === 'map' ? overridesOfMap(set.entries, `variants[${i}].set`, problems) : [];
    variants.push({
      name,
      description: descNode?.kind === 'scalar' ? String(descNode.value) : undefined,
      overrides,
    });
  });
  return variants;
}

/** `path: value` entries of a variant's `set:` → overrides, each path checked. */
function overridesOfMap(
  entries: ReadonlyMap<string, LEntry>,
  at: string,
  problems: ConfigProblem[],
): LocatedOverride[] {
  const out: LocatedOverride[] = [];
  for (const [key, entry] of entries) {
    const path = checkedPath(key, entry.keyLoc, `${at}.${key}`, problems);
    if (path !== undefined) out.push({ key, path, value: entry.value, keyLoc: entry.keyLoc });
  }
  return out;
}

/** Parses and checks a swept or overridden path; undefined (and a problem) when it is bad. */
function checkedPath(
  key: string,
  keyLoc: SourceLocation,
  yamlPath: string,
  problems: ConfigProblem[],
): LocatedOverride['path'] | undefined {
  const path = parsePath(key);
  let why: string | undefined;
  if (path === undefined || path.length === 0) {
    why = `"${key}" is not a config path (expected keys joined by dots, list items as nodes[0] or nodes.0)`;
  } else if (path[0] === 'include' || (MULTI_SECTIONS as readonly unknown[]).includes(path[0])) {
    why = `"${String(path[0])}" cannot be overridden per experiment`;
  } else {
    why = configPathProblem(path);
  }
  if (why === undefined) return path;
  problems.push({
    code: why.startsWith('unknown key') ? 'UNKNOWN_KEY' : 'BAD_OVERRIDE',
    path: yamlPath,
    message: `cannot override ${key}: ${why}`,
    location: keyLoc,
  });
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Sweep
// ---------------------------------------------------------------------------------------------

/**
 * The points of a sweep (`baseSeed` is run.seed of the config as written plus `--set`); the
 * problems found are added to `problems` (the expansion is then not to be used). A config
 * without `sweep:` is one point per variant (or one point).
 */
export function expandSweep(
  root: LNode,
  baseSeed: number,
  problems: ConfigProblem[],
  only?: readonly number[],
): Expansion {
  const dims: Dimension[] = [];
  const variants = expandVariants(root, problems);
  if (variants.length > 0) {
    dims.push({
      keys: [VARIANT_KEY],
      entries: variants.map((v) => ({
        values: { [VARIANT_KEY]: v.name },
        overrides: v.overrides,
        label: v.name,
      })),
    });
  }
  const sweep = sectionOf(root, 'sweep');
  const sweepEntries = sweep?.kind === 'map' ? sweep.entries : new Map<string, LEntry>();
  const swept = new Map<string, SourceLocation>();
  const grid = sweepEntries.get('grid')?.value;
  if (grid?.kind === 'map') {
    for (const [key, entry] of grid.entries) {
      const dim = listDimension([[key, entry]], 'sweep.grid', swept, problems);
      if (dim !== undefined) dims.push(dim);
    }
  }
  const zip = sweepEntries.get('zip')?.value;
  if (zip?.kind === 'map' && zip.entries.size > 0) {
    const dim = listDimension([...zip.entries], 'sweep.zip', swept, problems);
    if (dim !== undefined) dims.push(dim);
  }
  const seeds = sweepEntries.get('seeds');
  if (seeds !== undefined) {
    const dim = seedDimension(seeds, baseSeed, swept, problems);
    if (dim !== undefined) dims.push(dim);
  }
  const counters = checkedCounters(sweepEntries.get('counters')?.value, problems);
  const sizeOf = (n: LNode | undefined) => (n?.kind === 'map' ? n.entries.size : 0);
  if (sweep !== undefined && sizeOf(grid) + sizeOf(zip) === 0 && seeds === undefined) {
    problems.push({
      code: 'MISSING_KEY',
      path: 'sweep',
      message: 'a sweep needs at least one of grid, zip or seeds',
      location: sweep.loc,
    });
  }
  if (problems.length > 0) return { keys: [], loops: [], points: [], total: 0, counters, variants };
  const total = dims.reduce((n, d) => n * d.entries.length, 1);
  const indices =
    only === undefined
      ? Array.from({ length: total }, (_, i) => i)
      : [...new Set(only)].filter((i) => i >= 0 && i < total).sort((a, b) => a - b);
  return {
    keys: dims.flatMap((d) => d.keys),
    loops: dims.map((d) => d.keys),
    points: indices.map((i) => pointAt(dims, i)),
    total,
    counters,
    variants,
  };
}

/**
 * A dimension of lists walked together (one list for a grid key, every list of the zip): the
 * i-th entry sets each key to its list's i-th value.
 */
function listDimension(
  lists: [string, LEntry][],
  at: string,
  swept: Map<string, SourceLocation>,
  problems: ConfigProblem[],
): Dimension | undefined {
  const before = problems.length;
  const columns: { key: string; path: LocatedOverride['path']; entry: LEntry; items: LNode[] }[] = [];
  for (const [key, entry] of lists) {
    const path = checkedPath(key, entry.keyLoc, `${at}.${key}`, problems);
    if (path === undefined || entry.value.kind !== 'seq') continue;
    const canonical = formatPath(path);
    const first = swept.get(canonical);
    if (first !== undefined) {
      problems.push({
        code: 'INCONSISTENT',
        path: `${at}.${key}`,
        message: `${key} is swept twice (also at ${showLoc(first)}); sweep each key in one place`,
        location: entry.keyLoc,
      });
      continue;
    }
    swept.set(canonical, entry.keyLoc);
    columns.push({ key, path, entry, items: entry.value.items });
  }
  const head = columns[0];
  if (head === undefined) return undefined;
  for (const c of columns.slice(1)) {
    if (c.items.length !== head.items.length) {
      problems.push({
        code: 'INCONSISTENT',
        path: `${at}.${c.key}`,
        message: `zip lists are walked together and must have the same length: ${c.key} has ${c.items.length} value(s), ${head.key} (${showLoc(head.entry.keyLoc)}) has ${head.items.length}`,
        location: c.entry.keyLoc,
      });
    }
  }
  if (problems.length > before) return undefined;
  return {
    keys: columns.map((c) => c.key),
    entries: head.items.map((_, i) => {
      const values: Record<string, unknown> = {};
      const overrides: LocatedOverride[] = [];
      const labels: string[] = [];
      for (const c of columns) {
        const item = c.items[i];
        const value = toPlain(item);
        values[c.key] = value;
        overrides.push({ key: c.key, path: c.path, value: item, keyLoc: c.entry.keyLoc });
        labels.push(`${c.key}=${showValue(value)}`);
      }
      return { values, overrides, label: labels.join(' ') };
    }),
  };
}

function seedDimension(
  entry: LEntry,
  baseSeed: number,
  swept: Map<string, SourceLocation>,
  problems: ConfigProblem[],
): Dimension | undefined {
  const sweptSeed = swept.get('run.seed');
  if (sweptSeed !== undefined) {
    problems.push({
      code: 'INCONSISTENT',
      path: 'sweep.seeds',
      message: `run.seed is already swept at ${showLoc(sweptSeed)}; use either sweep.seeds or a swept run.seed`,
      location: entry.keyLoc,
    });
    return undefined;
  }
  const node = entry.value;
  let items: { seed: number; loc: SourceLocation }[];
  if (node.kind === 'scalar' && typeof node.value === 'number') {
    items = Array.from({ length: node.value }, (_, i) => ({ seed: baseSeed + i, loc: node.loc }));
    const last = baseSeed + node.value - 1;
    if (last > 0xffffffff) {
      problems.push({
        code: 'OUT_OF_RANGE',
        path: 'sweep.seeds',
        message: `${node.value} seeds from run.seed ${baseSeed} would end at ${last}, above the largest seed 4294967295`,
        location: node.loc,
      });
      return undefined;
    }
  } else if (node.kind === 'seq') {
    items = node.items.map((item) => ({ seed: Number(toPlain(item)), loc: item.loc }));
    const seen = new Map<number, SourceLocation>();
    items.forEach(({ seed, loc }, i) => {
      const first = seen.get(seed);
      if (first !== undefined) {
        problems.push({
          code: 'INCONSISTENT',
          path: `sweep.seeds[${i}]`,
          message: `seed ${seed} is listed twice (first at ${showLoc(first)}); the points would be identical`,
          location: loc,
        });
      }
      seen.set(seed, loc);
    });
  } else {
    return undefined;
  }
  return {
    keys: [SEED_KEY],
    entries: items.map(({ seed, loc }) => ({
      values: { [SEED_KEY]: seed },
      overrides: [
        {
          key: 'run.seed',
          path: ['run', 'seed'],
          value: { kind: 'scalar', loc, value: seed },
          keyLoc: entry.keyLoc,
        },
      ],
      label: `seed=${seed}`,
    })),
  };
}

function checkedCounters(node: LNode | undefined, problems: ConfigProblem[]): string[] {
  if (node?.kind !== 'seq') return [...DEFAULT_SWEEP_COUNTERS];
  const known = new Set<string>(COUNTERS.map((c) => c.name));
  const out: string[] = [];
  node.items.forEach((item, i) => {
    const name = String(toPlain(item));
    if (known.has(name)) out.push(name);
    else {
      problems.push({
        code: 'BAD_REFERENCE',
        path: `sweep.counters[${i}]`,
        message: `unknown counter "${name}" (the names of /proc/vmstat and tiersim_ counters, e.g. ${DEFAULT_SWEEP_COUNTERS.join(', ')})`,
        location: item.loc,
      });
    }
  });
  return out;
}

/**
 * Point `index` of the cartesian product of the dimensions, the first outermost: its digits in
 * the mixed radix of the dimensions' sizes. Computed alone, so an array task that runs a few
 * points of a large sweep builds only those (O(1) in the sweep's size).
 */
function pointAt(dims: Dimension[], index: number): PointSpec {
  let rest = index;
  const picked: Dimension['entries'] = new Array<Dimension['entries'][number]>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    const n = dims[d].entries.length;
    picked[d] = dims[d].entries[rest % n];
    rest = Math.floor(rest / n);
  }
  return {
    index,
    name: picked.map((e) => e.label).join(' ') || 'base',
    values: Object.assign({}, ...picked.map((e) => e.values)) as Record<string, unknown>,
    overrides: picked.flatMap((e) => e.overrides),
  };
}

/** A swept value as shown in names and tables: scalars as written, collections as JSON. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

function showLoc(l: SourceLocation): string {
  return `${l.file}:${l.line}:${l.col}`;
}
