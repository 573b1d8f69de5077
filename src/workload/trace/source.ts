/**
 * Where a trace reader's bytes come from: a regular file (read at explicit offsets, so a loop
 * is a rewind), or a stream (a pipe, `-` for standard input, `<(zcat ...)`: read in order and
 * never seeked, so it can be played once), either of them plain or gzip-compressed (told by the
 * magic 1f 8b in its first two bytes, whatever the file is called; inflate.ts decodes it).
 *
 * The descriptor is opened by the thread that reads (a stream made on a worker opens its own),
 * stays open across rewinds, and is closed by `close()` or when the source is garbage-collected.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { TraceError } from './errors.js';
import { GunzipStream, InflateError, isGzip } from './inflate.js';

/** `-` names standard input, as in most command-line tools. */
export const STDIN_NAME = '-';

/** The path to open for a trace file name (`-` is /dev/stdin). */
export function openablePath(file: string): string {
  return file === STDIN_NAME ? '/dev/stdin' : file;
}

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed by the process tearing down; nothing to do.
  }
});

/** Bytes read ahead from a stream to look for the gzip magic. */
const PEEK = 64 * 1024;

export class TraceSource {
  readonly file: string;
  private fd = -1;
  /** A regular file: read at offsets, rewindable. False for pipes, FIFOs, terminals, sockets. */
  seekable = true;
  gzip = false;
  private at = 0;
  /** Bytes of a stream read ahead (to sniff the magic) and not yet handed out. */
  private prefix: Buffer | undefined;
  private prefixPos = 0;
  private gunzip: GunzipStream | undefined;
  private readonly pullRaw = (buf: Buffer, off: number, len: number) => this.readRaw(buf, off, len);

  constructor(file: string) {
    this.file = file;
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** Bytes of the file itself consumed so far (compressed bytes for gzip), for progress. */
  get rawConsumed(): number {
    return this.at;
  }

  open(): void {
    try {
      this.fd = openSync(openablePath(this.file), 'r');
      this.seekable = fstatSync(this.fd).isFile();
    } catch (err) {
      if (this.fd >= 0) this.close();
      throw new TraceError(this.file, `cannot read the trace: ${(err as Error).message}`);
    }
    closer.register(this, this.fd, this);
    let head: Buffer;
    if (this.seekable) {
      head = Buffer.alloc(2);
      head = head.subarray(0, readSync(this.fd, head, 0, 2, 0));
    } else {
      // A stream cannot be read again: keep what was read to sniff it.
      const b = Buffer.alloc(PEEK);
      let got = 0;
      while (got < 2) {
        const n = readSync(this.fd, b, got, PEEK - got, null);
        if (n === 0) break;
        got += n;
      }
      head = b.subarray(0, got);
      this.prefix = head;
    }
    this.gzip = isGzip(head);
    this.startDecoder();
  }

  private startDecoder(): void {
    if (!this.gzip) this.gunzip = undefined;
    else if (this.gunzip === undefined) this.gunzip = new GunzipStream(this.pullRaw);
    else this.gunzip.reset();
  }

  /** Up to `len` (decompressed) bytes into `buf` at `off`; 0 at the end. */
  read(buf: Buffer, off: number, len: number): number {
    if (this.gunzip === undefined) return this.readRaw(buf, off, len);
    try {
      return this.gunzip.read(buf, off, len);
    } catch (err) {
      if (!(err instanceof InflateError)) throw err;
      this.close();
      throw new TraceError(this.file, `gzip-compressed trace: ${err.message}`, { offset: err.offset });
    }
  }

  private readRaw(buf: Buffer, off: number, len: number): number {
    const prefix = this.prefix;
    if (prefix !== undefined) {
      const n = Math.min(len, prefix.length - this.prefixPos);
      prefix.copy(buf, off, this.prefixPos, this.prefixPos + n);
      this.prefixPos += n;
      if (this.prefixPos === prefix.length) this.prefix = undefined;
      this.at += n;
      return n;
    }
    const got = readSync(this.fd, buf, off, len, this.seekable ? this.at : null);
    this.at += got;
    return got;
  }

  /** Back to the first byte; a stream cannot go back (the error says so). */
  rewind(): void {
    if (!this.seekable) {
      throw new TraceError(
        this.file,
        'cannot replay the trace again: it is a stream (a pipe or standard input), read once; set loop: false, or replay a file',
      );
    }
    this.at = 0;
    this.startDecoder();
  }

  close(): void {
    if (this.fd >= 0) {
      closer.unregister(this);
      const fd = this.fd;
      this.fd = -1;
      closeSync(fd);
    }
  }
}
