/**
 * Memory traces: the record kinds, the two file formats and tiersim's binary header.
 *
 * A record is one line of valgrind lackey output (`I`, ` L`, ` S`, ` M` with a hex address and a
 * decimal size) or one record of tiersim's binary format (docs/traces.md), decoded into
 * (kind, address, size). Addresses are kept as doubles and must be below 2^52 (every user-space
 * address of x86-64 and AArch64 is), so that addresses, deltas and page numbers are exact
 * without BigInt and the hot path allocates nothing.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { TraceError } from './errors.js';

/** Record kinds, as stored in the low two bits of a binary record's tag byte. */
export const KIND_INSTR = 0;
export const KIND_LOAD = 1;
export const KIND_STORE = 2;
export const KIND_MODIFY = 3;
export const KIND_LETTERS = ['I', 'L', 'S', 'M'] as const;

/** Addresses must be below this (2^52): exact as doubles, and so are deltas and zigzag codes. */
export const ADDRESS_LIMIT = 2 ** 52;

/**
 * The instruction predictor: the address after this instruction, wrapped below ADDRESS_LIMIT so
 * that every delta from a prediction stays within ±2^52 and its zigzag code below 2^53 (exact).
 */
export function nextInstruction(addr: number, size: number): number {
  const next = addr + size;
  return next >= ADDRESS_LIMIT ? next - ADDRESS_LIMIT : next;
}
/** Largest access size a record may carry (bytes). */
export const SIZE_LIMIT = 1 << 30;

