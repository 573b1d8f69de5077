/**
 * Streaming trace reader: one record at a time from a lackey text trace or a tiersim binary
 * trace, read with `fs.readSync` in fixed-size chunks into one Buffer allocated up front, and
 * parsed at the byte level (no strings, no splitting). After its first record a reader allocates
 * nothing per record: `next()` returns the kind as a small integer and leaves the address and
 * size in `rec`, a Float64Array (doubles kept in object fields or returned from calls could be
 * boxed). Errors name the file and the line and column (text) or byte offset (binary).
 *
 * The file is opened on the first `next()`, by the thread that calls it, and stays open across
 * `rewind()`s (a looping replay reopens nothing) until `close()`; a reader dropped without
 * `close()` has its descriptor closed when it is garbage-collected. Its bytes come from a
 * TraceSource (source.ts): a file or a stream (a pipe, `-`), plain or gzip-compressed.
 */
import { assert } from '../../util/assert.js';
import { TraceError } from './errors.js';
import {
  ADDRESS_LIMIT,
  HEADER_SIZE,
  KIND_INSTR,
  KIND_LOAD,
  KIND_MODIFY,
  KIND_STORE,
  MAX_RECORD_BYTES,
  SIZE_LIMIT,
  TAG_SAME,
  TAG_SIZE_SHIFT,
  decodeHeader,
  describeContent,
  hasMagic,
  MAGIC,
  nextInstruction,
  SLOT_WORDS,
  TAG_SIZE2_SHIFT,
  TAG_SLOT_SHIFT,
  updateSlots,
  type TraceFormat,
} from './format.js';
import { TraceSource } from './source.js';

/** Indices of `TraceReader.rec`. */
export const REC_ADDR = 0;
export const REC_SIZE = 1;

/** Default bytes per read: large enough that a read's fixed cost is noise. */
export const DEFAULT_CHUNK = 256 * 1024;
/** Longest lackey line accepted (bytes, without its newline). */
export const MAX_LINE = 4096;

// Float64 state words.
/** Offset of buf[0] in the (decompressed) trace. */
const D_BUF_AT = 0;
/** Offset of the next read. */
const D_READ_AT = 1;
/** Lines (text) or records (binary) consumed since the start. */
const D_LINE = 2;
const D_RECORDS = 3;
/** Binary predictors: previous instruction address + size, previous data address. */
const D_NEXT_I = 4;
/** Version 1's data predictor: the previous data address. */
const D_PREV_D = 5;
/** Version 2's data-address slots (format.ts: addresses, stamps, clock). */
const D_SLOTS = 6;
const D_WORDS = D_SLOTS + SLOT_WORDS;

export interface TraceReaderOptions {
  /** Bytes per read (default 256 KiB). Any size from 1 works; small sizes are for tests. */
  chunkSize?: number;
}

/** A reader's format: one of the two, or `auto` to tell them apart by the first bytes. */
export type ReaderFormat = TraceFormat | 'auto';

export class TraceReader {
  readonly file: string;
  /** The record `next()` returned: [address, size]. */
  readonly rec = new Float64Array(2);
  /** The binary header's page size hint (0 for lackey), known after the first `next()`. */
  pageSizeHint = 0;
  private readonly chunk: number;
  private readonly buf: Buffer;
  private readonly d = new Float64Array(D_WORDS);
  /** Binary header, read once: [header size (0 until read), record count, format version]. */
  private readonly header = new Float64Array(3);
  private readonly source: TraceSource;
  private fmt: ReaderFormat;
  private pos = 0;
  private end = 0;
  private eof = false;
  private done = false;

