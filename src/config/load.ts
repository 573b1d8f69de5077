/**
 * Loading a config: YAML → located tree → includes merged → `--set` overrides → schema →
 * semantic checks. Every stage collects all its problems and throws one ConfigError, and every
 * problem says file:line:col, the YAML path and what was expected; a stage runs only when the
 * previous one succeeded, because checking a half-parsed config would report consequences, not
 * causes.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../util/errors.js';
import { errnoMeaning, FsError, readTextFile } from '../util/fs-errors.js';
import type { ConfigProblem, SourceLocation } from '../util/errors.js';
import { issuesToProblems } from './issues.js';
import { applyOverride, parseOverride } from './overrides.js';
import { ConfigSchema } from './schema.js';
import type { Config } from './schema.js';
import { SourceMap, mergeNodes, toPlain } from './source-map.js';
import type { LEntry, LNode } from './source-map.js';
import { validateSemantics } from './validate.js';
import { fileContentHash } from '../workload/trace/content-hash.js';
import { isStream, resolveTraceFiles } from '../workload/trace/resolve.js';
import { parseYaml } from './yaml-source.js';

export interface LoadOptions {
  /** `path=value` overrides (`--set`), applied in order after includes are merged. */
  set?: readonly string[] | undefined;
  /**
   * Reads a file by absolute path; undefined when it does not exist. Default: the file system.
   * Tests pass an in-memory map.
   */
  readFile?: ((absolutePath: string) => string | undefined) | undefined;
  /**
   * Edits the merged tree after includes and `--set`, before the schema sees it: variants and
   * sweep points apply their overrides here (with the locations they were written at), and
   * strip the `variants`/`sweep` sections from the config they resolve to. Returns the new tree,
   * or the problems found (thrown as one ConfigError).
   */
  editTree?: ((root: LNode) => LNode | ConfigProblem[]) | undefined;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file loaded. */
  file: string;
  /** Absolute paths of every file read (the file itself, then its includes, depth first). */
  files: string[];
  /** sha256 (hex) of the canonical JSON of `config`: equal configs, equal hashes. */
  hash: string;
  /** Where the value at a path (`topology.nodes[2].memory`) was written; undefined for defaults. */
  locate: (path: string) => SourceLocation | undefined;
  /** The full source map, for stages that need the nearest written ancestor of a defaulted value. */
  sourceMap: SourceMap;
}

/** Loads and validates a config file. Throws ConfigError listing every problem found. */
export function loadConfig(file: string, opts: LoadOptions = {}): LoadedConfig {
  const read = opts.readFile ?? readIfExists;
  let text: string | undefined;
  try {
    text = read(path.resolve(file));
  } catch (err) {
    if (!(err instanceof FsError)) throw err;
    const message = `cannot read config file ${file}: ${errnoMeaning(err.errno)} (${err.errno})`;
    throw new ConfigError([{ code: 'UNREADABLE_FILE', path: '', message }]);
  }
  if (text === undefined) {
    throw new ConfigError([
      { code: 'FILE_NOT_FOUND', path: '', message: `cannot read config file ${file}: no such file` },
    ]);
  }
  return parseConfigText(text, file, opts);
}

/**
 * Loads a config from text as if it were the file `fileName` (includes resolve relative to
 * it, and errors name it).
 */
export function parseConfigText(text: string, fileName: string, opts: LoadOptions = {}): LoadedConfig {
  const abs = path.resolve(fileName);
  const ctx: IncludeContext = { read: opts.readFile ?? readIfExists, files: [abs], problems: [] };
  const merged = loadTree(text, { abs, shown: fileName }, [], ctx);
  if (merged === undefined || ctx.problems.length > 0) throw new ConfigError(ctx.problems);

  let root = merged;
  const overrideProblems: ConfigProblem[] = [];
  for (const overrideText of opts.set ?? []) {
    const override = parseOverride(overrideText);
    const applied = 'code' in override ? override : applyOverride(root, override, overrideText);
    if ('code' in applied) overrideProblems.push(applied);
    else root = applied;
  }
  if (overrideProblems.length > 0) throw new ConfigError(overrideProblems);
  if (opts.editTree !== undefined) {
    const edited = opts.editTree(root);
    if (Array.isArray(edited)) throw new ConfigError(edited);
    root = edited;
  }

  const sourceMap = new SourceMap(root);
  const raw = toPlain(root);
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(issuesToProblems(parsed.error.issues, raw, ConfigSchema, sourceMap));
  const semantic = validateSemantics(parsed.data, sourceMap);
  if (semantic.length > 0) throw new ConfigError(semantic);
  // The hash is of the config as written (trace paths are made absolute below), and of the
  // content of the traces it replays: an edited trace is another experiment.
  const writtenHash = configHash(parsed.data);
  const traces = resolveTraceFiles(parsed.data, sourceMap);
  if (traces.length > 0) throw new ConfigError(traces);
  const hash = withTraceContent(writtenHash, parsed.data);

  return {
    config: parsed.data,
    file: abs,
    files: ctx.files,
    hash,
    locate: (p) => sourceMap.locate(p),
    sourceMap,
  };
}

/**
 * A config hash extended with the sha256 of each trace file it replays (in region order); the
 * hash itself when it replays none, so configs without traces keep their hash.
 */
