/**
 * `tiersim trace convert IN OUT` and `tiersim trace info FILE`: memory traces for `pattern:
 * trace` (docs/traces.md). Both stream the input (bounded memory; a progress bar on a terminal
 * for inputs that take more than a second). A malformed input is reported with its file, line
 * and column, exit code 2, and convert then leaves OUT as it was (it writes a temporary file and
 * renames it only when complete).
 */
import { statSync } from 'node:fs';
import { formatBytes, parseSize } from '../config/units.js';
import { TraceError } from '../workload/trace/errors.js';
import { errnoMeaning, isErrnoError } from '../util/fs-errors.js';
import type { TraceFormat } from '../workload/trace/format.js';
import { traceInfo, type TraceInfo } from '../workload/trace/info.js';
import { openablePath } from '../workload/trace/source.js';
import { importTrace, type ImportFormat } from '../trace/import/index.js';
import { convertTrace } from '../workload/trace/writer.js';
import { Progress, progressWanted } from './progress.js';
import { EXIT_CONFIG, EXIT_OK } from './exit-codes.js';
import { formatCount } from '../report/table.js';

export interface ConvertCommandOptions {
  pageSize?: string | undefined;
  /** The input's format: lackey (default; a binary trace is told by its magic), perf, pin, damon. */
  from?: ImportFormat | undefined;
  periodUnit?: number | undefined;
  quiet: boolean;
}

export interface InfoCommandOptions {
  pageSize?: string | undefined;
  format?: TraceFormat | undefined;
  json: boolean;
  quiet: boolean;
}

/** A page size option: a power of two from 4 KiB, in the config's units. */
export function parsePageSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = parseSize(text);
  if (n === undefined || n < 4096 || !Number.isInteger(Math.log2(n))) {
    throw new TraceError(
      '--page-size',
      `expected a power of two from 4KiB (e.g. 4KiB, 2MiB), received ${text}`,
    );
  }
  return n;
}

export function traceConvertCommand(input: string, output: string, options: ConvertCommandOptions): number {
  try {
    const pageSizeHint = parsePageSize(options.pageSize) ?? 4096;
    if (options.from !== undefined && options.from !== 'lackey') {
      const r = importTrace(options.from, input, output, { pageSizeHint, periodUnit: options.periodUnit });
      if (!options.quiet) {
        const skipped = r.skipped > 0 ? `, ${count(r.skipped)} without a user-space address skipped` : '';
        process.stdout.write(
          `${input} (${options.from}) -> ${output}: ${count(r.items)} ${ITEMS[options.from]}${skipped} -> ${count(r.records)} records, ${count(r.bytesOut)} bytes\n  ${r.note}\n`,
        );
      }
      return EXIT_OK;
    }
    const total = inputSize(input);
    const progress = new Progress({
      enabled: progressWanted(options.quiet),
      total,
      describe: (done, elapsedS) =>
        `${formatBytes(done)} of ${formatBytes(total)} | ${(done / 1e6 / Math.max(elapsedS, 1e-3)).toFixed(0)} MB/s`,
    });
    let result;
    try {
      result = convertTrace(input, output, { pageSizeHint, onProgress: (done) => progress.update(done) });
    } finally {
      progress.stop();
    }
    if (!options.quiet) {
      const perRecord = result.records > 0 ? (result.bytesOut / result.records).toFixed(2) : '-';
      process.stdout.write(
        `${input} (${result.inputFormat}, ${formatBytes(total)}) -> ${output}: ${formatCount(result.records)} records, ${formatCount(result.bytesOut)} bytes (${perRecord} bytes/record)\n`,
      );
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof TraceError) {
      process.stderr.write(
        `tiersim: ${err.message}\ntiersim: nothing was written (${output} is unchanged)\n`,
      );
      return EXIT_CONFIG;
    }
    throw err;
  }
}

export function traceInfoCommand(file: string, options: InfoCommandOptions): number {
  try {
    const pageSize = parsePageSize(options.pageSize);
    const total = inputSize(file);
    const format = options.format ?? 'auto';
    const progress = new Progress({
      enabled: progressWanted(options.quiet || options.json),
      total,
      describe: (done) => `${formatBytes(done)} of ${formatBytes(total)}`,
    });
    let info;
    try {
      info = traceInfo(file, { format, pageSize, onProgress: (done) => progress.update(done) });
    } finally {
      progress.stop();
    }
    process.stdout.write(options.json ? JSON.stringify(info, null, 1) + '\n' : formatInfo(info));
    return EXIT_OK;
  } catch (err) {
    if (err instanceof TraceError) {
      process.stderr.write(`tiersim: ${err.message}\n`);
      return EXIT_CONFIG;
    }
    throw err;
  }
}

const ITEMS = { perf: 'samples', pin: 'accesses', damon: 'region snapshots' } as const;

/** The input's size for the progress bar (0 for a stream: the bar then shows bytes only). */
function inputSize(file: string): number {
  let stat;
  try {
    stat = statSync(openablePath(file));
  } catch (err) {
    const why = isErrnoError(err) ? `${errnoMeaning(err.code)} (${err.code})` : (err as Error).message;
    throw new TraceError(file, `cannot read the trace: ${why}`);
  }
  if (stat.isDirectory())
    throw new TraceError(file, 'cannot read the trace: is a directory, not a file (EISDIR)');
  return stat.size;
}

function count(n: number): string {
  return formatCount(n);
}

function share(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

export function formatInfo(info: TraceInfo): string {
  const k = info.kinds;
  const ops = info.loads + info.stores;
  const hex = (n: number | null) => (n === null ? '-' : `0x${n.toString(16)}`);
  const hint = info.format === 'tiersim' ? `, page size hint ${formatBytes(info.pageSizeHint)}` : '';
  return [
    `${info.file}: ${info.format} trace, ${formatBytes(info.bytes)}${info.gzip ? ' gzip-compressed' : ''}${hint}`,
    `  records         ${count(info.records)}  (I ${count(k.I)}, L ${count(k.L)}, S ${count(k.S)}, M ${count(k.M)})`,
    `  loads / stores  ${count(info.loads)} / ${count(info.stores)}  (${share(info.loads, ops)} / ${share(info.stores, ops)}; M counts as both)`,
    `  accesses        ${count(info.accesses)} when replayed with ${formatBytes(info.pageSize)} pages (one per page touched; M = load + store)`,
    `  address range   ${hex(info.minAddress)} .. ${hex(info.maxAddress)}`,
    `  distinct pages  ${count(info.distinctPages)} of ${formatBytes(info.pageSize)} (${formatBytes(info.distinctPages * info.pageSize)})`,
    '',
  ].join('\n');
}
