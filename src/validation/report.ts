/**
 * The validation table: each case's figures judged against the kernel's (compare.ts, spec.ts),
 * the demotion on/off and MGLRU/classic directions, as text for the terminal, Markdown for
 * README's "Validation" section and JSON for --json.
 */
import type { CaseFigures, Figures } from './import.js';
import { direction, judge, kernelDirections, reps, type Reps } from './compare.js';
import { METRICS, checkFor, floorFor } from './spec.js';
import { formatCount } from '../report/table.js';

export interface CaseRun {
  status: 'ran' | 'not-modelled' | 'error';
  notes: string[];
  metrics?: Record<string, number>;
  finished?: boolean;
  wallMs?: number;
}

export interface Row {
  metric: string;
  kernel: Reps;
  tiersim: number;
  rule: string;
  ok: boolean;
  judged: boolean;
  deviation: number | undefined;
}

export interface CaseReport {
  id: string;
  status: 'pass' | 'fail' | 'not-modelled' | 'error';
  notes: string[];
  rows: Row[];
  wallMs: number | undefined;
}

export interface DirectionRow {
  pair: string;
  metric: string;
  /** The kernel's direction, or with bimodal reps each direction a pair of its boots shows. */
  kernel: (-1 | 0 | 1)[];
  tiersim: -1 | 0 | 1;
  ok: boolean;
}

export interface ValidationReport {
  cases: CaseReport[];
  directions: DirectionRow[];
  pass: boolean;
}

/** Per-run kernel values of a metric, with the derived pgdemote = kswapd + direct. */
export function kernelValues(c: CaseFigures, metric: string): (number | null)[] | undefined {
  if (metric === 'pgdemote') {
    const k = c.metrics.pgdemote_kswapd;
    const d = c.metrics.pgdemote_direct;
    if (k === undefined || d === undefined) return undefined;
    return k.map((x, i) => (x === null || d[i] === null ? null : x + d[i]));
  }
  return c.metrics[metric];
}

export function judgeCase(id: string, c: CaseFigures, run: CaseRun): CaseReport {
  if (run.status !== 'ran' || run.metrics === undefined) {
    return {
      id,
      status: run.status === 'error' ? 'error' : 'not-modelled',
      notes: run.notes,
      rows: [],
      wallMs: undefined,
    };
  }
  const rows: Row[] = [];
  for (const spec of METRICS[c.workload] ?? []) {
    const values = kernelValues(c, spec.name);
    const k = values === undefined ? undefined : reps(values);
    const sim = run.metrics[spec.name];
    if (k === undefined || sim === undefined) continue;
    const check = checkFor(spec.cls, c.lru);
    const v = judge(sim, k, check, floorFor(c.workload, spec.unit));
    rows.push({ metric: spec.name, kernel: k, tiersim: sim, judged: check.kind !== 'info', ...v });
  }
  const notes = [...run.notes];
  if (run.finished === false) notes.push('the program did not end within run.duration');
  const ok = run.finished !== false && rows.every((r) => r.ok);
  return { id, status: ok ? 'pass' : 'fail', notes, rows, wallMs: run.wallMs };
}

/** Demotion on vs off (same workload, policy, LRU) and MGLRU vs classic (same everything else). */
export function judgeDirections(figures: Figures, reports: CaseReport[]): DirectionRow[] {
  const byId = new Map(reports.map((r) => [r.id, r]));
  const out: DirectionRow[] = [];
  const pairs: [string, string, string][] = [];
  for (const id of Object.keys(figures.cases)) {
    if (/-d1(-mglru)?$/.test(id)) pairs.push([id.replace('-d1', '-d0'), id, 'demotion off → on']);
    if (id.endsWith('-mglru')) pairs.push([id.replace(/-mglru$/, ''), id, 'classic → MGLRU']);
  }
  for (const [a, b, what] of pairs) {
    const ra = byId.get(a);
    const rb = byId.get(b);
    const fa = figures.cases[a];
    const fb = figures.cases[b];
    if (ra === undefined || rb === undefined || fa === undefined || fb === undefined) continue;
    if (ra.rows.length === 0 || rb.rows.length === 0) continue;
    for (const row of ra.rows) {
      if (!row.judged) continue;
      const other = rb.rows.find((r) => r.metric === row.metric);
      if (other === undefined) continue;
      const spec = (METRICS[fa.workload] ?? []).find((s) => s.name === row.metric)!;
      const check = checkFor(spec.cls, fb.lru);
      const tol = check.kind === 'rel' ? check.tol : 0.15;
      const floor = floorFor(fa.workload, spec.unit);
      const boots = (c: CaseFigures) =>
        (kernelValues(c, row.metric) ?? []).filter((x): x is number => x !== null);
      const kd = kernelDirections(boots(fa), boots(fb), tol, floor);
      const sd = direction(row.tiersim, other.tiersim, tol, floor);
      out.push({
        pair: `${a} → ${b} (${what})`,
        metric: row.metric,
        kernel: kd,
        tiersim: sd,
        ok: kd.includes(sd),
      });
    }
  }
  return out;
}

export function validationReport(figures: Figures, runs: Map<string, CaseRun>): ValidationReport {
  const cases = [...runs.entries()].map(([id, run]) => judgeCase(id, figures.cases[id], run));
  const directions = judgeDirections(figures, cases);
  const pass =
    cases.every((c) => c.status === 'pass' || c.status === 'not-modelled') && directions.every((d) => d.ok);
  return { cases, directions, pass };
}

function fmt(x: number): string {
  if (Number.isInteger(x) || Math.abs(x) >= 100) return formatCount(Math.round(x));
  return x.toFixed(1);
}

