/**
 * Writing tiersim binary traces (docs/traces.md) and `tiersim trace convert`: any trace (lackey
 * text or binary) in, a binary trace out, streamed with bounded memory (one input chunk, one
 * output buffer). The output appears atomically: records go to a temporary file next to it,
 * which is renamed over the target only after the last record and the header are written; on an
 * error the temporary file is removed and the target is left as it was.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import {
  ADDRESS_LIMIT,
  HEADER_SIZE,
  KIND_INSTR,
  MAX_RECORD_BYTES,
  SIZE_LIMIT,
  TAG_SAME,
  TAG_SIZE_MAX,
  TAG_SIZE_SHIFT,
  encodeHeader,
  nextInstruction,
  dataSizeCode,
  nearestSlot,
  SLOT_WORDS,
  TAG_SIZE2_SHIFT,
  TAG_SLOT_SHIFT,
  updateSlots,
} from './format.js';
import { REC_ADDR, REC_SIZE, TraceReader } from './reader.js';

const OUT_BUFFER = 1 << 20;

/** Encodes records into a file, after its HEADER_SIZE-byte header. */
export class BinaryTraceEncoder {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(OUT_BUFFER);
  private p = 0;
  private nextI = 0;
  /** Version 2's data-address slots (format.ts). */
  private readonly slots = new Float64Array(SLOT_WORDS);
  /** Records written. */
  records = 0;
  /** Bytes written after the header. */
  bytes = 0;

  constructor(fd: number) {
    this.fd = fd;
  }

  add(kind: number, addr: number, size: number): void {
    if (!(addr >= 0 && addr < ADDRESS_LIMIT && Number.isInteger(addr))) {
      throw new RangeError(`trace address ${addr} is not an integer from 0 to 2^52 - 1`);
    }
    if (!(size >= 1 && size <= SIZE_LIMIT && Number.isInteger(size))) {
      throw new RangeError(`trace access size ${size} is not an integer from 1 to ${SIZE_LIMIT}`);
    }
    if (this.p + MAX_RECORD_BYTES > this.buf.length) this.flush();
    const buf = this.buf;
    let p = this.p;
    if (kind === KIND_INSTR) {
      const predicted = this.nextI;
      buf[p++] =
        (kind & 3) |
        (addr === predicted ? TAG_SAME : 0) |
        (size <= TAG_SIZE_MAX ? size << TAG_SIZE_SHIFT : 0);
      if (size > TAG_SIZE_MAX) p = putVarint(buf, p, size);
      if (addr !== predicted) p = putVarint(buf, p, zigzag(addr - predicted));
      this.nextI = nextInstruction(addr, size);
    } else {
      const slot = nearestSlot(this.slots, 0, addr);
      const delta = addr - this.slots[slot];
      const code = dataSizeCode(size);
      buf[p++] =
        (kind & 3) | (delta === 0 ? TAG_SAME : 0) | (slot << TAG_SLOT_SHIFT) | (code << TAG_SIZE2_SHIFT);
      if (code === 0) p = putVarint(buf, p, size);
      if (delta !== 0) p = putVarint(buf, p, zigzag(delta));
      updateSlots(this.slots, 0, slot, addr, delta);
    }
    this.p = p;
    this.records++;
  }

  flush(): void {
    let off = 0;
    // Positioned writes: records start after the header, which is written last.
    while (off < this.p)
      off += writeSync(this.fd, this.buf, off, this.p - off, HEADER_SIZE + this.bytes + off);
    this.bytes += this.p;
    this.p = 0;
  }
}

/** 0, -1, 1, -2, ... -> 0, 1, 2, 3, ... */
function zigzag(d: number): number {
  return d >= 0 ? d * 2 : -d * 2 - 1;
}

/** LEB128 of a non-negative integer below 2^53. */
function putVarint(buf: Buffer, p: number, v: number): number {
  while (v >= 128) {
    buf[p++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[p++] = v;
  return p;
}

export interface TraceRecord {
  kind: number;
  address: number;
  size: number;
}

let tempCounter = 0;

/**
 * Writes `target` atomically: `fill` gets an encoder on a temporary file in the same directory,
 * then the header (with the record count) is written, the file synced and renamed over `target`.
 * If `fill` throws, the temporary file is removed and the error rethrown.
 */
export function writeBinaryTrace(
  target: string,
  pageSizeHint: number,
  fill: (encoder: BinaryTraceEncoder) => void,
): BinaryTraceEncoder {
  const dir = path.dirname(path.resolve(target));
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${++tempCounter}.tmp`);
  const fd = openSync(temp, 'wx');
  let closed = false;
  try {
    writeSync(fd, encodeHeader({ pageSizeHint, records: 0 }), 0, HEADER_SIZE, 0);
    const encoder = new BinaryTraceEncoder(fd);
    fill(encoder);
    encoder.flush();
    writeSync(fd, encodeHeader({ pageSizeHint, records: encoder.records }), 0, HEADER_SIZE, 0);
    fsyncSync(fd);
    closeSync(fd);
    closed = true;
    renameSync(temp, target);
    return encoder;
  } catch (err) {
    if (!closed) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // Already gone: nothing was left behind.
    }
    throw err;
  }
}

/** Writes a list of records as a binary trace (tests, small tools). */
export function writeRecords(target: string, records: Iterable<TraceRecord>, pageSizeHint = 4096): void {
  writeBinaryTrace(target, pageSizeHint, (enc) => {
    for (const r of records) enc.add(r.kind, r.address, r.size);
  });
}

export interface ConvertOptions {
  /** Page size recorded in the header as a hint. Default: 4096. */
  pageSizeHint?: number;
  /** Bytes per input read. */
  chunkSize?: number;
  /** Called every few thousand records with the input bytes consumed so far. */
  onProgress?: (bytesDone: number) => void;
}

export interface ConvertResult {
  inputFormat: 'lackey' | 'tiersim';
  records: number;
  bytesOut: number;
}

/**
 * `tiersim trace convert`: reads `input` (lackey text or a binary trace, told by its first
 * bytes), writes `output` as a binary trace. A malformed record throws a TraceError naming the
 * input line, and `output` is not created or changed.
 */
export function convertTrace(input: string, output: string, options: ConvertOptions = {}): ConvertResult {
  const reader = new TraceReader(
    input,
    'auto',
    options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize },
  );
  const onProgress = options.onProgress;
  try {
    reader.peek();
    const inputFormat = reader.format;
    const enc = writeBinaryTrace(output, options.pageSizeHint ?? 4096, (encoder) => {
      const rec = reader.rec;
      for (let kind = reader.next(); kind >= 0; kind = reader.next()) {
        encoder.add(kind, rec[REC_ADDR], rec[REC_SIZE]);
        if (onProgress !== undefined && (encoder.records & 0xffff) === 0) onProgress(reader.bytesConsumed);
      }
    });
    return { inputFormat, records: enc.records, bytesOut: HEADER_SIZE + enc.bytes };
  } finally {
    reader.close();
  }
}
