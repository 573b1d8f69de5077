/**
 * A synchronous, streaming gzip decoder (RFC 1952 framing around RFC 1951 deflate), pulled by
 * the trace reader one buffer at a time.
 *
 * Why not node:zlib: its synchronous calls (`gunzipSync`, `_processChunk` without a callback)
 * take a whole input and close the engine after one call, and its streaming API is
 * asynchronous, but a trace is read from inside the access loop, synchronously, in chunks,
 * without holding the file in memory. So this module decodes deflate itself: input comes from
 * a `pull` function (readSync on a file or a pipe), output goes straight into the caller's
 * buffer, and the decoder can stop at any output byte (mid-match) and resume. Its memory is
 * fixed when it is made: the 32 KiB history window, a 64 KiB input buffer and the Huffman tables.
 *
 * Every member is checked: header fields, CRC-32 and length of the output; concatenated members
 * (`cat a.gz b.gz`) are decoded one after another, as gzip does.
 */

/** Reads up to `len` bytes into `buf` at `off`; 0 at the end of the input. */
export type Pull = (buf: Buffer, off: number, len: number) => number;

/** A problem in the compressed data, with the offset of the compressed byte where it was found. */
export class InflateError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'InflateError';
    this.offset = offset;
  }
}

const WINDOW = 32768;
const WMASK = WINDOW - 1;
const IN_SIZE = 65536;
const MAXBITS = 15;

// Length and distance bases and extra bits (RFC 1951 3.2.5).
const LEN_BASE = Uint16Array.of(
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  13,
  15,
  17,
  19,
  23,
  27,
  31,
  35,
  43,
  51,
  59,
  67,
  83,
  99,
  115,
  131,
  163,
  195,
  227,
  258,
);
const LEN_EXTRA = Uint8Array.of(
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  2,
  2,
  3,
  3,
  3,
  3,
  4,
  4,
  4,
  4,
  5,
  5,
  5,
  5,
  0,
);
const DIST_BASE = Uint16Array.of(
  1,
  2,
  3,
  4,
  5,
  7,
  9,
  13,
  17,
  25,
  33,
  49,
  65,
  97,
  129,
  193,
  257,
  385,
  513,
  769,
  1025,
  1537,
  2049,
  3073,
  4097,
  6145,
  8193,
  12289,
  16385,
  24577,
);
const DIST_EXTRA = Uint8Array.of(
  0,
  0,
  0,
  0,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  4,
  5,
  5,
  6,
  6,
  7,
  7,
  8,
  8,
  9,
  9,
  10,
  10,
  11,
  11,
  12,
  12,
  13,
  13,
);
/** Order of the code length code lengths in a dynamic block header. */
const CL_ORDER = Uint8Array.of(16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15);

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/**
 * A Huffman decoding table: entry `bits reversed → (symbol << 4) | code length`, indexed by the
 * next `maxLen` input bits (deflate packs codes most significant bit first into an LSB-first
 * stream, so a code's bits are reversed to index). 0 marks an unused pattern.
 */
class Huffman {
  readonly table = new Uint16Array(1 << MAXBITS);
  maxLen = 0;
  private readonly count = new Uint16Array(MAXBITS + 1);
  private readonly next = new Uint16Array(MAXBITS + 1);

  /** Builds from code lengths `lens[0, n)`; false if they do not form a valid prefix code. */
  build(lens: Uint8Array, n: number): boolean {
    const count = this.count;
    count.fill(0);
    let maxLen = 0;
    for (let i = 0; i < n; i++) {
      count[lens[i]]++;
      if (lens[i] > maxLen) maxLen = lens[i];
    }
    count[0] = 0;
    // Over-subscribed lengths are an error; incomplete codes are allowed (a single distance code).
    let left = 1;
    for (let len = 1; len <= MAXBITS; len++) {
      left = (left << 1) - count[len];
      if (left < 0) return false;
    }
    let code = 0;
    for (let len = 1; len <= MAXBITS; len++) {
      code = (code + count[len - 1]) << 1;
      this.next[len] = code;
    }
    this.maxLen = Math.max(1, maxLen);
    const size = 1 << this.maxLen;
    const table = this.table;
    table.fill(0, 0, size);
    for (let sym = 0; sym < n; sym++) {
      const len = lens[sym];
      if (len === 0) continue;
      const c = this.next[len]++;
      let rev = 0;
      for (let b = 0; b < len; b++) rev |= ((c >>> b) & 1) << (len - 1 - b);
      const entry = (sym << 4) | len;
      for (let j = rev; j < size; j += 1 << len) table[j] = entry;
    }
    return true;
  }
}

