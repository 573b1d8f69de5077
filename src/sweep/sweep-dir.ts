/**
 * A sweep's output directory:
 *
 *   DIR/manifest.json            tiersim version, the expansion order, swept keys, and every
 *                                point: index, name, swept values, seed, resolved config hash
 *   DIR/points/N/config.json     the plain experiment of point N (`tiersim run --from DIR/points/N`)
 *   DIR/points/N/result.json …   its output, as `tiersim run --out` writes it (report/write.ts)
 *   DIR/points/N/point.json      written last: done (with the config hash) or failed (with the
 *                                error); a point is finished only when this says done
 *   DIR/points.idx               every point's config hash in fixed-width lines, so that an
 *                                array task checks its own points by reading only their lines
 *   DIR/summary.csv, summary.json, report.html     tables and charts of the points that exist
 *   DIR/.lock                    while a sweep runs every point (acquireSweepLock)
 *
 * The manifest holds no wall-clock time, so every process of a sweep (a rerun, or the Slurm
 * array tasks sharing DIR) writes the same bytes, and a rerun of a finished sweep changes
 * nothing. Every file is written to a temporary name and renamed (report/write.ts).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../config/load.js';
import type { RunResult } from '../metrics/result.js';
import { writeFileAtomic } from '../report/write.js';
import { fsError, isErrnoError, readTextFile } from '../util/fs-errors.js';
import { removeQuietly } from '../util/out-dir.js';
import { TIERSIM_VERSION } from '../util/version.js';
import type { ExperimentPlan } from './plan.js';

export const MANIFEST_FORMAT = 'tiersim-sweep/1';
export const EXPANSION_ORDER =
  'variants x grid keys (in written order) x zip x seeds; the first outermost, seeds innermost';

export interface ManifestPoint {
  index: number;
  name: string;
  /** Folder of the point, relative to DIR. */
  dir: string;
  values: Record<string, unknown>;
  seed: number;
  config_hash: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  tiersim_version: string;
  config_file: string;
  set: string[];
  description: string | null;
  base_config_hash: string;
  order: string;
  keys: string[];
  /** Keys of each loop, outermost first (a zip is one loop of several keys). */
  loops: string[][];
  counters: string[];
  points: ManifestPoint[];
}

export interface PointStatus {
  index: number;
  name: string;
  /** failed includes a point a signal stopped mid-run (error: "interrupted by SIGTERM at epoch N of M ..."). */
  status: 'done' | 'failed';
  config_hash: string;
  seed: number;
  error: string | null;
  /** Where and how it ran (wall-clock facts; not part of the result). */
  run: {
    finished_at: string;
    elapsed_ms: number;
    thread_id: number;
    simulations_in_thread: number;
    heap_used_bytes: number;
  };
}

/** A problem with the output directory itself (another sweep's, unreadable): a usage error. */
export class SweepDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepDirError';
  }
}

export function pointDir(dir: string, index: number): string {
  return path.join(dir, 'points', String(index));
}

export function manifestOf(plan: ExperimentPlan): Manifest {
  return {
    format: MANIFEST_FORMAT,
    tiersim_version: TIERSIM_VERSION,
    config_file: plan.file,
    set: plan.set,
    description: plan.description ?? null,
    base_config_hash: plan.baseHash,
    order: EXPANSION_ORDER,
    keys: plan.keys,
    loops: plan.loops,
    counters: plan.counters,
    points: plan.points.map((p) => ({
      index: p.index,
      name: p.name,
      dir: path.posix.join('points', String(p.index)),
      values: p.values,
      seed: p.seed,
      config_hash: p.hash,
    })),
  };
}

export function readJson<T>(file: string): T | undefined {
  let text: string | undefined;
  try {
    text = readTextFile(file);
  } catch (err) {
    throw new SweepDirError((err as Error).message);
  }
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new SweepDirError(`cannot read ${file}: not valid JSON (${(err as Error).message})`);
  }
}

export function readManifest(dir: string): Manifest | undefined {
  const manifest = readJson<Manifest>(path.join(dir, 'manifest.json'));
  const format: unknown = manifest?.format;
  if (manifest !== undefined && format !== MANIFEST_FORMAT) {
    throw new SweepDirError(
      `${path.join(dir, 'manifest.json')} is not a tiersim sweep manifest (format ${JSON.stringify(format)}, expected ${MANIFEST_FORMAT})`,
    );
  }
  return manifest;
}

/**
 * Writes DIR/manifest.json, or checks that the one there describes the same sweep: the same
 * tiersim version, keys and points with the same config hashes (the config file may be named
 * differently, e.g. by an absolute path in a Slurm script).
 */
export function ensureManifest(dir: string, manifest: Manifest): void {
  const file = path.join(dir, 'manifest.json');
  const existing = readManifest(dir);
  if (existing === undefined) {
    writeFileAtomic(file, JSON.stringify(manifest, null, 1) + '\n');
    writePointIndex(dir, manifest);
    return;
  }
  const why = manifestMismatch(existing, manifest);
  if (why !== undefined) {
    throw new SweepDirError(
      `${dir} holds another sweep (${why}); use another --out directory, or remove ${dir} to start over`,
    );
  }
  if (!existsSync(path.join(dir, POINT_INDEX))) writePointIndex(dir, manifest);
}

// ---------------------------------------------------------------------------------------------
// The point index: what an array task reads instead of the manifest
// ---------------------------------------------------------------------------------------------