export const TRACE_FORMATS = ['lackey', 'tiersim'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** File name extension of the binary format; any other extension means lackey text. */
export const BINARY_EXTENSION = '.tstrace';

/**
 * The binary header (32 bytes, little-endian):
 *   0  magic   8 bytes 89 54 53 54 0D 0A 1A 0A  ("\x89TST\r\n\x1a\n", PNG-style: a high-bit byte
 *                                                 and line endings that text-mode copies mangle)
 *   8  u16     version (2; version 1 files are read too)
 *  10  u16     header size in bytes (32; readers skip to it, so later versions may grow it)
 *  12  u32     page size hint (bytes): the page size the trace was converted for
 *  16  u64     record count
 *  24  u64     reserved, 0
 */
export const MAGIC = Uint8Array.of(0x89, 0x54, 0x53, 0x54, 0x0d, 0x0a, 0x1a, 0x0a);
/** Version written; readers accept MIN_FORMAT_VERSION .. FORMAT_VERSION. */
export const FORMAT_VERSION = 2;
export const MIN_FORMAT_VERSION = 1;
export const HEADER_SIZE = 32;

/** Tag byte: bits 0-1 kind, bit 2 "address is the prediction" (no delta follows), bits 3-7 size (0 = a varint follows). */
export const TAG_SAME = 4;
export const TAG_SIZE_SHIFT = 3;
export const TAG_SIZE_MAX = 31;
/**
 * Version 2's data-address predictors. A program's data accesses interleave a few far-apart
 * streams (stack, heap, globals), so one "previous data address" predicts badly (about 4 bytes
 * per data record); version 2 keeps DATA_SLOTS recent addresses, and a data record names the
 * slot it is a delta from in tag bits 3-4 (the encoder picks the nearest). After each data
 * record the slot it used takes its address, or, when the delta was SLOT_KEEP or more (a jump to
 * another stream), the least recently used slot does: encoder and decoder apply the same rule to
 * the same decoded values. Its size is tag bits 5-7: 0 (a varint follows), or c for 2^(c-1)
 * bytes (1 to 64). Instruction records are as in version 1.
 *
 * State layout (a Float64Array from `at`): DATA_SLOTS addresses, DATA_SLOTS last-use stamps, a clock.
 */
export const DATA_SLOTS = 4;
export const SLOT_WORDS = 2 * DATA_SLOTS + 1;
export const SLOT_KEEP = 65536;
export const TAG_SLOT_SHIFT = 3;
export const TAG_SIZE2_SHIFT = 5;

/** Version 2's size code of a data record: log2(size) + 1 for 1, 2, 4, ... 64; else 0 (varint). */
export function dataSizeCode(size: number): number {
  for (let c = 1; c <= 7; c++) if (size === 1 << (c - 1)) return c;
  return 0;
}

/** The slot nearest to `addr` (the lowest on a tie): the encoder's choice. */
export function nearestSlot(st: Float64Array, at: number, addr: number): number {
  let best = 0;
  let bestDist = Math.abs(addr - st[at]);
  for (let i = 1; i < DATA_SLOTS; i++) {
    const dist = Math.abs(addr - st[at + i]);
    if (dist < bestDist) {
      best = i;
      bestDist = dist;
    }
  }
  return best;
}

/** After a data record at `addr`, `delta` from slot `slot`: which slot takes it, as both sides do. */
export function updateSlots(st: Float64Array, at: number, slot: number, addr: number, delta: number): void {
  let u = slot;
  if (delta >= SLOT_KEEP || delta <= -SLOT_KEEP) {
    u = 0;
    for (let i = 1; i < DATA_SLOTS; i++) if (st[at + DATA_SLOTS + i] < st[at + DATA_SLOTS + u]) u = i;
  }
  const clock = st[at + 2 * DATA_SLOTS] + 1;
  st[at + 2 * DATA_SLOTS] = clock;
  st[at + u] = addr;
  st[at + DATA_SLOTS + u] = clock;
}

/** Longest encoded record: tag, size varint (5 bytes for sizes < 2^35), delta varint (8 bytes for codes < 2^56). */
export const MAX_RECORD_BYTES = 1 + 5 + 8;

export interface TraceHeader {
  version: number;
  headerSize: number;
  pageSizeHint: number;
  records: number;
}

export function encodeHeader(h: { pageSizeHint: number; records: number }): Buffer {
  const b = Buffer.alloc(HEADER_SIZE);
  b.set(MAGIC, 0);
  b.writeUInt16LE(FORMAT_VERSION, 8);
  b.writeUInt16LE(HEADER_SIZE, 10);
  b.writeUInt32LE(h.pageSizeHint, 12);
  b.writeBigUInt64LE(BigInt(h.records), 16);
  b.writeBigUInt64LE(0n, 24);
  return b;
}

export function hasMagic(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/** Decodes a binary header; throws TraceError naming the file, what was expected and what it saw. */
export function decodeHeader(bytes: Buffer, file: string, gzip = false): TraceHeader {
  if (!hasMagic(bytes)) {
    const seen = describeContent(bytes) ?? describeText(bytes);
    throw new TraceError(
      file,
      `expected a tiersim binary trace (magic 89 54 53 54 0D 0A 1A 0A; \`tiersim trace convert\` writes one), found ${seen}${gzip ? ' inside its gzip compression' : ''}`,
      { offset: 0 },
    );
  }
  if (bytes.length < HEADER_SIZE) {
    throw new TraceError(file, `expected a ${HEADER_SIZE}-byte header, found ${bytes.length} bytes`, {
      offset: 0,
    });
  }
  const version = bytes.readUInt16LE(8);
  if (version < MIN_FORMAT_VERSION || version > FORMAT_VERSION) {
    throw new TraceError(
      file,
      `expected format version ${MIN_FORMAT_VERSION} to ${FORMAT_VERSION}, found ${version} (written by a newer tiersim?)`,
      { offset: 8 },
    );
  }
  const headerSize = bytes.readUInt16LE(10);
  if (headerSize < HEADER_SIZE) {
    throw new TraceError(file, `expected a header size of at least ${HEADER_SIZE}, found ${headerSize}`, {
      offset: 10,
    });
  }
  const records = bytes.readBigUInt64LE(16);
  if (records > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new TraceError(file, `record count ${records} is too large`, { offset: 16 });
  }
  return { version, headerSize, pageSizeHint: bytes.readUInt32LE(12), records: Number(records) };
}

/**
 * What a file's first bytes look like, when they are a known format that is not lackey text:
 * for errors that say what was found instead of a byte value. Undefined for anything else.
 */
export function describeContent(head: Uint8Array): string | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  const ascii = (s: string) => starts(...[...s].map((c) => c.charCodeAt(0)));
  if (hasMagic(head)) return 'a tiersim binary trace';
  if (starts(0x1f, 0x8b)) return 'gzip data inside gzip data (compressed twice?)';
  if (starts(0x28, 0xb5, 0x2f, 0xfd))
    return 'zstd-compressed data (tiersim reads gzip; decompress it, e.g. `zstd -dc FILE |` and `-` as the file)';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00))
    return 'xz-compressed data (tiersim reads gzip; decompress it, e.g. `xz -dc FILE |` and `-` as the file)';
  if (ascii('BZh'))
    return 'bzip2-compressed data (tiersim reads gzip; decompress it, e.g. `bzip2 -dc FILE |`)';
  if (ascii('PERFILE2'))
    return 'a perf.data file (print its samples with `perf script`, then `tiersim trace convert --from perf`)';
  if (starts(0x7f, 0x45, 0x4c, 0x46)) return 'an ELF executable or core file';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive';
  if (head[0] === 0x7b || head[0] === 0x5b)
    return 'JSON (a DAMON record from `damo record`? convert it with `tiersim trace convert --from damon`)';
  return undefined;
}

/** The first bytes of a file shown as text or hex, for an error. */
function describeText(head: Uint8Array): string {
  const n = Math.min(head.length, 8);
  if (n === 0) return 'an empty file';
  const text = [...head.subarray(0, n)].every((b) => (b >= 32 && b < 127) || b === 9 || b === 10 || b === 13);
  if (text) return `text ${JSON.stringify(Buffer.from(head.subarray(0, n)).toString('latin1'))}`;
  return `bytes ${[...head.subarray(0, n)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/** The format named by a file's extension: `.tstrace` is tiersim's binary format, anything else lackey. */
export function formatFromExtension(file: string): TraceFormat {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  return path.extname(name) === BINARY_EXTENSION ? 'tiersim' : 'lackey';
}

/** The format of a file by its first bytes (the magic), for commands that take any trace. */
export function sniffFormat(file: string): TraceFormat {
  const head = readHead(file, MAGIC.length);
  return hasMagic(head) ? 'tiersim' : 'lackey';
}

/** Up to `n` bytes from the start of a file. */
export function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