// Decoder states between calls.
const ST_MEMBER = 0; // before a gzip member header
const ST_BLOCK = 1; // before a deflate block header
const ST_STORED = 2; // inside a stored block
const ST_CODES = 3; // inside a Huffman block
const ST_TRAILER = 4; // after the final block of a member
const ST_END = 5;

export class GunzipStream {
  private readonly pull: Pull;
  private readonly input = Buffer.alloc(IN_SIZE);
  private inPos = 0;
  private inEnd = 0;
  private inEof = false;
  /** Compressed bytes consumed before input[0]. */
  private inBase = 0;
  private bitbuf = 0;
  private bitcnt = 0;
  /** Zero bytes fed past the end of the input (to peek); consuming them means truncation. */
  private pad = 0;
  private readonly window = new Uint8Array(WINDOW);
  private wpos = 0;
  private state = ST_MEMBER;
  private final = false;
  private stored = 0;
  /** A match being copied: bytes left and its distance. */
  private matchLeft = 0;
  private matchDist = 0;
  private readonly lit = new Huffman();
  private readonly dist = new Huffman();
  private readonly lens = new Uint8Array(320);
  private readonly fixedLit = new Huffman();
  private readonly fixedDist = new Huffman();
  private curLit: Huffman;
  private curDist: Huffman;
  private crc = -1;
  private size = 0;
  private members = 0;

  constructor(pull: Pull) {
    this.pull = pull;
    const l = this.lens;
    for (let i = 0; i < 288; i++) l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    this.fixedLit.build(l, 288);
    l.fill(5, 0, 30);
    this.fixedDist.build(l, 30);
    this.curLit = this.fixedLit;
    this.curDist = this.fixedDist;
  }

  /** Back to the start of a new input (the pull function's next bytes); keeps the memory. */
  reset(): void {
    this.inPos = 0;
    this.inEnd = 0;
    this.inEof = false;
    this.inBase = 0;
    this.bitbuf = 0;
    this.bitcnt = 0;
    this.pad = 0;
    this.wpos = 0;
    this.state = ST_MEMBER;
    this.final = false;
    this.stored = 0;
    this.matchLeft = 0;
    this.members = 0;
  }

  /** Offset of the next compressed byte (for errors and progress). */
  get compressedOffset(): number {
    return this.inBase + this.inPos - (this.bitcnt >>> 3);
  }

  /** Decompressed bytes into `dst[off, off + len)`; returns how many, 0 only at the end. */
  read(dst: Buffer, off: number, len: number): number {
    let n = 0;
    while (n < len) {
      const s = this.state;
      if (s === ST_CODES) n = this.codes(dst, off, n, len);
      else if (s === ST_STORED) n = this.copyStored(dst, off, n, len);
      else if (s === ST_BLOCK) this.blockHeader();
      else if (s === ST_MEMBER) {
        if (!this.memberHeader()) break;
      } else if (s === ST_TRAILER) this.trailer();
      else break;
    }
    return n;
  }

  // -- input ------------------------------------------------------------------------------------

  private byte(): number {
    if (this.inPos === this.inEnd) {
      if (!this.inEof) {
        this.inBase += this.inEnd;
        this.inPos = 0;
        this.inEnd = this.pull(this.input, 0, IN_SIZE);
        if (this.inEnd === 0) this.inEof = true;
      }
      if (this.inPos === this.inEnd) {
        this.pad++;
        return 0;
      }
    }
    return this.input[this.inPos++];
  }

  private need(n: number): void {
    while (this.bitcnt < n) {
      this.bitbuf |= this.byte() << this.bitcnt;
      this.bitcnt += 8;
    }
  }

