/**
 * DAMON monitoring records (`damo record`), replayed as `damo replay` replays them: a DAMON
 * record is region heat over time, not a list of accesses. Each snapshot (one aggregation
 * interval) says, for each region [start, end), in how many of its sampling intervals the
 * region was seen accessed (nr_accesses, 0 .. aggr/sample). damo replay splits the snapshot into
 * aggr/sample slices and, in slice i, touches every page of each region whose nr_accesses is
 * above i; the importer writes those touches as loads, slice by slice and snapshot by snapshot,
 * one record per page (at the page's start, `--page-size` apart), so a region's pages get
 * accesses in proportion to its nr_accesses, in the record's order of time.
 *
 * Inputs read: damo's JSON record (`damo record --output_type json`, or `json_compressed`,
 * zlib; a gzip file is read too), a list of records each `{intervals: {sample, aggr, ...},
 * snapshots: [{start_time, end_time, regions: [{start, end, nr_accesses: {samples, percent},
 * age, ...}]}], target_id, ...}` with numbers raw or as damo prints them ("5 ms", "4 KiB");
 * and `perf script` text of `damon:damon_aggregated` events (damo's perf-based recording):
 * `kdamond.0 4452 [000] 82877.315633: damon:damon_aggregated: target_id=T nr_regions=N
 * START-END: NR_ACCESSES AGE`. Only the first record (target) is replayed, as damo replay does.
 */
import { inflateSync } from 'node:zlib';
import { KIND_LOAD } from '../../workload/trace/format.js';
import { TraceError } from '../../workload/trace/errors.js';
import { readWhole } from './lines.js';
import type { RecordSink } from './sink.js';

export interface DamonRegion {
  start: number;
  end: number;
  /** Sampling intervals (of the aggregation interval) in which the region was accessed. */
  samples: number;
}

export interface DamonRecord {
  /** Sampling and aggregation intervals in microseconds, when the record has them. */
  sampleUs: number | undefined;
  aggrUs: number | undefined;
  snapshots: { startNs: number; endNs: number; regions: DamonRegion[] }[];
}

const TIME_US: Record<string, number> = { ns: 1e-3, us: 1, ms: 1e3, s: 1e6, m: 6e7, h: 3.6e9 };
const BYTES: Record<string, number> = {
  b: 1,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
};

/** A damo number: raw (a JSON number or a digit string) or formatted with a unit. */
function num(v: unknown, units: Record<string, number> | undefined, what: string, file: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const m = /^\s*(-?[0-9.,]+)\s*([A-Za-z%]*)\s*$/.exec(v);
    if (m !== null) {
      const n = Number(m[1].replace(/,/g, ''));
      const unit = m[2].toLowerCase();
      if (unit === '' || unit === '%') return n;
      const f = units?.[unit];
      if (f !== undefined) return n * f;
    }
  }
  throw new TraceError(file, `expected a number for ${what} in the DAMON record, found ${JSON.stringify(v)}`);
}