export const POINT_INDEX = 'points.idx';
/** Header: JSON padded with spaces to 127 bytes and a newline; then one 64-hex hash + newline per point. */
const INDEX_HEADER = 128;
const INDEX_LINE = 65;

export interface PointIndexHeader {
  format: 'tiersim-sweep-index/1';
  tiersim_version: string;
  points: number;
}

function writePointIndex(dir: string, manifest: Manifest): void {
  const header: PointIndexHeader = {
    format: 'tiersim-sweep-index/1',
    tiersim_version: manifest.tiersim_version,
    points: manifest.points.length,
  };
  const head = JSON.stringify(header).padEnd(INDEX_HEADER - 1, ' ') + '\n';
  const lines = manifest.points.map((p) => `${p.config_hash}\n`);
  writeFileAtomic(path.join(dir, POINT_INDEX), head + lines.join(''));
}

/**
 * The recorded config hashes of the points `indices` (undefined when DIR has no index yet),
 * read from their fixed-width lines alone: the work does not grow with the sweep's size.
 */
export function readPointIndex(
  dir: string,
  indices: readonly number[],
): { header: PointIndexHeader; hashes: Map<number, string> } | undefined {
  const file = path.join(dir, POINT_INDEX);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(Math.max(INDEX_HEADER, INDEX_LINE));
    const got = readSync(fd, buf, 0, INDEX_HEADER, 0);
    let header: PointIndexHeader;
    try {
      header = JSON.parse(buf.subarray(0, got).toString('utf8')) as PointIndexHeader;
    } catch {
      throw new SweepDirError(
        `${file} is not a tiersim point index (remove it: the next sweep command rewrites it)`,
      );
    }
    const hashes = new Map<number, string>();
    for (const i of indices) {
      if (i < 0 || i >= header.points) continue;
      const n = readSync(fd, buf, 0, INDEX_LINE, INDEX_HEADER + i * INDEX_LINE);
      const line = buf.subarray(0, n).toString('latin1');
      if (!/^[0-9a-f]{64}\n$/.test(line)) throw new SweepDirError(`${file}: line of point ${i} is damaged`);
      hashes.set(i, line.slice(0, 64));
    }
    return { header, hashes };
  } finally {
    closeSync(fd);
  }
}

function manifestMismatch(a: Manifest, b: Manifest): string | undefined {
  if (a.tiersim_version !== b.tiersim_version) {
    return `made by tiersim ${a.tiersim_version}, this is ${b.tiersim_version}`;
  }
  if (canonicalJson(a.keys) !== canonicalJson(b.keys)) {
    return `swept keys ${a.keys.join(', ')} there, ${b.keys.join(', ')} here`;
  }
  if (a.points.length !== b.points.length) return `${a.points.length} points there, ${b.points.length} here`;
  const differing = b.points.find((p, i) => a.points[i]?.config_hash !== p.config_hash);
  if (differing !== undefined) {
    return `point ${differing.index} resolves to config ${differing.config_hash.slice(0, 12)} here, ${a.points[differing.index]?.config_hash.slice(0, 12)} there`;
  }
  return undefined;
}

export function readPointStatus(dir: string, index: number): PointStatus | undefined {
  return readJson<PointStatus>(path.join(pointDir(dir, index), 'point.json'));
}

/** Finished: point.json says done, for this config hash (a point of an edited sweep is not). */
export function isFinished(dir: string, point: Pick<ManifestPoint, 'index' | 'config_hash'>): boolean {
  const status = readPointStatus(dir, point.index);
  return status?.status === 'done' && status.config_hash === point.config_hash;
}

export function writePointStatus(dir: string, status: PointStatus): void {
  writeFileAtomic(
    path.join(pointDir(dir, status.index), 'point.json'),
    JSON.stringify(status, null, 1) + '\n',
  );
}

export function readPointResult(dir: string, index: number): RunResult | undefined {
  return readJson<RunResult>(path.join(pointDir(dir, index), 'result.json'));
}

/**
 * DIR/.lock while a sweep runs all its points into DIR: a second `tiersim sweep` into the same
 * directory would run the same points at the same time (each doing the other's work). It holds
 * the owner's pid and host; a lock whose process is gone (killed) is taken over. Array tasks
 * (`--index`) share DIR by design and take no lock.
 */
export function acquireSweepLock(dir: string): () => void {
  const file = path.join(dir, '.lock');
  const me = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx' });
      return () => {
        if (readLock(file)?.pid === me.pid) removeQuietly(file);
      };
    } catch (err) {
      if (!isErrnoError(err) || err.code !== 'EEXIST') throw fsError(err, 'lock the sweep directory', dir);
    }
    const holder = readLock(file);
    if (holder !== undefined && holder.host === me.host && processAlive(holder.pid)) {
      throw new SweepDirError(
        `${dir} is in use by another tiersim sweep (pid ${holder.pid}); wait for it, or use another --out directory`,
      );
    }
    if (holder !== undefined && holder.host !== me.host) {
      throw new SweepDirError(
        `${dir} is locked by a tiersim sweep on ${holder.host} (pid ${holder.pid}); if none runs there, remove ${file}`,
      );
    }
    removeQuietly(file); // stale: its process is gone
  }
  throw new SweepDirError(`${dir}: cannot take the sweep lock ${file}`);
}

function readLock(file: string): { pid: number; host: string } | undefined {
  try {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof lock.pid === 'number' && typeof lock.host === 'string'
      ? { pid: lock.pid, host: lock.host }
      : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return isErrnoError(err) && err.code === 'EPERM';
  }
}