  private bits(n: number): number {
    this.need(n);
    const v = this.bitbuf & ((1 << n) - 1);
    this.bitbuf >>>= n;
    this.bitcnt -= n;
    this.checkPad();
    return v;
  }

  private checkPad(): void {
    if (this.pad > 0 && this.pad * 8 > this.bitcnt) {
      throw new InflateError(
        'the gzip data ends in the middle of a deflate stream (truncated file?)',
        this.inBase + this.inEnd,
      );
    }
  }

  /** The next byte-aligned input byte (gzip header and trailer), after any whole bytes in bitbuf. */
  private alignedByte(): number {
    if (this.bitcnt >= 8) {
      const v = this.bitbuf & 255;
      this.bitbuf >>>= 8;
      this.bitcnt -= 8;
      this.checkPad();
      return v;
    }
    const b = this.byte();
    if (this.pad > 0)
      throw this.error('the gzip data ends inside a member header or trailer (truncated file?)');
    return b;
  }

  private error(message: string): InflateError {
    return new InflateError(message, this.compressedOffset);
  }

  // -- gzip framing ----------------------------------------------------------------------------

  /** Reads a member header; false at a clean end of the input (after at least one member). */
  private memberHeader(): boolean {
    this.bitbuf = 0;
    this.bitcnt = 0;
    const start = this.compressedOffset;
    const id1 = this.byte();
    if (this.pad > 0) {
      if (this.members === 0) throw this.error('expected gzip data, found an empty file');
      this.state = ST_END;
      return false;
    }
    const id2 = this.alignedByte();
    if (id1 !== 0x1f || id2 !== 0x8b) {
      throw new InflateError(
        this.members === 0
          ? 'expected the gzip magic 1f 8b'
          : `expected another gzip member or the end of the file after member ${this.members}, found other bytes`,
        start,
      );
    }
    if (this.alignedByte() !== 8)
      throw this.error('expected compression method 8 (deflate) in the gzip header');
    const flags = this.alignedByte();
    if ((flags & 0xe0) !== 0) throw this.error('reserved gzip header flags are set: not a gzip file');
    for (let i = 0; i < 6; i++) this.alignedByte(); // mtime, extra flags, OS
    if (flags & 4) {
      let xlen = this.alignedByte();
      xlen |= this.alignedByte() << 8;
      for (let i = 0; i < xlen; i++) this.alignedByte();
    }
    if (flags & 8) while (this.alignedByte() !== 0); // file name
    if (flags & 16) while (this.alignedByte() !== 0); // comment
    if (flags & 2) {
      this.alignedByte();
      this.alignedByte();
    }
    this.crc = -1;
    this.size = 0;
    this.final = false;
    this.state = ST_BLOCK;
    return true;
  }

  private trailer(): void {
    this.bits(this.bitcnt & 7); // to a byte boundary
    let crc = 0;
    for (let i = 0; i < 4; i++) crc |= this.alignedByte() << (8 * i);
    let isize = 0;
    for (let i = 0; i < 4; i++) isize += this.alignedByte() * 2 ** (8 * i);
    if ((crc | 0) !== (~this.crc | 0)) throw this.error('gzip CRC-32 mismatch: the data is corrupt');
    if (isize !== this.size % 2 ** 32) throw this.error('gzip length mismatch: the data is corrupt');
    this.members++;
    this.state = ST_MEMBER;
  }

  // -- deflate ---------------------------------------------------------------------------------

  private blockHeader(): void {
    if (this.final) {
      this.state = ST_TRAILER;
      return;
    }
    this.final = this.bits(1) === 1;
    const type = this.bits(2);
    if (type === 0) {
      this.bits(this.bitcnt & 7);
      const lo = this.alignedByte() | (this.alignedByte() << 8);
      const nlo = this.alignedByte() | (this.alignedByte() << 8);
      if ((lo ^ 0xffff) !== nlo)
        throw this.error('deflate stored block length check failed: the data is corrupt');
      this.stored = lo;
      this.state = ST_STORED;
    } else if (type === 1) {
      this.curLit = this.fixedLit;
      this.curDist = this.fixedDist;
      this.state = ST_CODES;
    } else if (type === 2) {
      this.dynamicTables();
      this.curLit = this.lit;
      this.curDist = this.dist;
      this.state = ST_CODES;
    } else {
      throw this.error('invalid deflate block type 3: the data is corrupt');
    }
  }

