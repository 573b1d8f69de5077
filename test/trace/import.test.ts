/**
 * `tiersim trace convert --from perf|pin|damon`: each importer on its tool's documented format.
 * perf: a real recording made with perf 6.1 on this project's machine
 * (fixtures/sqlite-page-faults.perf: `perf record -e page-faults -d -c 1 -- sqlite3 ...`, then
 * `perf script -F comm,tid,time,period,event,addr,ip,sym`; `perf mem record` needs PEBS, which
 * the VM lacks), and lines in `perf mem`'s event naming; a live recording too where perf works.
 * Pin: pinatrace's "%p: R %p" lines, written here from the data accesses of the valgrind trace
 * of configs/traces/kvlookup.c (Pin itself is not installable here). DAMON: damo's JSON record
 * (the fields of _damo_records.py's to_kvpairs), compressed as damo's json_compressed (zlib),
 * and perf script text of damon:damon_aggregated events, replayed as damo replay does.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runFile } from '../helpers/run.js';
import { tiersim } from '../helpers/cli.js';
import { readAll, tempDir, type Rec } from './helpers.js';

const dir = tempDir('tiersim-import-');
const at = (...p: string[]) => path.join(dir, ...p);
const FIXTURES = path.join(import.meta.dirname, 'fixtures');

async function convert(
  from: string,
  input: string,
  ...extra: string[]
): Promise<{ records: Rec[]; stdout: string }> {
  const out = at(`${path.basename(input)}.${from}.tstrace`);
  const r = await tiersim('trace', 'convert', '--from', from, input, out, ...extra);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { records: readAll(out, 'tiersim'), stdout: r.stdout };
}

async function convertError(from: string, input: string): Promise<string> {
  const r = await tiersim('trace', 'convert', '--from', from, input, at('never.tstrace'));
  expect(r.code).toBe(2);
  return r.stderr;
}

describe('perf script samples', () => {
  it('imports a real perf recording: one load per sample, at its data address, in order', async () => {
    const file = path.join(FIXTURES, 'sqlite-page-faults.perf');
    // Reference: the field after the event name is the data address.
    const expected = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const f = l.trim().split(/\s+/);
        return { kind: 'L', address: parseInt(f[f.indexOf('page-faults:') + 1], 16), size: 1 };
      });
    expect(expected).toHaveLength(191);
    const { records, stdout } = await convert('perf', file);
    expect(records).toEqual(expected);
    expect(stdout).toContain('191 samples -> 191 records');
  });

  it('weights samples by their period, tells stores from loads, skips kernel and missing addresses', async () => {
    writeFileSync(
      at('mem.perf'),
      [
        '# perf mem record; perf script -F event,period,addr',
        '     10007 cpu/mem-loads,ldlat=30/P:     7ffd2c5a1b20',
        '     20014 cpu/mem-loads,ldlat=30/P:     55d0c0a1b000',
        '     10007 cpu/mem-stores/P:     7ffd2c5a1b28',
        '     10007 cpu/mem-loads,ldlat=30/P:     ffffffff8177819a',
        '     10007 cpu/mem-loads,ldlat=30/P:                0',
        '',
      ].join('\n'),
    );
    const { records, stdout } = await convert('perf', at('mem.perf'));
    expect(records).toEqual([
      { kind: 'L', address: 0x7ffd2c5a1b20, size: 1 },
      { kind: 'L', address: 0x55d0c0a1b000, size: 1 },
      { kind: 'L', address: 0x55d0c0a1b000, size: 1 },
      { kind: 'S', address: 0x7ffd2c5a1b28, size: 1 },
    ]);
    expect(stdout).toContain('5 samples, 2 without a user-space address skipped -> 4 records');
    expect(stdout).toContain('round(period / 10007)');
    const explicit = await convert('perf', at('mem.perf'), '--period-unit', '20014');
    // Half a unit rounds to one record (every sample counts at least once).
    expect(explicit.records.map((r) => r.kind)).toEqual(['L', 'L', 'S']);
  });

  it('a line that is not a sample is a located error', async () => {
    writeFileSync(at('bad.perf'), '   1 page-faults:   7f0000001000\nsomething else\n');
    expect(await convertError('perf', at('bad.perf'))).toContain(
      `${at('bad.perf')}:2:1: expected a perf script sample "... PERIOD EVENT: ADDR ..."`,
    );
  });

  const perfWorks =
    spawnSync('perf', ['record', '-e', 'page-faults', '-d', '-c', '1', '-o', at('live.data'), '--', 'true'])
      .status === 0;
  it.skipIf(!perfWorks)('imports what perf records here and now', async () => {
    const script = spawnSync('perf', ['script', '-i', at('live.data'), '-F', 'event,period,addr'], {
      encoding: 'utf8',
    });
    writeFileSync(at('live.perf'), script.stdout);
    const { records } = await convert('perf', at('live.perf'));
    expect(records.length).toBeGreaterThan(10);
  });
});

describe('Pin pinatrace', () => {
  it("imports pinatrace lines (R, W, #eof) of a real program's data accesses", async () => {
    const trace = readAll(path.join(import.meta.dirname, '../../configs/traces/kvlookup.tstrace'), 'tiersim');
    const lines: string[] = [];
    const expected: Rec[] = [];
    let ip = 0;
    for (const r of trace.slice(0, 20_000)) {
      if (r.kind === 'I') {
        ip = r.address;
        continue;
      }
      const hex = (n: number) => `0x${n.toString(16)}`;
      if (r.kind !== 'S') lines.push(`${hex(ip)}: R ${hex(r.address)}`);
      if (r.kind !== 'L') lines.push(`${hex(ip)}: W ${hex(r.address)}`);
      if (r.kind !== 'S') expected.push({ kind: 'L', address: r.address, size: 1 });
      if (r.kind !== 'L') expected.push({ kind: 'S', address: r.address, size: 1 });
    }
    writeFileSync(at('pinatrace.out'), lines.join('\n') + '\n#eof\n');
    const { records, stdout } = await convert('pin', at('pinatrace.out'));
    expect(records.length).toBeGreaterThan(1000);
    expect(records).toEqual(expected);
    expect(stdout).toContain('complete (#eof seen)');
    writeFileSync(at('sized.out'), '0x401000: W 0x7ffd0010 8\n0x401004: R 0x7ffd0018 4 0x2a\n');
    expect((await convert('pin', at('sized.out'))).records).toEqual([
      { kind: 'S', address: 0x7ffd0010, size: 8 },
      { kind: 'L', address: 0x7ffd0018, size: 4 },
    ]);
    writeFileSync(at('bad.out'), '0x401000: W 0x7ffd0010\n0x401000: X 0x7ffd0010\n');
    expect(await convertError('pin', at('bad.out'))).toContain(
      `${at('bad.out')}:2:1: expected a pinatrace line`,
    );
  });
});

describe('DAMON records', () => {
  // 5 ms sampling, 20 ms aggregation: 4 slices per snapshot, as damo replay splits it.
  const record = [
    {
      kdamond_idx: 0,
      context_idx: 0,
      intervals: { sample: '5000', aggr: '20000', ops_update: '1000000' },
      scheme_idx: null,
      target_id: 0,
      scheme_filters: [],
      snapshots: [
        {
          start_time: '1000000000',
          end_time: '1020000000',
          regions: [
            {
              start: '65536',
              end: '77824',
              nr_accesses: { samples: 2, percent: null },
              age: { usec: null, aggr_intervals: 3 },
            },
            {
              start: '131072',
              end: '139264',
              nr_accesses: { samples: null, percent: 100 },
              age: { usec: null, aggr_intervals: 1 },
            },
            {
              start: '196608',
              end: '200704',
              nr_accesses: { samples: 0, percent: null },
              age: { usec: null, aggr_intervals: 9 },
            },
          ],
          total_bytes: '24576',
        },
        {
          start_time: '1020000000',
          end_time: '1040000000',
          regions: [
            {
              start: '65536',
              end: '69632',
              nr_accesses: { samples: 1, percent: null },
              age: { usec: null, aggr_intervals: 0 },
            },
          ],
          total_bytes: '4096',
        },
      ],
    },
  ];
  const L = (address: number): Rec => ({ kind: 'L', address, size: 1 });
  // Region 1: 3 pages at 0x10000 accessed in 2 of 4 slices; region 2: 2 pages at 0x20000 in all 4
  // (100 %); region 3 never; then one page in 1 slice of the second snapshot.
  const r1 = [L(0x10000), L(0x11000), L(0x12000)];
  const r2 = [L(0x20000), L(0x21000)];
  const expected = [...r1, ...r2, ...r1, ...r2, ...r2, ...r2, L(0x10000)];

  it('replays region heat as damo replay: each slice touches every page of the regions accessed in it', async () => {
    writeFileSync(at('damon.json'), JSON.stringify(record, null, 4));
    const { records, stdout } = await convert('damon', at('damon.json'));
    expect(records).toEqual(expected);
    expect(stdout).toContain('2 snapshot(s) of 4 slices');
  });

  it("reads damo's json_compressed (zlib) and a gzip file alike", async () => {
    writeFileSync(at('damon.data'), deflateSync(Buffer.from(JSON.stringify(record))));
    expect((await convert('damon', at('damon.data'))).records).toEqual(expected);
    writeFileSync(at('damon.json.gz'), gzipSync(Buffer.from(JSON.stringify(record))));
    expect((await convert('damon', at('damon.json.gz'))).records).toEqual(expected);
  });

  it('reads perf script text of damon:damon_aggregated events', async () => {
    writeFileSync(
      at('damon.perf'),
      [
        'kdamond.0  4452 [000] 82877.315633: damon:damon_aggregated: target_id=18446623435582458880 nr_regions=2 65536-73728: 2 3',
        'kdamond.0  4452 [000] 82877.315633: damon:damon_aggregated: target_id=18446623435582458880 nr_regions=2 131072-135168: 1 5',
        'kdamond.0  4452 [000] 82877.415633: damon:damon_aggregated: target_id=18446623435582458880 nr_regions=1 65536-69632: 1 0',
        '',
      ].join('\n'),
    );
    // No intervals in perf text: slices = the largest nr_accesses seen (2).
    const { records } = await convert('damon', at('damon.perf'));
    expect(records).toEqual([L(0x10000), L(0x11000), L(0x20000), L(0x10000), L(0x11000), L(0x10000)]);
  });

  it('anything else is an error naming what was expected', async () => {
    writeFileSync(at('notdamon.txt'), 'hello\n');
    expect(await convertError('damon', at('notdamon.txt'))).toContain('expected a DAMON record: damo JSON');
  });
});

describe('an imported trace replays', () => {
  it('the perf recording, on a small machine', async () => {
    const trace = at('sqlite-page-faults.perf.perf.tstrace');
    await convert('perf', path.join(FIXTURES, 'sqlite-page-faults.perf'));
    writeFileSync(
      at('replay.yaml'),
      `topology:
  nodes:
    - { id: 0, cpus: 1, memory: 16MiB, device: dram }
run: { duration: 5ms, epoch: 1ms, seed: 1 }
workload:
  tasks:
    - name: t
      cpus: [0]
      regions:
        - { kind: anon, size: 8MiB, pattern: { type: trace, file: ${trace} } }
`,
    );
    const run = await runFile(at('replay.yaml'));
    expect(run.result.vmstat['pgfault']).toBeGreaterThan(100);
  });
});
