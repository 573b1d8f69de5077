/**
 * Named sets of overrides: the one mechanism behind variants (`tiersim run` of a config with
 * `variants:`) and sweep points (`tiersim sweep`). A set is a list of `path = value` overrides,
 * the same paths `--set` takes, applied with config/overrides.ts to the merged located tree of
 * the config, after the user's `--set` and before validation. The values keep the place they
 * were written (a sweep list item, a variant's value), so a value the schema rejects is reported
 * at that line, and a path that cannot be followed at the key that named it.
 *
 * The config a set resolves to is the experiment without its `variants:` and `sweep:` sections:
 * a plain experiment, whose hash is the point's identity. It is kept in two forms: parsed (what
 * runs) and as written (`raw`: the merged tree as plain data, includes inlined, trace paths made
 * absolute), which is what DIR/points/N/config.json holds, because loading exactly the input the
 * loader validated gives exactly the same config and hash again (the parsed form would not:
 * defaults written out explicitly read as values a user wrote).
 */
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { OVERRIDE_LOCATION, applyOverride } from '../config/overrides.js';
import { formatPath, toPlain, type LNode, type PathSegment } from '../config/source-map.js';
import { ConfigError, type ConfigProblem, type SourceLocation } from '../util/errors.js';
import { readTextFile } from '../util/fs-errors.js';
import path from 'node:path';

/** Top-level sections that describe several experiments, removed from each one's config. */
export const MULTI_SECTIONS = ['variants', 'sweep'] as const;

export interface LocatedOverride {
  /** The path as written (`topology.nodes.0.memory`): a column name in tables and manifests. */
  key: string;
  path: PathSegment[];
  /** The value, located where it was written. */
  value: LNode;
  /** Where the path was written, for problems with the path itself. */
  keyLoc: SourceLocation;
}

export interface OverrideSet {
  /** `demotion` (a variant) or `point 3` (a sweep point): how problems name the set. */
  name: string;
  overrides: readonly LocatedOverride[];
}

/** Where a config comes from: a file, the user's `--set`, and a reader (cached across sets). */
export interface ConfigSource {
  file: string;
  set: readonly string[];
  readFile: (absolutePath: string) => string | undefined;
}

/** A reader that reads each file once, so every set of one experiment sees the same files. */
export function cachedReader(): (absolutePath: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      cache.set(file, readTextFile(file));
    }
    return cache.get(file);
  };
}

/** The base config with its located tree (sections included), as written plus `--set`. */
export interface LoadedBase {
  loaded: LoadedConfig;
  tree: LNode;
}

export function loadBase(source: ConfigSource): LoadedBase {
  let tree: LNode | undefined;
  const loaded = loadConfig(source.file, {
    set: source.set,
    readFile: source.readFile,
    editTree: (root) => {
      tree = root;
      return root;
    },
  });
  // editTree runs whenever loading gets past the overrides, and loadConfig throws otherwise.
  if (tree === undefined) throw new Error('loadBase: the loader did not pass the merged tree');
  return { loaded, tree };
}

/** The entry of a top-level section, or undefined. */
export function sectionOf(root: LNode, name: (typeof MULTI_SECTIONS)[number]): LNode | undefined {
  return root.kind === 'map' ? root.entries.get(name)?.value : undefined;
}

export function withoutSections(root: LNode): LNode {
  if (root.kind !== 'map') return root;
  const entries = new Map(root.entries);
  for (const name of MULTI_SECTIONS) entries.delete(name);
  return { ...root, entries };
}

/** Applies the overrides in order (a later one wins); problems are located at their key. */
export function applyOverrides(root: LNode, overrides: readonly LocatedOverride[]): LNode | ConfigProblem[] {
  let tree = root;
  const problems: ConfigProblem[] = [];
  for (const o of overrides) {
    const applied = applyOverride(tree, { path: o.path, value: o.value }, `${o.key}=…`);
    if ('code' in applied) problems.push({ ...applied, location: o.keyLoc });
    else tree = applied;
  }
  return problems.length > 0 ? problems : tree;
}

export interface ResolvedSet {
  loaded: LoadedConfig;
  /** The config as written (plain data): loading it gives `loaded.config` and `loaded.hash`. */
  raw: unknown;
}

/**
 * The config of one set: the base file with `--set`, without its multi-experiment sections,
 * with the set's overrides. Throws ConfigError; each problem caused by an override is located
 * where the override was written and its message names the set.
 */
export function resolveOverrideSet(source: ConfigSource, set: OverrideSet): ResolvedSet {
  let final: LNode | undefined;
  try {
    const loaded = loadConfig(source.file, {
      set: source.set,
      readFile: source.readFile,
      editTree: (root) => {
        const edited = applyOverrides(withoutSections(root), set.overrides);
        if (!Array.isArray(edited)) final = absoluteTracePaths(edited);
        return final ?? edited;
      },
    });
    if (final === undefined) throw new Error('resolveOverrideSet: the loader did not pass the tree');
    return { loaded, raw: toPlain(final) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.problems.map((p) => attribute(p, set)));
  }
}

/**
 * Names the set in a problem, and moves a problem the loader could only place at `--set` (a
 * key an override added, e.g. an unknown one) to the override whose path holds it.
 */
function attribute(problem: ConfigProblem, set: OverrideSet): ConfigProblem {
  const owner = set.overrides.findLast((o) => isWithin(problem.path, formatPath(o.path)));
  if (owner === undefined) return problem;
  const atOverride = problem.location === undefined || problem.location.file === OVERRIDE_LOCATION.file;
  return {
    ...problem,
    message: `${problem.message} (in ${set.name})`,
    location: atOverride ? owner.keyLoc : problem.location,
  };
}

function isWithin(p: string, prefix: string): boolean {
  return p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`);
}

/**
 * Trace files (`pattern: { type: trace, file }`) resolve relative to the file that wrote them
 * (the working directory for `--set`), as the loader does; written out absolute, the config
 * means the same from any folder, so a point's config.json replays from DIR/points/N.
 */
function absoluteTracePaths(root: LNode): LNode {
  const tasks = child(child(root, 'workload'), 'tasks');
  if (tasks?.kind !== 'seq') return root;
  let changed = false;
  const newTasks = tasks.items.map((task) => {
    const regions = child(task, 'regions');
    if (regions?.kind !== 'seq') return task;
    const newRegions = regions.items.map((region) => {
      const pattern = child(region, 'pattern');
      const type = child(pattern, 'type');
      const file = child(pattern, 'file');
      if (type?.kind !== 'scalar' || type.value !== 'trace' || file?.kind !== 'scalar') return region;
      if (typeof file.value !== 'string' || path.isAbsolute(file.value)) return region;
      const base =
        file.loc.file === OVERRIDE_LOCATION.file ? process.cwd() : path.dirname(path.resolve(file.loc.file));
      changed = true;
      return withChild(
        region,
        'pattern',
        withChild(pattern!, 'file', { ...file, value: path.resolve(base, file.value) }),
      );
    });
    return withChild(task, 'regions', { ...regions, items: newRegions });
  });
  if (!changed) return root;
  const workload = child(root, 'workload')!;
  return withChild(root, 'workload', withChild(workload, 'tasks', { ...tasks, items: newTasks }));
}

function child(node: LNode | undefined, key: string): LNode | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.value : undefined;
}

function withChild(node: LNode, key: string, value: LNode): LNode {
  if (node.kind !== 'map') return node;
  const entries = new Map(node.entries);
  const prev = entries.get(key);
  entries.set(key, { keyLoc: prev?.keyLoc ?? node.loc, value });
  return { ...node, entries };
}