function kernelCell(k: Reps): string {
  return k.n > 1 && k.min !== k.max ? `${fmt(k.mean)} [${fmt(k.min)}–${fmt(k.max)}]` : fmt(k.mean);
}

function devCell(r: Row): string {
  if (r.deviation === undefined) return r.tiersim === 0 ? '0' : 'new';
  const pct = r.deviation * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

const SIGN = { '-1': '−', '0': '0', '1': '+' } as const;

/** "+", or "0/+" where the kernel's boots disagree. */
function kernelSigns(d: DirectionRow): string {
  return d.kernel.map((x) => SIGN[x]).join('/');
}

/** Markdown: the judged rows of every case in one table (info rows: terminal and --json), then the wrong directions. */
export function markdownReport(r: ValidationReport): string {
  const lines: string[] = [];
  const passed = r.cases.filter((c) => c.status === 'pass').length;
  lines.push(
    `${passed} of ${r.cases.length} cases pass: ${r.cases.map((c) => `${c.id} ${c.status}`).join(', ')}.`,
  );
  const notes = [...new Set(r.cases.flatMap((c) => c.notes))];
  if (notes.length > 0) lines.push(`Notes: ${notes.join('; ')}.`);
  lines.push(
    '',
    '| case | counter | kernel mean [min–max] | tiersim | deviation | rule | |',
    '|---|---|---|---|---|---|---|',
  );
  for (const c of r.cases) {
    for (const row of c.rows.filter((x) => x.judged)) {
      const mark = row.ok ? 'ok' : '**FAIL**';
      lines.push(
        `| ${c.id} | ${row.metric} | ${kernelCell(row.kernel)} | ${fmt(row.tiersim)} | ${devCell(row)} | ${row.rule} | ${mark} |`,
      );
    }
  }
  lines.push('');
  const wrong = r.directions.filter((d) => !d.ok);
  lines.push(
    `Directions (sign of the change, 0 = within tolerance): ${r.directions.length - wrong.length} of ${r.directions.length} right.`,
  );
  if (wrong.length > 0) {
    lines.push('', '| pair | counter | kernel | tiersim |', '|---|---|---|---|');
    for (const d of wrong) lines.push(`| ${d.pair} | ${d.metric} | ${kernelSigns(d)} | ${SIGN[d.tiersim]} |`);
  }
  lines.push('', `Overall: ${r.pass ? 'pass' : 'FAIL'}.`);
  return lines.join('\n');
}

/** Plain text for the terminal. */
export function textReport(r: ValidationReport): string {
  const lines: string[] = [];
  for (const c of r.cases) {
    const wall = c.wallMs === undefined ? '' : ` · ${(c.wallMs / 1000).toFixed(1)} s`;
    lines.push(
      `${c.id}: ${c.status.toUpperCase()}${wall}${c.notes.length > 0 ? ` (${c.notes.join('; ')})` : ''}`,
    );
    for (const row of c.rows) {
      const mark = row.judged ? (row.ok ? 'ok  ' : 'FAIL') : '    ';
      lines.push(
        `  ${mark} ${row.metric.padEnd(26)} kernel ${kernelCell(row.kernel).padEnd(28)} tiersim ${fmt(row.tiersim).padEnd(12)} ${devCell(row).padEnd(9)} ${row.rule}`,
      );
    }
  }
  const bad = r.directions.filter((d) => !d.ok);
  lines.push(`directions: ${r.directions.length - bad.length}/${r.directions.length} right`);
  for (const d of bad)
    lines.push(`  FAIL ${d.pair}: ${d.metric} kernel ${kernelSigns(d)} tiersim ${SIGN[d.tiersim]}`);
  lines.push(r.pass ? 'validation: pass' : 'validation: FAIL');
  return lines.join('\n');
}

export const README_BEGIN = '<!-- validation:begin (npm run validate -- --write-readme) -->';
export const README_END = '<!-- validation:end -->';

/** README text with the section between the markers replaced (or added before "What is modelled"). */
export function withReadmeSection(readme: string, body: string): string {
  const block = `${README_BEGIN}\n${body}\n${README_END}`;
  const i = readme.indexOf(README_BEGIN);
  const j = readme.indexOf(README_END);
  if (i >= 0 && j > i) return readme.slice(0, i) + block + readme.slice(j + README_END.length);
  const intro =
    "## Validation\n\nEvery public case of the real Linux 6.12 calibration runs (`validation/linux-6.12/`: the figures in `figures.json`, imported by `npm run import-calibration`; one tiersim config per case in `cases/`) run by `npm run validate`, tiersim beside the kernel. Tolerances (issues 9–11): the workload's pages per node at the end ±5 %; pgdemote (kswapd + direct), swap, disk reads and refaults ±15 % (MGLRU ±20 %); W3p's pgpromote_success and hot pages on DRAM ±30 %, numa_hint_faults within 2×; where the kernel's reps disagree by more than 2× (bimodal), tiersim within their min–max widened by the same tolerance at each end (min × (1 − tol) … max × (1 + tol), never by the slack); an absolute slack of 0.5 % of the workload's memory for counts near zero; and the direction of every demotion on/off (and MGLRU/classic) effect: the means' direction, or, where one side's reps are bimodal, one of the directions its pairs of boots show (tiersim reproduces one mode; W1p-local-d1 → MGLRU pgdemote: the classic boots 49,787 / 47,675 / 1,366 against MGLRU's 63,998 / 56,459 show + or 0).\n\n";
  const k = readme.indexOf('## What is modelled');
  if (k < 0) return `${readme.trimEnd()}\n\n${intro}${block}\n`;
  return `${readme.slice(0, k)}${intro}${block}\n\n${readme.slice(k)}`;
}