  constructor(file: string, format: ReaderFormat, options: TraceReaderOptions = {}) {
    this.file = file;
    this.fmt = format;
    this.source = new TraceSource(file);
    this.chunk = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK));
    // Room for one chunk after the longest partial line or record kept from the previous one.
    this.buf = Buffer.alloc(
      this.chunk + (format === 'tiersim' ? Math.max(MAX_RECORD_BYTES, HEADER_SIZE) : MAX_LINE + 1),
    );
  }

  /** The format read: as given, or (for `auto`) as told by the first bytes once opened. */
  get format(): TraceFormat {
    return this.fmt === 'auto' ? 'lackey' : this.fmt;
  }

  /** Whether the input is gzip-compressed (known once opened). */
  get gzip(): boolean {
    return this.source.gzip;
  }

  /** Whether the input is a stream (a pipe, standard input): readable once, no loop. */
  get stream(): boolean {
    return this.source.isOpen && !this.source.seekable;
  }

  /** Opens the input and decides the format now, without reading a record. */
  peek(): void {
    if (!this.source.isOpen && !this.done) this.open();
  }

  /** Records returned so far (since the last rewind). */
  get records(): number {
    return this.d[D_RECORDS];
  }

  /** Bytes of the file consumed so far (compressed bytes of a gzip file), for progress. */
  get bytesConsumed(): number {
    return this.source.rawConsumed;
  }

  /** The next record's kind (KIND_*), its address and size in `rec`; -1 at the end of the file. */
  next(): number {
    if (this.done) return -1;
    if (!this.source.isOpen) this.open();
    const kind = this.format === 'lackey' ? this.nextLackey() : this.nextBinary();
    if (kind < 0) this.done = true;
    else this.d[D_RECORDS]++;
    return kind;
  }

  /** Back to the first record (the file stays open). */
  rewind(): void {
    this.done = false;
    if (this.source.isOpen) {
      this.source.rewind();
      this.pos = 0;
      this.end = 0;
      this.eof = false;
      this.d.fill(0);
      this.start();
    }
  }

  close(): void {
    this.source.close();
  }

  private open(): void {
    this.source.open();
    this.checkContent();
    this.start();
  }

  /**
   * Decides an `auto` format, and refuses bytes that are not the format expected, naming what
   * they look like (a compressed file, a perf.data file, the other trace format, ...).
   */
  private checkContent(): void {
    this.fillAtLeast(MAGIC.length);
    const head = this.buf.subarray(this.pos, Math.min(this.end, this.pos + 16));
    if (this.fmt === 'auto') {
      this.fmt = hasMagic(head) ? 'tiersim' : 'lackey';
    }
    if (this.fmt !== 'lackey') return;
    const seen = describeContent(head);
    if (seen === undefined) return;
    const gz = this.source.gzip ? ' (inside its gzip compression)' : '';
    this.close();
    const hint = hasMagic(head) ? ': set format: tiersim (or name it *.tstrace)' : '';
    throw new TraceError(this.file, `expected valgrind lackey text, found ${seen}${gz}${hint}`, {
      line: 1,
      col: 1,
    });
  }

  /**
   * Positions the reader before the first record, from the start of the input (just opened or
   * rewound): skips a binary header, read once (nothing is allocated after that).
   */
  private start(): void {
    if (this.fmt !== 'tiersim') return;
    const header = this.header;
    if (header[0] === 0) {
      this.fillAtLeast(HEADER_SIZE);
      let h;
      try {
        h = decodeHeader(this.buf.subarray(this.pos, this.end), this.file, this.source.gzip);
      } catch (err) {
        this.close();
        throw err;
      }
      this.pageSizeHint = h.pageSizeHint;
      header[0] = h.headerSize;
      header[1] = h.records;
      header[2] = h.version;
    }
    // The header may be longer than this version's: skip to the first record.
    this.skipTo(header[0]);
  }

  /** Moves to `offset`, reading and dropping what lies before it (a stream cannot seek). */
  private skipTo(offset: number): void {
    const d = this.d;
    while (offset > d[D_BUF_AT] + this.end && !this.eof) {
      this.pos = this.end;
      this.refill();
    }
    this.pos = Math.min(offset - d[D_BUF_AT], this.end);
  }

  /** Moves the unread bytes to the front and reads one chunk after them. False at end of file. */
  private refill(): boolean {
    const buf = this.buf;
    const d = this.d;
    if (this.pos > 0) {
      buf.copyWithin(0, this.pos, this.end);
      d[D_BUF_AT] += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    const room = Math.min(this.chunk, buf.length - this.end);
    assert(room > 0, 'trace buffer full');
    const got = this.source.read(buf, this.end, room);
    if (got === 0) {
      this.eof = true;
      return false;
    }
    this.end += got;
    d[D_READ_AT] += got;
    return true;
  }

  /** Reads until `n` unread bytes are buffered (n <= the room kept besides a chunk) or the file ends. */
  private fillAtLeast(n: number): void {
    while (this.end - this.pos < n && !this.eof) {
      if (!this.refill()) return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // lackey text
  // -------------------------------------------------------------------------------------------

  private nextLackey(): number {
    const buf = this.buf;
    for (;;) {
      let nl = this.pos;
      const end = this.end;
      while (nl < end && buf[nl] !== 10) nl++;
      if (nl - this.pos > MAX_LINE) {
        this.d[D_LINE]++;
        throw this.textError(0, `expected a line of at most ${MAX_LINE} bytes, found a longer one`);
      }
      if (nl === end && !this.eof) {
        this.refill();
        continue;
      }
      if (nl === this.pos && nl === end) return -1;
      const start = this.pos;
      this.pos = nl < end ? nl + 1 : nl;
      this.d[D_LINE]++;
      const kind = this.parseLackeyLine(start, nl);
      if (kind >= 0) return kind;
    }
  }

  /**
   * One line `buf[s, e)` (newline excluded): a record's kind with `rec` set, or -1 for a line to
   * skip (valgrind's `==PID==` messages, blank lines). Column numbers in errors are 1-based.
   */
  private parseLackeyLine(s: number, e: number): number {
    const buf = this.buf;
    if (e > s && buf[e - 1] === 13) e--; // CRLF
    if (e === s) return -1;
    const c0 = buf[s];
    let kind: number;
    let p: number;
    if (c0 === 73 /* I */) {
      kind = KIND_INSTR;
      p = s + 1;
    } else if (c0 === 32 /* space */) {
      const c1 = s + 1 < e ? buf[s + 1] : -1;
      if (c1 === 76 /* L */) kind = KIND_LOAD;
      else if (c1 === 83 /* S */) kind = KIND_STORE;
      else if (c1 === 77 /* M */) kind = KIND_MODIFY;
      else if (c1 === 73) {
        throw this.textError(
          0,
          'expected "I" in column 1 (lackey does not indent instruction fetches), found " I"',
        );
      } else {
        throw this.textError(1, `expected L, S or M after the leading space, found ${this.shown(s + 1, e)}`);
      }
      p = s + 2;
    } else if ((c0 === 61 /* = */ || c0 === 45 /* - */ || c0 === 42) /* * */ && buf[s + 1] === c0) {
      return -1; // valgrind's own messages: ==PID== (also --PID-- and **PID** with -v)
    } else {
      if (c0 === 76 || c0 === 83 || c0 === 77) {
        throw this.textError(
          0,
          `expected a space before ${String.fromCharCode(c0)} (lackey writes " ${String.fromCharCode(c0)} ADDR,SIZE")`,
        );
      }
      throw this.textError(
        0,
        `expected a lackey record ("I  ADDR,SIZE" or " L|S|M ADDR,SIZE") or a valgrind "==PID==" line, found ${this.shown(s, e)}`,
      );
    }
    if (p >= e || buf[p] !== 32) {
      throw this.textError(p - s, `expected a space after the kind letter, found ${this.shown(p, e)}`);
    }
    while (p < e && buf[p] === 32) p++;
    if (p + 1 < e && buf[p] === 48 && (buf[p + 1] === 120 || buf[p + 1] === 88)) p += 2; // 0x
    const a0 = p;
    let addr = 0;
    while (p < e) {
      const c = buf[p];
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (h < 0) break;
      addr = addr * 16 + h;
      if (addr >= ADDRESS_LIMIT) {
        throw this.textError(
          a0 - s,
          'expected an address below 2^52 (0x10000000000000): user-space addresses are',
        );
      }
      p++;
    }
    if (p === a0) throw this.textError(p - s, `expected a hex address, found ${this.shown(p, e)}`);
    if (p >= e || buf[p] !== 44) {
      throw this.textError(p - s, `expected "," after the address, found ${this.shown(p, e)}`);
    }
    p++;
    const s0 = p;
    let size = 0;
    while (p < e && buf[p] >= 48 && buf[p] <= 57) {
      size = size * 10 + (buf[p] - 48);
      if (size > SIZE_LIMIT) throw this.textError(s0 - s, `expected a size of at most ${SIZE_LIMIT} bytes`);
      p++;
    }
    if (p === s0) throw this.textError(p - s, `expected a decimal size after ",", found ${this.shown(p, e)}`);
    if (size === 0) throw this.textError(s0 - s, 'expected a size of at least 1 byte, found 0');
    while (p < e && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p !== e)
      throw this.textError(p - s, `expected the end of the line after the size, found ${this.shown(p, e)}`);
    this.rec[REC_ADDR] = addr;
    this.rec[REC_SIZE] = size;
    return kind;
  }

  /** `buf[p]` as a message shows it. */
  private shown(p: number, e: number): string {
    if (p >= e) return 'the end of the line';
    const c = this.buf[p];
    return c >= 33 && c <= 126
      ? `"${String.fromCharCode(c)}"`
      : c === 32
        ? 'a space'
        : `byte 0x${c.toString(16).padStart(2, '0')}`;
  }

  private textError(col0: number, detail: string): TraceError {
    this.close();
    return new TraceError(this.file, detail, { line: this.d[D_LINE], col: col0 + 1 });
  }

  // -------------------------------------------------------------------------------------------
  // tiersim binary (docs/traces.md)
  // -------------------------------------------------------------------------------------------

  private nextBinary(): number {
    if (this.end - this.pos < MAX_RECORD_BYTES && !this.eof) this.fillAtLeast(MAX_RECORD_BYTES);
    const buf = this.buf;
    const d = this.d;
    const end = this.end;
    let p = this.pos;
    if (p >= end) {
      if (d[D_RECORDS] !== this.header[1]) {
        throw this.binaryError(
          p,
          `expected ${this.header[1]} records (the header's count), found ${d[D_RECORDS]}: the file is truncated`,
        );
      }
      return -1;
    }
    const start = p;
    const tag = buf[p++];
    const kind = tag & 3;
    // Version 2 data records: tag bits 3-4 the slot, 5-7 the size code (format.ts).
    const slotted = kind !== KIND_INSTR && this.header[2] >= 2;
    const slot = slotted ? (tag >>> TAG_SLOT_SHIFT) & 3 : 0;
    let size = slotted ? tag >>> TAG_SIZE2_SHIFT : tag >>> TAG_SIZE_SHIFT;
    if (slotted && size !== 0) size = 1 << (size - 1);
    else if (size === 0) {
      let mul = 1;
      let b = 128;
      for (let n = 0; b >= 128; n++) {
        if (p >= end || n === 5)
          throw this.binaryError(start, 'expected a size varint, found a truncated or overlong one');
        b = buf[p++];
        size += (b & 127) * mul;
        mul *= 128;
      }
      if (size === 0 || size > SIZE_LIMIT)
        throw this.binaryError(start, `expected a size from 1 to ${SIZE_LIMIT}, found ${size}`);
    }
    const base = kind === KIND_INSTR ? d[D_NEXT_I] : slotted ? d[D_SLOTS + slot] : d[D_PREV_D];
    let addr = base;
    if ((tag & TAG_SAME) === 0) {
      let v = 0;
      let mul = 1;
      let b = 128;
      for (let n = 0; b >= 128; n++) {
        if (p >= end || n === 8)
          throw this.binaryError(
            start,
            'expected an address delta varint, found a truncated or overlong one',
          );
        b = buf[p++];
        v += (b & 127) * mul;
        mul *= 128;
      }
      // zigzag: 0, -1, 1, -2, ... ↔ 0, 1, 2, 3, ...
      addr += v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    }
    if (addr < 0 || addr >= ADDRESS_LIMIT) {
      throw this.binaryError(start, 'expected an address from 0 to 2^52 - 1: the record is corrupt');
    }
    if (kind === KIND_INSTR) d[D_NEXT_I] = nextInstruction(addr, size);
    else if (slotted) updateSlots(d, D_SLOTS, slot, addr, addr - base);
    else d[D_PREV_D] = addr;
    this.pos = p;
    this.rec[REC_ADDR] = addr;
    this.rec[REC_SIZE] = size;
    return kind;
  }

  private binaryError(p: number, detail: string): TraceError {
    const offset = this.d[D_BUF_AT] + p;
    this.close();
    return new TraceError(this.file, `record ${this.d[D_RECORDS] + 1}: ${detail}`, { offset });
  }
}
