/**
 * `perf script` samples with data addresses, as `perf mem record` (or `perf record -d`) takes
 * them: each sample line holds `PERIOD EVENT: ADDR`, the fields perf prints in that order for
 * `perf script -F event,period,addr` (fields before them, such as comm, tid and time, and after
 * them, such as ip and sym, are allowed and ignored):
 *
 *     sqlite3  2121  2248.379849:      1 page-faults:   7f1191507110 dl_close_state.2 ...
 *            10007 cpu/mem-loads,ldlat=30/P:            7ffd2c5a1b20
 *
 * A sample stands for PERIOD events (one in PERIOD loads was sampled), so it is written as
 * round(PERIOD / unit) records (at least one), `unit` being --period-unit or, by default, the
 * smallest period in the file (a first pass over it; a stream needs --period-unit). A sample of
 * a store event (its name contains "store") is a store (S), any other a load (L). Samples carry
 * no access width: each record is 1 byte. Kernel addresses and samples without an address (0)
 * are skipped and counted.
 */
import { KIND_LOAD, KIND_STORE } from '../../workload/trace/format.js';
import { TraceError } from '../../workload/trace/errors.js';
import { isStream } from '../../workload/trace/resolve.js';
import { forEachLine } from './lines.js';
import { parseHex, type RecordSink } from './sink.js';

const SAMPLE = /(?:^|\s)(\d+)\s+([A-Za-z_][^\s]*?):\s+((?:0x)?[0-9a-fA-F]+)(?:\s|$)/;

interface Sample {
  period: number;
  store: boolean;
  address: number;
}

function parseSample(line: string, file: string, lineNo: number): Sample | undefined {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return undefined;
  const m = SAMPLE.exec(t);
  if (m === null) {
    throw new TraceError(
      file,
      `expected a perf script sample "... PERIOD EVENT: ADDR ..." (perf script -F event,period,addr), found ${JSON.stringify(t.slice(0, 60))}`,
      { line: lineNo, col: 1 },
    );
  }
  const period = Number(m[1]);
  if (period < 1)
    throw new TraceError(file, `expected a sample period of at least 1, found ${m[1]}`, { line: lineNo });
  return { period, store: /store/i.test(m[2]), address: parseHex(m[3]) };
}

export function importPerf(
  file: string,
  sink: RecordSink,
  options: { periodUnit?: number | undefined },
): void {
  let unit = options.periodUnit;
  if (unit === undefined) {
    if (isStream(file)) {
      throw new TraceError(
        file,
        'a stream is read once: give --period-unit (the period one record stands for)',
      );
    }
    let min = Infinity;
    forEachLine(file, (line, n) => {
      const s = parseSample(line, file, n);
      if (s !== undefined && s.period < min) min = s.period;
    });
    unit = Number.isFinite(min) ? min : 1;
  }
  const u = unit;
  forEachLine(file, (line, n) => {
    const s = parseSample(line, file, n);
    if (s === undefined) return;
    sink.stats.items++;
    sink.add(s.store ? KIND_STORE : KIND_LOAD, s.address, 1, Math.max(1, Math.round(s.period / u)));
  });
  sink.stats.note = `each sample weighted by its period: round(period / ${u}) records`;
}