function withTraceContent(hash: string, config: Config): string {
  const contents: string[] = [];
  for (const task of config.workload?.tasks ?? []) {
    for (const region of task.regions) {
      const p = region.pattern;
      if (p.type !== 'trace') continue;
      contents.push(isStream(p.file) ? `stream:${p.file}` : fileContentHash(p.file));
    }
  }
  if (contents.length === 0) return hash;
  return createHash('sha256')
    .update(`${hash}\ntraces:${contents.join(',')}`)
    .digest('hex');
}

/** sha256 hex of the canonical JSON of a resolved config. */
export function configHash(config: Config): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** JSON with object keys sorted at every level and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Includes
// ---------------------------------------------------------------------------------------------

interface IncludeContext {
  read: (absolutePath: string) => string | undefined;
  files: string[];
  problems: ConfigProblem[];
}

/** A file as read (`abs`) and as named in errors (`shown`: the path given, joined with includes). */
interface FileRef {
  abs: string;
  shown: string;
}

/**
 * Parses one file and merges its includes under it (later includes win over earlier ones, the
 * file itself over all). `stack` holds the files that include this one, for cycle detection.
 */
function loadTree(text: string, file: FileRef, stack: FileRef[], ctx: IncludeContext): LNode | undefined {
  const parsed = parseYaml(text, file.shown);
  ctx.problems.push(...parsed.problems);
  const root = parsed.root;
  if (root?.kind !== 'map') return root;
  const include = root.entries.get('include');
  if (include === undefined) return root;

  const entries = new Map(root.entries);
  entries.delete('include');
  const own: LNode = { ...root, entries };

  let base: LNode | undefined;
  for (const ref of includeRefs(include, file, ctx)) {
    const target = resolveInclude(ref.path, file);
    const chain = [...stack, file];
    if (chain.some((f) => f.abs === target.abs)) {
      const cycle = [...chain.slice(chain.findIndex((f) => f.abs === target.abs)), target];
      ctx.problems.push({
        code: 'BAD_REFERENCE',
        path: ref.pathText,
        message: `include cycle: ${cycle.map((f) => f.shown).join(' -> ')}`,
        location: ref.loc,
      });
      continue;
    }
    let sub: string | undefined;
    try {
      sub = ctx.read(target.abs);
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      ctx.problems.push({
        code: 'UNREADABLE_FILE',
        path: ref.pathText,
        message: `included file ${target.shown} cannot be read: ${errnoMeaning(err.errno)} (${err.errno})`,
        location: ref.loc,
      });
      continue;
    }
    if (sub === undefined) {
      ctx.problems.push({
        code: 'FILE_NOT_FOUND',
        path: ref.pathText,
        message: `included file ${target.shown} does not exist${target.shown === target.abs ? '' : ` (resolved to ${target.abs})`}`,
        location: ref.loc,
      });
      continue;
    }
    if (!ctx.files.includes(target.abs)) ctx.files.push(target.abs);
    const tree = loadTree(sub, target, chain, ctx);
    if (tree === undefined || (tree.kind === 'scalar' && tree.value === null)) continue; // empty file
    if (tree.kind !== 'map') {
      ctx.problems.push({
        code: 'INVALID_VALUE',
        path: '',
        message: `an included file must be a mapping of config keys, received a ${tree.kind === 'seq' ? 'list' : 'single value'}`,
        location: tree.loc,
      });
      continue;
    }
    base = base === undefined ? tree : mergeNodes(base, tree);
  }
  return base === undefined ? own : mergeNodes(base, own);
}

interface IncludeRef {
  path: string;
  /** YAML path of the include entry (`include` or `include[1]`). */
  pathText: string;
  loc: SourceLocation;
}

/** The include entries of a file: one string or a list of strings, each located. */
function includeRefs(entry: LEntry, file: FileRef, ctx: IncludeContext): IncludeRef[] {
  const node = entry.value;
  const items =
    node.kind === 'seq'
      ? node.items.map((n, i) => ({ n, at: `include[${i}]` }))
      : [{ n: node, at: 'include' }];
  const refs: IncludeRef[] = [];
  for (const { n, at } of items) {
    if (n.kind === 'scalar' && typeof n.value === 'string' && n.value !== '') {
      refs.push({ path: n.value, pathText: at, loc: n.loc });
    } else {
      ctx.problems.push({
        code: 'INVALID_VALUE',
        path: at,
        message: `expected a path (relative to ${file.shown}) or a list of paths, received ${n.kind === 'scalar' ? JSON.stringify(n.value) : `a ${n.kind === 'seq' ? 'list' : 'mapping'}`}`,
        location: n.loc,
      });
    }
  }
  return refs;
}

function resolveInclude(target: string, from: FileRef): FileRef {
  if (path.isAbsolute(target)) return { abs: path.normalize(target), shown: path.normalize(target) };
  return {
    abs: path.resolve(path.dirname(from.abs), target),
    shown: path.normalize(path.join(path.dirname(from.shown), target)),
  };
}

/** A missing file is undefined (the caller locates it); a directory or no permission an FsError. */
function readIfExists(absolutePath: string): string | undefined {
  return readTextFile(absolutePath);
}