  private dynamicTables(): void {
    const hlit = this.bits(5) + 257;
    const hdist = this.bits(5) + 1;
    const hclen = this.bits(4) + 4;
    if (hlit > 286 || hdist > 30) throw this.error('bad deflate code counts: the data is corrupt');
    const lens = this.lens;
    lens.fill(0, 0, 19);
    for (let i = 0; i < hclen; i++) lens[CL_ORDER[i]] = this.bits(3);
    // The code length code shares the literal table's storage until the real one is built.
    const cl = this.lit;
    if (!cl.build(lens, 19)) throw this.error('bad deflate code length code: the data is corrupt');
    let i = 0;
    while (i < hlit + hdist) {
      const sym = this.decode(cl);
      if (sym < 16) {
        lens[i++] = sym;
        continue;
      }
      let rep: number;
      let val = 0;
      if (sym === 16) {
        if (i === 0) throw this.error('deflate repeat with no previous length: the data is corrupt');
        val = lens[i - 1];
        rep = 3 + this.bits(2);
      } else if (sym === 17) rep = 3 + this.bits(3);
      else rep = 11 + this.bits(7);
      if (i + rep > hlit + hdist) throw this.error('deflate code lengths overrun: the data is corrupt');
      lens.fill(val, i, i + rep);
      i += rep;
    }
    if (lens[256] === 0) throw this.error('deflate block has no end-of-block code: the data is corrupt');
    if (!this.dist.build(lens.subarray(hlit, hlit + hdist), hdist))
      throw this.error('bad deflate distance code: the data is corrupt');
    if (!this.lit.build(lens, hlit)) throw this.error('bad deflate literal/length code: the data is corrupt');
  }

  private decode(h: Huffman): number {
    this.need(h.maxLen);
    const e = h.table[this.bitbuf & ((1 << h.maxLen) - 1)];
    const len = e & 15;
    if (len === 0) throw this.error('invalid deflate code: the data is corrupt');
    this.bitbuf >>>= len;
    this.bitcnt -= len;
    // Peeking may have fed padding past the end; only the bits a code used count.
    this.checkPad();
    return e >>> 4;
  }

  /** One output byte: to the caller, the window and the CRC (stored blocks). */
  private put(dst: Buffer, at: number, b: number): void {
    dst[at] = b;
    this.window[this.wpos] = b;
    this.wpos = (this.wpos + 1) & WMASK;
    this.crc = CRC_TABLE[(this.crc ^ b) & 255] ^ (this.crc >>> 8);
  }

  private copyStored(dst: Buffer, off: number, n: number, len: number): number {
    while (n < len && this.stored > 0) {
      this.put(dst, off + n++, this.alignedByte());
      this.stored--;
      this.size++;
    }
    if (this.stored === 0) this.state = ST_BLOCK;
    return n;
  }

