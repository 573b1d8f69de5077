/**
 * Writing a run's output directory:
 *
 *   DIR/result.json                 everything (see metrics/result.ts)
 *   DIR/vmstat                      /proc/vmstat text (kernel counters, machine-wide)
 *   DIR/series.csv                  one row per (sample, node): time_ns, node, score, counters
 *   DIR/nodes/nodeN/{vmstat,meminfo,numastat}   the sysfs per-node files
 *   DIR/block/<dev>/stat            /sys/block/<dev>/stat of the disk and the swap device
 *
 * Each file is written to a temporary name and renamed, so a reader never sees half a file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
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

export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
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
  writeFileAtomic(path.join(dir, 'result.json'), JSON.stringify(result, null, 1) + '\n');
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
}
