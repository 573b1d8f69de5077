/**
 * Child process of `npm run validate`: runs one case (argv: case file, hot-set pages) and prints
 * one JSON line, a CaseRun. Cases run in separate processes so they use both cores and each
 * gets a fresh V8 (the access loop runs slower in a process's second simulation).
 */
import { loadCase, measureCase } from './measure.js';
import type { CaseRun } from './report.js';

async function main(): Promise<CaseRun> {
  const file = process.argv[2];
  const hot = Number(process.argv[3] ?? 0);
  try {
    const loaded = loadCase(file);
    if (loaded.status === 'not-modelled') return { status: 'not-modelled', notes: [loaded.reason] };
    const m = await measureCase(loaded.loaded, hot);
    return { status: 'ran', notes: loaded.notes, metrics: m.metrics, finished: m.finished, wallMs: m.wallMs };
  } catch (error) {
    return { status: 'error', notes: [(error as Error).message] };
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
