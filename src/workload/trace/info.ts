/**
 * `tiersim trace info`: one streaming pass over a trace counting records by kind, the accesses a
 * replay makes of them, the address range and the distinct pages (a Set of page numbers: memory
 * grows with the distinct pages, not with the trace).
 */
import { KIND_MODIFY, type TraceFormat } from './format.js';
import { REC_ADDR, REC_SIZE, TraceReader, type ReaderFormat, type TraceReaderOptions } from './reader.js';

export interface TraceInfo {
  file: string;
  format: TraceFormat;
  /** gzip-compressed (`bytes` is then the compressed size). */
  gzip: boolean;
  bytes: number;
  /** Page size the page figures use. */
  pageSize: number;
  /** Page size hint from a binary header (0 for lackey). */
  pageSizeHint: number;
  records: number;
  kinds: { I: number; L: number; S: number; M: number };
  /** Memory operations: loads = I + L + M, stores = S + M (a modify is both). */
  loads: number;
  stores: number;
  /** Accesses a replay generates: one per page an access spans, two (load, store) for M. */
  accesses: number;
  /** Lowest address and highest byte touched; null for an empty trace. */
  minAddress: number | null;
  maxAddress: number | null;
  distinctPages: number;
}

export interface InfoOptions extends TraceReaderOptions {
  /** `auto`: told apart by the first bytes. */
  format: ReaderFormat;
  /** Page size for the page figures; default: the binary header's hint, else 4096. */
  pageSize?: number | undefined;
  onProgress?: (bytesDone: number) => void;
}

export function traceInfo(file: string, options: InfoOptions): TraceInfo {
  const reader = new TraceReader(
    file,
    options.format,
    options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize },
  );
  const kinds = [0, 0, 0, 0];
  const pages = new Set<number>();
  let accesses = 0;
  let min = Infinity;
  let max = -Infinity;
  let pageSize = options.pageSize ?? 0;
  const rec = reader.rec;
  try {
    for (let kind = reader.next(); kind >= 0; kind = reader.next()) {
      if (pageSize === 0) pageSize = reader.pageSizeHint > 0 ? reader.pageSizeHint : 4096;
      const addr = rec[REC_ADDR];
      const last = addr + rec[REC_SIZE] - 1;
      kinds[kind]++;
      if (addr < min) min = addr;
      if (last > max) max = last;
      const p0 = Math.floor(addr / pageSize);
      const p1 = Math.floor(last / pageSize);
      for (let p = p0; p <= p1; p++) pages.add(p);
      accesses += (p1 - p0 + 1) * (kind === KIND_MODIFY ? 2 : 1);
      if (options.onProgress !== undefined && (reader.records & 0xffff) === 0) {
        options.onProgress(reader.bytesConsumed);
      }
    }
  } finally {
    reader.close();
  }
  if (pageSize === 0) pageSize = reader.pageSizeHint > 0 ? reader.pageSizeHint : 4096;
  const [I, L, S, M] = kinds as [number, number, number, number];
  return {
    file,
    format: reader.format,
    gzip: reader.gzip,
    bytes: reader.bytesConsumed,
    pageSize,
    pageSizeHint: reader.pageSizeHint,
    records: I + L + S + M,
    kinds: { I, L, S, M },
    loads: I + L + M,
    stores: S + M,
    accesses,
    minAddress: min === Infinity ? null : min,
    maxAddress: max === -Infinity ? null : max,
    distinctPages: pages.size,
  };
}