function parseJsonRecords(text: string, file: string): DamonRecord[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new TraceError(file, `expected a damo JSON record, found invalid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data))
    throw new TraceError(file, 'expected a damo JSON record: a list of records, found another value');
  return data.map((raw, r) => {
    const rec = raw as { intervals?: { sample?: unknown; aggr?: unknown } | null; snapshots?: unknown };
    if (!Array.isArray(rec.snapshots)) throw new TraceError(file, `record ${r}: expected "snapshots": [...]`);
    const iv = rec.intervals ?? undefined;
    return {
      sampleUs: iv?.sample === undefined ? undefined : num(iv.sample, TIME_US, 'intervals.sample', file),
      aggrUs: iv?.aggr === undefined ? undefined : num(iv.aggr, TIME_US, 'intervals.aggr', file),
      snapshots: rec.snapshots.map(
        (s: { start_time?: unknown; end_time?: unknown; regions?: unknown }, i: number) => {
          if (!Array.isArray(s.regions))
            throw new TraceError(file, `record ${r} snapshot ${i}: expected "regions": [...]`);
          return {
            startNs:
              s.start_time === undefined || s.start_time === null
                ? 0
                : num(s.start_time, undefined, 'start_time', file),
            endNs:
              s.end_time === undefined || s.end_time === null
                ? 0
                : num(s.end_time, undefined, 'end_time', file),
            regions: s.regions.map(
              (g: {
                start?: unknown;
                end?: unknown;
                nr_accesses?: { samples?: unknown; percent?: unknown };
              }) => {
                const na = g.nr_accesses ?? {};
                return {
                  start: num(g.start, BYTES, 'region start', file),
                  end: num(g.end, BYTES, 'region end', file),
                  samples:
                    na.samples !== undefined && na.samples !== null
                      ? num(na.samples, undefined, 'nr_accesses.samples', file)
                      : na.percent !== undefined && na.percent !== null
                        ? -num(na.percent, undefined, 'nr_accesses.percent', file) - 1 // resolved below
                        : 0,
                };
              },
            ),
          };
        },
      ),
    };
  });
}

const AGGREGATED =
  /\sdamon:damon_aggregated:\s+target_id=(\d+)\s+nr_regions=(\d+)\s+(\d+)-(\d+):\s+(\d+)(?:\s+\d+)?\s*$/;
const TIME = /\s(\d+\.\d+):\s+damon:/;

function parsePerfScript(text: string, file: string): DamonRecord[] {
  const byTarget = new Map<string, DamonRecord & { open: number; want: number }>();
  text.split('\n').forEach((line, i) => {
    if (!line.includes('damon:damon_aggregated:')) return;
    const m = AGGREGATED.exec(line);
    if (m === null) {
      throw new TraceError(
        file,
        'expected "target_id=T nr_regions=N START-END: NR_ACCESSES [AGE]" after damon:damon_aggregated:',
        {
          line: i + 1,
        },
      );
    }
    const t = byTarget.get(m[1]) ?? {
      sampleUs: undefined,
      aggrUs: undefined,
      snapshots: [],
      open: 0,
      want: 0,
    };
    byTarget.set(m[1], t);
    const endNs = Math.round(Number(TIME.exec(line)?.[1] ?? '0') * 1e9);
    if (t.open === 0) {
      const startNs = t.snapshots.at(-1)?.endNs ?? endNs;
      t.snapshots.push({ startNs, endNs, regions: [] });
      t.want = Number(m[2]);
    }
    t.snapshots.at(-1)!.regions.push({ start: Number(m[3]), end: Number(m[4]), samples: Number(m[5]) });
    t.open = t.snapshots.at(-1)!.regions.length < t.want ? 1 : 0;
  });
  return [...byTarget.values()];
}

/** The records of a DAMON record file (JSON, zlib- or gzip-compressed JSON, or perf script text). */
export function readDamonRecords(file: string): DamonRecord[] {
  let bytes = readWhole(file);
  // damo's json_compressed is zlib (RFC 1950): CMF 0x78, and a header that is a multiple of 31.
  if (bytes.length >= 2 && bytes[0] === 0x78 && ((bytes[0] << 8) | bytes[1]) % 31 === 0) {
    try {
      bytes = inflateSync(bytes);
    } catch (err) {
      throw new TraceError(file, `zlib-compressed DAMON record: ${(err as Error).message}`);
    }
  }
  const text = bytes.toString('utf8');
  const head = text.trimStart()[0];
  if (head === '[' || head === '{') return parseJsonRecords(text, file);
  if (text.includes('damon:damon_aggregated:')) return parsePerfScript(text, file);
  throw new TraceError(
    file,
    'expected a DAMON record: damo JSON (damo record --output_type json or json_compressed) or perf script text of damon:damon_aggregated events',
    { offset: 0 },
  );
}

export function importDamon(file: string, sink: RecordSink, options: { pageSize: number }): void {
  const records = readDamonRecords(file);
  const rec = records[0];
  if (rec === undefined || rec.snapshots.length === 0)
    throw new TraceError(file, 'the DAMON record has no snapshots');
  const maxSeen = Math.max(0, ...rec.snapshots.flatMap((s) => s.regions.map((g) => g.samples)));
  // Slices per snapshot: aggr / sample as damo replay computes it, else the most seen.
  const slices =
    rec.sampleUs !== undefined && rec.aggrUs !== undefined && rec.sampleUs > 0
      ? Math.floor(rec.aggrUs / rec.sampleUs)
      : Math.max(1, maxSeen);
  const ps = options.pageSize;
  for (const snap of rec.snapshots) {
    for (const g of snap.regions) {
      // A percentage (stored as -(percent)-1 above) in samples, as damo's add_unset_unit does.
      if (g.samples < 0) g.samples = Math.floor(((-g.samples - 1) * slices) / 100);
      sink.stats.items++;
    }
    for (let i = 0; i < slices; i++) {
      for (const g of snap.regions) {
        if (g.samples <= i) continue;
        for (let a = g.start; a < g.end; a += ps) sink.add(KIND_LOAD, a, 1);
      }
    }
  }
  const more =
    records.length > 1
      ? `; ${records.length - 1} other record(s) (targets) not replayed, as damo replay`
      : '';
  sink.stats.note = `${rec.snapshots.length} snapshot(s) of ${slices} slices, one load per page of ${ps} bytes per slice a region was accessed in${more}`;
}
