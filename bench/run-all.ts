/**
 * Runs every bench file in sequence, each in its own Node process (`node --import tsx
 * bench/<file>`), so each starts from a fresh V8 and none inherits another's type feedback,
 * optimized code or memory. `npm run bench` runs this file.
 *
 * Reading the result: each bench prints its own header (machine, Node version, load average)
 * and tables; this script adds the wall time of each and exits non-zero if any failed.
 *
 * Run: npx tsx bench/run-all.ts [--only baseline,access,reclaim,memory]
 */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, argValue, printHeader } from './lib/env.js';
import { benchEntry } from './lib/child.js';

const FILES = [
  'baseline.bench.ts',
  'access.bench.ts',
  'generate.bench.ts',
  'reclaim.bench.ts',
  'memory.bench.ts',
  'sync.bench.ts',
  'scaling.bench.ts',
  'sweep.bench.ts',
];

const only = argValue('--only')?.split(',');
const selected = only === undefined ? FILES : FILES.filter((f) => only.some((o) => f.startsWith(`${o}.`)));
printHeader(`run-all: ${selected.join(', ')}`);

const summary: { file: string; status: string; seconds: string }[] = [];
for (const file of selected) {
  console.log(`\n==================== ${file} ====================`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, benchEntry(file), {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  const seconds = (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1);
  const status =
    r.error !== undefined ? r.error.message : r.status === 0 ? 'ok' : `exit ${r.status ?? r.signal}`;
  summary.push({ file, status, seconds });
}
console.log('\n==================== run-all ====================');
console.table(summary);
if (summary.some((s) => s.status !== 'ok')) process.exitCode = 1;
