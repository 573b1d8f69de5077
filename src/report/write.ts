/**
 * Writing a run's output directory:
 *
 *   DIR/result.json                 everything (see metrics/result.ts)
 *   DIR/vmstat                      /proc/vmstat text (kernel counters, machine-wide)
 *   DIR/series.csv                  one row per (sample, node): time_ns, node, score, counters
 *   DIR/nodes/nodeN/{vmstat,meminfo,numastat}   the sysfs per-node files
 *   DIR/block/<dev>/stat            /sys/block/<dev>/stat of the disk and the swap device
 *   DIR/lru_gen                     multi-gen LRU runs: /sys/kernel/debug/lru_gen's short form
 *
 * Each file is written to a temporary name and renamed, so a reader never sees half a file; a
 * failed write removes its temporary file and throws one FsError line (path, errno meaning).
 * result.json is the set's completion mark: an old one is removed first and the new one is
 * written last, so a directory with result.json holds every file of that run (its own
 * `completed` says whether the simulation ran to the end).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fsError } from '../util/fs-errors.js';
import { removeQuietly } from '../util/out-dir.js';
import path from 'node:path';
import type { RunResult } from '../metrics/result.js';
import { SERIES_COUNTERS } from '../metrics/series.js';
import {
  blockStatText,
  lruGenText,
  nodeMeminfo,
  nodeNumastat,
  nodeVmstat,
  procVmstat,
} from './kernel-text.js';

let tmpSerial = 0;

export function writeFileAtomic(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw fsError(err, 'create the directory', path.dirname(file));
  }
  // pid and a serial: two writers in one process (a pool settling points) never share a name.
  const tmp = `${file}.tmp-${process.pid}-${tmpSerial++}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    removeQuietly(tmp);
    throw fsError(err, 'write', file);
  }
}

export function seriesCsv(result: RunResult): string {
  const header = ['time_ns', 'node', 'score', ...SERIES_COUNTERS].join(',');
  const lines = [header];
  const { series } = result;
  series.time_ns.forEach((t, i) => {
    for (const node of series.nodes) {
      const values = SERIES_COUNTERS.map((name) => String(node.counters[name][i]));
      lines.push([String(t), String(node.id), String(Math.round(series.score[i])), ...values].join(','));
    }
  });
  return lines.join('\n') + '\n';
}

export function writeRunOutput(dir: string, result: RunResult): void {
  const resultFile = path.join(dir, 'result.json');
  // A previous run's result.json would mark this run's half-written set complete.
  removeQuietly(resultFile);
  writeFileAtomic(path.join(dir, 'vmstat'), procVmstat(result));
  writeFileAtomic(path.join(dir, 'series.csv'), seriesCsv(result));
  for (const [device, stat] of Object.entries(result.block)) {
    writeFileAtomic(path.join(dir, 'block', device, 'stat'), blockStatText(stat));
  }
  for (const node of result.nodes) {
    const nodeDir = path.join(dir, 'nodes', `node${node.id}`);
    writeFileAtomic(path.join(nodeDir, 'vmstat'), nodeVmstat(node));
    writeFileAtomic(path.join(nodeDir, 'meminfo'), nodeMeminfo(node));
    writeFileAtomic(path.join(nodeDir, 'numastat'), nodeNumastat(node));
  }
  const lruGen = lruGenText(result);
  if (lruGen !== null) writeFileAtomic(path.join(dir, 'lru_gen'), lruGen);
  writeFileAtomic(resultFile, JSON.stringify(result, null, 1) + '\n');
}
