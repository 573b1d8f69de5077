/**
 * `npx tsx scripts/mutation-table.ts REPORT.json...`: the per-file table of docs/testing.md
 * from Stryker JSON reports (reports/mutation/mutation.json, one per `npm run mutation --
 * --mutate FILE` run; a later report's file replaces an earlier one's). Score as Stryker's:
 * (killed + timeout) / (killed + timeout + survived + no coverage); ignored (static) mutants
 * are counted in `mutants` only. `--survivors` lists the survived and uncovered mutants.
 */
import { readFileSync } from 'node:fs';

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}
interface Row {
  mutants: number;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
}

const args = process.argv.slice(2);
const survivors = args.includes('--survivors');
const rows = new Map<string, Row>();
for (const file of args.filter((a) => a !== '--survivors')) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  for (const [name, f] of Object.entries(report.files)) {
    const row: Row = { mutants: 0, killed: 0, survived: 0, timeout: 0, noCoverage: 0 };
    const lines = f.source.split('\n');
    for (const m of f.mutants) {
      row.mutants++;
      if (m.status === 'Killed') row.killed++;
      else if (m.status === 'Survived') row.survived++;
      else if (m.status === 'Timeout') row.timeout++;
      else if (m.status === 'NoCoverage') row.noCoverage++;
      if (survivors && (m.status === 'Survived' || m.status === 'NoCoverage')) {
        const line = m.location.start.line;
        console.log(
          `${name}:${line} ${m.status} ${m.mutatorName}: ${lines[line - 1].trim()} => ${m.replacement ?? ''}`,
        );
      }
    }
    rows.set(name, row);
  }
}
if (!survivors) {
  const score = (r: Row) => {
    const valid = r.killed + r.timeout + r.survived + r.noCoverage;
    return valid === 0 ? '—' : `${((100 * (r.killed + r.timeout)) / valid).toFixed(1)} %`;
  };
  const total: Row = { mutants: 0, killed: 0, survived: 0, timeout: 0, noCoverage: 0 };
  console.log('| file | mutants | killed | survived | timeout | no coverage | score |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    for (const k of Object.keys(total) as (keyof Row)[]) total[k] += r[k];
    console.log(
      `| ${name} | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.timeout} | ${r.noCoverage} | ${score(r)} |`,
    );
  }
  console.log(
    `| total | ${total.mutants} | ${total.killed} | ${total.survived} | ${total.timeout} | ${total.noCoverage} | ${score(total)} |`,
  );
}
