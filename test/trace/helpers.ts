/**
 * Helpers of the trace tests: temporary directories, synthetic traces, and a reference lackey
 * parser and replay written independently of src/workload/trace (regular expressions and plain
 * arrays, no streaming), to check the streaming code against.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TraceFormat } from '../../src/workload/trace/format.js';
import { REC_ADDR, REC_SIZE, TraceReader } from '../../src/workload/trace/reader.js';
import { writeRecords, type TraceRecord } from '../../src/workload/trace/writer.js';

export const KINDS = ['I', 'L', 'S', 'M'] as const;
export type KindLetter = (typeof KINDS)[number];

export interface Rec {
  kind: KindLetter;
  address: number;
  size: number;
}

/** Every record of a trace, read with the streaming reader. */
export function readAll(file: string, format: TraceFormat, chunkSize?: number): Rec[] {
  const reader = new TraceReader(file, format, chunkSize === undefined ? {} : { chunkSize });
  const out: Rec[] = [];
  for (let k = reader.next(); k >= 0; k = reader.next()) {
    out.push({ kind: KINDS[k], address: reader.rec[REC_ADDR], size: reader.rec[REC_SIZE] });
  }
  return out;
}

export function tempDir(prefix = 'tiersim-trace-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Lackey's own formatting: `I  %08lx,%lu` and ` X %08lx,%lu`. */
export function lackeyLine(r: Rec): string {
  const hex = r.address.toString(16).padStart(8, '0');
  return r.kind === 'I' ? `I  ${hex},${r.size}` : ` ${r.kind} ${hex},${r.size}`;
}

export function lackeyText(records: readonly Rec[], banner = true): string {
  const head = banner
    ? ['==4242== Lackey, an example Valgrind tool', '==4242== Command: ./prog', '==4242== ']
    : [];
  const tail = banner ? ['==4242== ', '==4242== Exit code:       0'] : [];
  return [...head, ...records.map(lackeyLine), ...tail].join('\n') + '\n';
}

/** Reference parser: every line matching a lackey record, in order; other lines ignored. */
export function referenceParse(text: string): Rec[] {
  const out: Rec[] = [];
  for (const line of text.split('\n')) {
    const m = /^(?:I +| ([LSM]) +)(?:0[xX])?([0-9a-fA-F]+),(\d+)[ \t]*\r?$/.exec(line);
    if (m === null) continue;
    out.push({ kind: (m[1] ?? 'I') as KindLetter, address: parseInt(m[2], 16), size: Number(m[3]) });
  }
  return out;
}

export function toTraceRecords(records: readonly Rec[]): TraceRecord[] {
  return records.map((r) => ({ kind: KINDS.indexOf(r.kind), address: r.address, size: r.size }));
}

export function writeLackey(file: string, records: readonly Rec[]): string {
  writeFileSync(file, lackeyText(records));
  return file;
}

export function writeBinary(file: string, records: readonly Rec[]): string {
  writeRecords(file, toTraceRecords(records));
  return file;
}

/** A deterministic pseudo-random trace over `pages` pages from `base` (xorshift, no Math.random). */
export function syntheticRecords(n: number, pages: number, base = 0x4000000, seed = 12345): Rec[] {
  let x = seed >>> 0 || 1;
  const rand = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const out: Rec[] = [];
  let pc = base;
  for (let i = 0; i < n; i++) {
    const u = rand();
    if (u % 3 !== 0) {
      const size = 1 + (u % 7);
      out.push({ kind: 'I', address: pc, size });
      pc = u % 11 === 0 ? base + (rand() % 4096) : pc + size;
    } else {
      const kind = (['L', 'S', 'M', 'L'] as const)[rand() % 4];
      const sizes = [1, 2, 4, 8, 16, 32, 64];
      out.push({
        kind,
        address: base + 8192 + (rand() % (pages * 4096)),
        size: sizes[rand() % sizes.length],
      });
    }
  }
  return out;
}

export interface ReplayShape {
  pageSize: number;
  pages: number;
  base?: number;
  index?: number;
  stride?: number;
}

/** The accesses (page offset * 2 + store) one record makes, by the documented mapping. */
export function recordAccesses(r: Rec, shape: ReplayShape): number[] {
  const base = shape.base ?? 0;
  const mod = (p: number) => ((p % shape.pages) + shape.pages) % shape.pages;
  const first = Math.floor((r.address - base) / shape.pageSize);
  const last = Math.floor((r.address - base + r.size - 1) / shape.pageSize);
  const out: number[] = [];
  for (let p = first; p <= last; p++) {
    const o = mod(p);
    if (r.kind === 'M') out.push(o * 2, o * 2 + 1);
    else out.push(o * 2 + (r.kind === 'S' ? 1 : 0));
  }
  return out;
}

/** The first `count` accesses of CPU `index` of `stride` replaying `records` (looped). */
export function expectedStream(
  records: readonly Rec[],
  shape: ReplayShape,
  count: number,
  loop = true,
): number[] {
  const index = shape.index ?? 0;
  const stride = shape.stride ?? 1;
  const out: number[] = [];
  for (let g = index; out.length < count; g += stride) {
    if (records.length === 0 || (!loop && g >= records.length)) break;
    out.push(...recordAccesses(records[g % records.length], shape));
  }
  return out.slice(0, count);
}
