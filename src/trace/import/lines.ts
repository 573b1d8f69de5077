/**
 * Lines of a text input for the importers: a file or a stream (a pipe, `-`), plain or gzip
 * (the trace reader's TraceSource), split on LF (CR LF too), decoded as Latin-1 (the formats
 * are ASCII). One string per line: importers run once, off the access loop.
 */
import { TraceSource } from '../../workload/trace/source.js';

const CHUNK = 1 << 20;

/** Calls `onLine(text, lineNumber)` for every line; returns the lines read. */
export function forEachLine(file: string, onLine: (line: string, lineNo: number) => void): number {
  const source = new TraceSource(file);
  source.open();
  const buf = Buffer.alloc(CHUNK);
  let carry = '';
  let lineNo = 0;
  try {
    for (;;) {
      const got = source.read(buf, 0, CHUNK);
      if (got === 0) break;
      const text = carry + buf.toString('latin1', 0, got);
      const parts = text.split('\n');
      carry = parts.pop() ?? '';
      for (const p of parts) onLine(p.endsWith('\r') ? p.slice(0, -1) : p, ++lineNo);
    }
    if (carry !== '') onLine(carry.endsWith('\r') ? carry.slice(0, -1) : carry, ++lineNo);
  } finally {
    source.close();
  }
  return lineNo;
}

/** The whole (decompressed) input as bytes, for formats read whole (a DAMON JSON record). */
export function readWhole(file: string): Buffer {
  const source = new TraceSource(file);
  source.open();
  const parts: Buffer[] = [];
  try {
    for (;;) {
      const b = Buffer.alloc(CHUNK);
      const got = source.read(b, 0, CHUNK);
      if (got === 0) break;
      parts.push(b.subarray(0, got));
    }
  } finally {
    source.close();
  }
  return Buffer.concat(parts);
}