  /**
   * The Huffman block loop, the decoder's hot path: bit buffer, window position and CRC live in
   * locals and are written back before anything that reads them from the object (the slow
   * refill at the end of the input buffer, errors, returning).
   */
  private codes(dst: Buffer, off: number, n: number, len: number): number {
    const win = this.window;
    const input = this.input;
    const litTable = this.curLit.table;
    const litMask = (1 << this.curLit.maxLen) - 1;
    const litMax = this.curLit.maxLen;
    const distTable = this.curDist.table;
    const distMask = (1 << this.curDist.maxLen) - 1;
    const distMax = this.curDist.maxLen;
    let bitbuf = this.bitbuf;
    let bitcnt = this.bitcnt;
    let wpos = this.wpos;
    let crc = this.crc;
    let size = this.size;
    let matchLeft = this.matchLeft;
    const matchDist = this.matchDist;
    // A pending match from the previous call.
    while (matchLeft > 0 && n < len) {
      const b = win[(wpos - matchDist) & WMASK];
      dst[off + n++] = b;
      win[wpos] = b;
      wpos = (wpos + 1) & WMASK;
      crc = CRC_TABLE[(crc ^ b) & 255] ^ (crc >>> 8);
      matchLeft--;
      size++;
    }
    while (n < len) {
      // Refill to at least 15 + 13 bits' worth in two steps (a code, then its extra bits).
      if (bitcnt < litMax) {
        if (this.inEnd - this.inPos >= 2) {
          bitbuf |= input[this.inPos++] << bitcnt;
          bitbuf |= input[this.inPos++] << (bitcnt + 8);
          bitcnt += 16;
        } else {
          this.bitbuf = bitbuf;
          this.bitcnt = bitcnt;
          this.wpos = wpos;
          this.crc = crc;
          this.size = size;
          this.matchLeft = matchLeft;
          this.need(litMax);
          bitbuf = this.bitbuf;
          bitcnt = this.bitcnt;
        }
      }
      const e = litTable[bitbuf & litMask];
      const el = e & 15;
      if (el === 0) {
        this.bitbuf = bitbuf;
        this.bitcnt = bitcnt;
        this.wpos = wpos;
        this.crc = crc;
        this.size = size;
        this.matchLeft = matchLeft;
        throw this.error('invalid deflate code: the data is corrupt');
      }
      bitbuf >>>= el;
      bitcnt -= el;
      if (this.pad > 0) {
        this.bitbuf = bitbuf;
        this.bitcnt = bitcnt;
        this.wpos = wpos;
        this.crc = crc;
        this.size = size;
        this.matchLeft = matchLeft;
        this.checkPad();
      }
      const sym = e >>> 4;
      if (sym < 256) {
        dst[off + n++] = sym;
        win[wpos] = sym;
        wpos = (wpos + 1) & WMASK;
        crc = CRC_TABLE[(crc ^ sym) & 255] ^ (crc >>> 8);
        size++;
        continue;
      }
      if (sym === 256) {
        this.bitbuf = bitbuf;
        this.bitcnt = bitcnt;
        this.wpos = wpos;
        this.crc = crc;
        this.size = size;
        this.matchLeft = matchLeft;
        this.state = ST_BLOCK;
        return n;
      }
      const li = sym - 257;
      this.bitbuf = bitbuf;
      this.bitcnt = bitcnt;
      this.wpos = wpos;
      this.crc = crc;
      this.size = size;
      this.matchLeft = matchLeft;
      if (li >= 29) throw this.error('invalid deflate length code: the data is corrupt');
      const length = LEN_BASE[li] + this.bits(LEN_EXTRA[li]);
      if (this.bitcnt < distMax) this.need(distMax);
      const de = distTable[this.bitbuf & distMask];
      const dl = de & 15;
      if (dl === 0) throw this.error('invalid deflate code: the data is corrupt');
      this.bitbuf >>>= dl;
      this.bitcnt -= dl;
      this.checkPad();
      const ds = de >>> 4;
      if (ds >= 30) throw this.error('invalid deflate distance code: the data is corrupt');
      const distance = DIST_BASE[ds] + this.bits(DIST_EXTRA[ds]);
      if (distance > size) throw this.error('deflate distance reaches before the start of the data');
      bitbuf = this.bitbuf;
      bitcnt = this.bitcnt;
      let left = length;
      while (left > 0 && n < len) {
        const b = win[(wpos - distance) & WMASK];
        dst[off + n++] = b;
        win[wpos] = b;
        wpos = (wpos + 1) & WMASK;
        crc = CRC_TABLE[(crc ^ b) & 255] ^ (crc >>> 8);
        left--;
        size++;
      }
      if (left > 0) {
        matchLeft = left;
        this.matchDist = distance;
      }
    }
    this.bitbuf = bitbuf;
    this.bitcnt = bitcnt;
    this.wpos = wpos;
    this.crc = crc;
    this.size = size;
    this.matchLeft = matchLeft;
    return n;
  }
}

/** Whether bytes start with the gzip magic. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}
