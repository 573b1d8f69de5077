/**
 * `npm run validate [-- --case GLOB] [--json FILE] [--write-readme] [--jobs N]`: runs every
 * case of validation/linux-6.12/cases against figures.json, a child process per case, prints
 * the table and exits 0 only if every modelled case and every direction passes.
 */
import { fork } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures } from './import.js';
import { markdownReport, textReport, validationReport, withReadmeSection, type CaseRun } from './report.js';

const here = fileURLToPath(import.meta.url);
const ext = path.extname(here);
// src/validation (tsx) or dist/src/validation (compiled): the repo is two or three levels up.
const repoRoot = path.resolve(path.dirname(here), ext === '.js' ? '../../..' : '../..');
const validationDir = path.join(repoRoot, 'validation', 'linux-6.12');

interface Options {
  glob: string | undefined;
  json: string | undefined;
  writeReadme: boolean;
  jobs: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    glob: undefined,
    json: undefined,
    writeReadme: false,
    jobs: Math.min(2, availableParallelism()),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--case') o.glob = argv[++i];
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--write-readme') o.writeReadme = true;
    else if (a === '--jobs') o.jobs = Math.max(1, Number(argv[++i]) || 1);
    else throw new Error(`unknown argument ${a} (use --case GLOB, --json FILE, --write-readme, --jobs N)`);
  }
  return o;
}

function globRegex(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function runChild(file: string, hot: number): Promise<CaseRun> {
  return new Promise((resolve) => {
    const child = fork(path.join(path.dirname(here), `worker${ext}`), [file, String(hot)], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as CaseRun);
      } catch {
        resolve({
          status: 'error',
          notes: [`worker exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`],
        });
      }
    });
  });
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const figures = JSON.parse(readFileSync(path.join(validationDir, 'figures.json'), 'utf8')) as Figures;
  const casesDir = path.join(validationDir, 'cases');
  let ids = readdirSync(casesDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
  if (o.glob !== undefined) ids = ids.filter((id) => globRegex(o.glob!).test(id));
  const missing = ids.filter((id) => figures.cases[id] === undefined);
  if (missing.length > 0) throw new Error(`no kernel figures for case(s) ${missing.join(', ')}`);
  if (ids.length === 0) throw new Error('no case matches');
  const runs = new Map<string, CaseRun>();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const hot = Number(
        (figures.cases[id].workload_report[0]?.config as Record<string, string> | undefined)?.hot_pages ?? 0,
      );
      const wl = figures.cases[id].workload;
      const run = await runChild(path.join(casesDir, `${id}.yaml`), wl === 'W3p' ? hot : 0);
      runs.set(id, run);
      done++;
      const wall = run.wallMs === undefined ? '' : ` in ${(run.wallMs / 1000).toFixed(1)} s`;
      process.stderr.write(`[${done}/${ids.length}] ${id}: ${run.status}${wall}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, ids.length) }, worker));
  const ordered = new Map(ids.map((id) => [id, runs.get(id)!]));
  const report = validationReport(figures, ordered);
  console.log(textReport(report));
  if (o.json !== undefined) writeFileSync(o.json, `${JSON.stringify(report, null, 1)}\n`);
  if (o.writeReadme) {
    const readmePath = path.join(repoRoot, 'README.md');
    writeFileSync(readmePath, withReadmeSection(readFileSync(readmePath, 'utf8'), markdownReport(report)));
    console.log('README.md: Validation section written');
  }
  return report.pass ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`validate: ${(error as Error).message}`);
    process.exitCode = 2;
  },
);
