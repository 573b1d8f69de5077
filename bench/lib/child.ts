/**
 * Running a bench (or one case of it) in a fresh Node process, so that every measurement starts
 * from a clean V8: no type feedback, optimized code or closures left over from another case.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { COMPILED, REPO_ROOT } from './env.js';
import { parseResults } from './report.js';

export interface ChildRun {
  status: number | null;
  stdout: string;
  results: unknown[];
  ms: number;
}

/**
 * Node's arguments to run bench/<file> the way this process runs: compiled (dist/bench/*.js,
 * `npm run bench`) or from source under tsx (`npx tsx bench/<file>`).
 */
export function benchEntry(file: string): string[] {
  return COMPILED
    ? [path.join(REPO_ROOT, 'dist', 'bench', file.replace(/\.ts$/, '.js'))]
    : ['--import', 'tsx', path.join('bench', file)];
}

/**
 * bench/<file> ...args in a child (benchEntry), output echoed (indented by `indent`) as it is
 * captured; returns the BENCH_RESULT records it printed.
 */
export function runBenchChild(file: string, args: string[], opts: { echo?: boolean } = {}): ChildRun {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...benchEntry(file), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const stdout = r.stdout ?? '';
  if (opts.echo !== false) {
    for (const line of stdout.split('\n')) {
      if (line.length > 0 && !line.startsWith('BENCH_RESULT ')) console.log(`  | ${line}`);
    }
  }
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stdout, results: parseResults(stdout), ms };
}
