/**
 * Real traces made on this machine: valgrind lackey runs /bin/true and a small C program compiled
 * here with gcc; the traces are parsed (every I/L/S/M line is a record, everything else is
 * valgrind's `==PID==` text), converted, inspected and replayed through a short simulation, and
 * the counts are checked against an independent reading of the same text: records, kinds,
 * accesses, and one page fault per distinct page touched.
 *
 * valgrind is required (`.ci/run` installs it when missing); the C program is skipped without gcc.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { traceInfo } from '../../src/workload/trace/info.js';
import { convertTrace } from '../../src/workload/trace/writer.js';
import { runLoaded, runText } from '../helpers/run.js';
import { readAll, recordAccesses, referenceParse, tempDir, type Rec } from './helpers.js';

const dir = tempDir('tiersim-valgrind-');
const hasGcc = spawnSync('gcc', ['--version']).status === 0;

function lackey(logFile: string, command: string[]): string {
  const r = spawnSync('valgrind', ['--tool=lackey', '--trace-mem=yes', `--log-file=${logFile}`, ...command], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error !== undefined)
    throw new Error(`valgrind is required (.ci/run installs it): ${r.error.message}`);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const PAGE = 4096;
/** 2^20 pages (4 GiB): modulo this, the pages of a lackey trace keep the low 32 bits of their addresses. */
const PAGES = 2 ** 20;

function replayConfig(file: string): string {
  return `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 64MiB, device: dram }
run: { duration: 100ms, epoch: 1ms }
workload:
  tasks:
    - name: traced
      cpus: [0]
      regions:
        - { kind: anon, size: 4GiB, pattern: { type: trace, file: ${path.basename(file)}, loop: false } }
`;
}

function checkTrace(logFile: string): Rec[] {
  const text = readFileSync(logFile, 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const recordLines = lines.filter((l) => /^(I |\s[LSM] )/.test(l));
  // Everything else valgrind wrote is its ==PID== text.
  expect(lines.filter((l) => !/^(I |\s[LSM] )/.test(l)).every((l) => /^==\d+==/.test(l))).toBe(true);
  const reference = referenceParse(text);
  expect(reference.length).toBe(recordLines.length);
  expect(readAll(logFile, 'lackey')).toEqual(reference);
  return reference;
}

describe('a lackey trace of /bin/true', () => {
  const logFile = path.join(dir, 'true.lackey');
  beforeAll(() => {
    lackey(logFile, ['/bin/true']);
  });

  it('parses: one record per I/L/S/M line, the same as the reference reading', () => {
    const records = checkTrace(logFile);
    expect(records.length).toBeGreaterThan(10_000);
    expect(new Set(records.map((r) => r.kind))).toEqual(new Set(['I', 'L', 'S', 'M']));
  });

  it('converts to the binary format and reports the same figures', () => {
    const records = referenceParse(readFileSync(logFile, 'utf8'));
    const out = path.join(dir, 'true.tstrace');
    const converted = convertTrace(logFile, out);
    expect(converted.records).toBe(records.length);
    expect(readAll(out, 'tiersim')).toEqual(records);
    const pages = new Set<number>();
    for (const r of records) {
      for (let p = Math.floor(r.address / PAGE); p <= Math.floor((r.address + r.size - 1) / PAGE); p++)
        pages.add(p);
    }
    const expected = {
      records: records.length,
      kinds: {
        I: records.filter((r) => r.kind === 'I').length,
        L: records.filter((r) => r.kind === 'L').length,
        S: records.filter((r) => r.kind === 'S').length,
        M: records.filter((r) => r.kind === 'M').length,
      },
      accesses: records.reduce((n, r) => n + recordAccesses(r, { pageSize: PAGE, pages: 2 ** 40 }).length, 0),
      minAddress: records.reduce((m, r) => Math.min(m, r.address), Infinity),
      maxAddress: records.reduce((m, r) => Math.max(m, r.address + r.size - 1), -Infinity),
      distinctPages: pages.size,
    };
    expect(traceInfo(logFile, { format: 'lackey' })).toMatchObject(expected);
    expect(traceInfo(out, { format: 'tiersim' })).toMatchObject({ ...expected, pageSizeHint: PAGE });
  });

  it('replays: every access made, one fault per distinct page, lackey and binary alike', async () => {
    const records = referenceParse(readFileSync(logFile, 'utf8'));
    const accesses = records.flatMap((r) => recordAccesses(r, { pageSize: PAGE, pages: PAGES }));
    const mapped = new Set(accesses.map((v) => v >> 1));
    const raw = new Set(records.map((r) => Math.floor(r.address / PAGE)));
    for (const r of records) raw.add(Math.floor((r.address + r.size - 1) / PAGE));
    // The 4 GiB region is large enough that no two of the trace's pages share a region page.
    expect(mapped.size).toBe(raw.size);
    const digests: string[] = [];
    for (const file of [logFile, path.join(dir, 'true.tstrace')]) {
      const { result, sim } = await runText(replayConfig(file).replace(path.basename(file), file));
      expect(result.vmstat['tiersim_accesses']).toBe(accesses.length);
      expect(result.vmstat['pgfault']).toBe(mapped.size);
      expect(result.tasks[0]?.accesses).toBe(accesses.length);
      expect(sim.s.plan.traces[0]?.format).toBe(file.endsWith('.tstrace') ? 'tiersim' : 'lackey');
      digests.push(result.digest ?? '');
    }
    expect(digests[1]).toBe(digests[0]);
  });

  it('runs from a config file naming the trace relative to itself', async () => {
    const config = path.join(dir, 'replay.yaml');
    writeFileSync(config, replayConfig(logFile));
    const loaded = loadConfig(config);
    expect(loaded.config.workload?.tasks[0]?.regions[0]?.pattern).toMatchObject({
      file: logFile,
      format: 'lackey',
    });
    const { result } = await runLoaded(loaded);
    expect(result.vmstat['pgfault']).toBeGreaterThan(100);
  });
});

describe.skipIf(!hasGcc)('a lackey trace of a C program compiled here', () => {
  it('holds the program own stores and loads, one per page of its buffer', () => {
    const source = path.join(dir, 'pages.c');
    writeFileSync(
      source,
      `#include <stdio.h>
#include <stdlib.h>
#define PAGES 64
int main(void) {
  volatile char *buf = aligned_alloc(4096, PAGES * 4096);
  long sum = 0;
  for (int i = 0; i < PAGES; i++) buf[i * 4096] = (char)i;
  for (int i = 0; i < PAGES; i++) sum += buf[i * 4096 + 100];
  printf("%p %ld\\n", (void *)buf, sum);
  return 0;
}
`,
    );
    const exe = path.join(dir, 'pages');
    const cc = spawnSync('gcc', ['-O1', '-o', exe, source], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const logFile = path.join(dir, 'pages.lackey');
    const buf = parseInt(lackey(logFile, [exe]).trim().split(' ')[0], 16);
    expect(buf % 4096).toBe(0);
    const records = checkTrace(logFile);
    for (let i = 0; i < 64; i++) {
      expect(records.some((r) => r.kind === 'S' && r.address === buf + i * 4096 && r.size === 1)).toBe(true);
      expect(records.some((r) => r.kind === 'L' && r.address === buf + i * 4096 + 100 && r.size === 1)).toBe(
        true,
      );
    }
    const info = traceInfo(logFile, { format: 'lackey' });
    expect(info.records).toBe(records.length);
    expect(info.distinctPages).toBeGreaterThanOrEqual(64);
  });
});
