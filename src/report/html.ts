/**
 * The HTML report: one self-contained file (inline CSS, charts as inline SVG rendered here, no
 * scripts, nothing fetched), for one run, a comparison of variants, or a sweep. The pages are
 * built from plain data (RunResults, tables already computed), so this module knows nothing
 * of how a sweep or a comparison was made.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunResult } from '../metrics/result.js';
import { runSpecs, sweepSpec, variantBarsSpec, type SweepChartPoint } from './charts.js';
import { renderSvg } from './svg.js';
import { partialNote } from './partial.js';
import { formatCount } from './table.js';

export interface Table {
  header: string[];
  rows: string[][];
}

export interface ComparisonReportData {
  title: string;
  subtitle: string;
  variants: { name: string; description: string | null; result: RunResult }[];
  table: Table;
  /** Metrics drawn as bars per variant, with their values in variant order. */
  bars: { metric: string; values: number[] }[];
  /**
   * Variants that did not run to their end, one line each ("rate-limit: interrupted by SIGINT
   * at epoch 1977 of 10000", "auto-threshold: not run"), shown at the top of the page.
   */
  partial: string[];
}

export interface SweepReportData {
  title: string;
  subtitle: string;
  /** One section of charts per loop of the sweep (the seeds excluded), in loop order. */
  loops: {
    /** Axis titles: the loop's keys, and the other loops' keys (the lines). */
    axis: { x: string; series: string };
    /** x values in sweep order. */
    order: string[];
    points: SweepChartPoint[];
  }[];
  metrics: string[];
  table: Table;
  /** Points that failed or are missing, shown under the table. */
  notes: string[];
  /** Points finished and planned: fewer finished puts a banner at the top of the page. */
  done: number;
  planned: number;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px; color: #1b2631; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d5d8dc; }
.sub { color: #566573; margin-top: 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 0.5rem 0 1rem; }
th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #eaecee; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; } th { background: #f4f6f6; white-space: normal; vertical-align: bottom; }
figure { margin: 1rem 0; overflow-x: auto; } figure svg { max-width: 100%; height: auto; }
.scroll { overflow-x: auto; max-width: 100%; }
.row { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
.notes { color: #922b21; }
.partial { background: #fdedec; border: 1px solid #e6b0aa; color: #78281f; padding: 0.5rem 0.8rem; border-radius: 4px; }
.partial ul { margin: 0.3rem 0 0; }
`;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A header may wrap after a dot or an underscore and at spaces (a sweep's keys,
 * "topology.nodes[0].memory", would otherwise make the table wider than the page); values never wrap.
 */
function breakable(text: string): string {
  return escapeHtml(text).replace(/([._])/g, '$1<wbr>');
}

function tableHtml(t: Table): string {
  const head = `<tr>${t.header.map((h) => `<th>${breakable(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  // Wide tables (a sweep's many keys and counters) scroll sideways inside the page, not off it.
  return `<div class="scroll"><table>\n${head}\n${body}\n</table></div>`;
}

/** Charts one under the other, or (`side by side`) as many per row as the page is wide. */
async function figures(specs: readonly TopLevelSpec[], sideBySide = false): Promise<string> {
  const svgs: string[] = [];
  for (const spec of specs) svgs.push(`<figure>${await renderSvg(spec)}</figure>`);
  return sideBySide ? `<div class="row">\n${svgs.join('\n')}\n</div>` : svgs.join('\n');
}

function page(title: string, subtitle: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(subtitle)}</p>
${body}
</body>
</html>
`;
}

/** Main counters of a run as a two-column table. */
function runTable(result: RunResult, counters: readonly string[]): Table {
  return {
    header: ['', 'value'],
    rows: [
      ['score (operations/s)', formatCount(Math.round(result.score))],
      ...counters.filter((c) => c in result.vmstat).map((c) => [c, formatCount(result.vmstat[c])]),
      ...result.nodes.map((n) => [
        `node ${n.id} (${n.device}) anon / file / free MiB`,
        [n.meminfo['AnonPages'], n.meminfo['FilePages'], n.meminfo['MemFree']]
          .map((kb) => ((kb ?? 0) / 1024).toFixed(1))
          .join(' / '),
      ]),
    ],
  };
}

export function runSubtitle(result: RunResult): string {
  const epochs = result.completed
    ? `${result.epochs_run} epochs`
    : `${result.epochs_run} of ${result.epochs_planned} epochs`;
  return `tiersim ${result.version} · ${result.config_file} · seed ${result.seed} · kernel ${result.kernel_version} · demotion ${result.demotion_enabled ? 'on' : 'off'} · ${epochs} · config ${result.config_hash.slice(0, 12)}`;
}

/**
 * The banner of a page whose runs did not all finish: their counters cover fewer simulated
 * seconds than the config says, so it comes first, above every number.
 */
export function partialBanner(heading: string, lines: readonly string[]): string {
  const list = lines.length === 0 ? '' : `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`;
  return `<div class="partial"><b>${escapeHtml(heading)}</b>${list}</div>`;
}

export async function runReportHtml(result: RunResult, counters: readonly string[]): Promise<string> {
  const note = partialNote(result);
  const body = [
    note === undefined
      ? ''
      : partialBanner(
          `Partial run: ${note}. The counters and charts cover ${result.epochs_run} of ${result.epochs_planned} epochs.`,
          [],
        ),
    result.description === undefined ? '' : `<p>${escapeHtml(result.description)}</p>`,
    '<h2>Summary</h2>',
    tableHtml(runTable(result, counters)),
    '<h2>Over time</h2>',
    await figures(runSpecs(result)),
  ].join('\n');
  return page(`tiersim run: ${result.config_file}`, runSubtitle(result), body);
}

export async function comparisonReportHtml(data: ComparisonReportData): Promise<string> {
  const names = data.variants.map((v) => v.name);
  const described = data.variants
    .map(
      (v) =>
        `<li><b>${escapeHtml(v.name)}</b>${v.description === null ? '' : `: ${escapeHtml(v.description)}`}</li>`,
    )
    .join('\n');
  const parts = [
    data.partial.length === 0
      ? ''
      : partialBanner(
          'Partial comparison: not every variant ran to its end (a partial variant is marked * in the table; its counters cover fewer simulated seconds).',
          data.partial,
        ),
    `<ul>\n${described}\n</ul>`,
    '<h2>Comparison (ratios against the first variant)</h2>',
    tableHtml(data.table),
    await figures(
      data.bars.map((b) => variantBarsSpec(names, b.metric, b.values)),
      true,
    ),
  ];
  for (const v of data.variants) {
    parts.push(`<h2>${escapeHtml(v.name)} over time</h2>`, await figures(runSpecs(v.result, v.name)));
  }
  return page(data.title, data.subtitle, parts.join('\n'));
}

export async function sweepReportHtml(data: SweepReportData): Promise<string> {
  const parts = [
    data.done < data.planned
      ? partialBanner(
          `Partial sweep: ${data.done} of ${data.planned} points finished; the table and charts show the finished points only (the others are listed under the table).`,
          [],
        )
      : '',
    '<h2>Points, seeds grouped</h2>',
    tableHtml(data.table),
  ];
  if (data.notes.length > 0) {
    parts.push(`<ul class="notes">${data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  }
  for (const loop of data.loops) {
    parts.push(`<h2>Against ${escapeHtml(loop.axis.x)}</h2>`);
    parts.push(
      await figures(
        data.metrics.map((m) => sweepSpec(loop.points, loop.axis, loop.order, m)),
        true,
      ),
    );
  }
  return page(data.title, data.subtitle, parts.join('\n'));
}
