/**
 * Traces as people have them: gzip-compressed (told by the magic, whatever the name), and
 * streamed from a pipe or standard input (read once, never seeked). The decoder is checked
 * against node:zlib and the gzip program; the reader gives a compressed or piped trace's
 * records exactly as the plain file's; a replay of either has the plain file's digest; broken
 * input is a located error that names what it found.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/util/errors.js';
import { TraceError } from '../../src/workload/trace/errors.js';
import { GunzipStream, InflateError } from '../../src/workload/trace/inflate.js';
import { TraceReader } from '../../src/workload/trace/reader.js';
import { runFile } from '../helpers/run.js';
import { readAll, syntheticRecords, tempDir, writeBinary, writeLackey } from './helpers.js';

const dir = tempDir('tiersim-trace-gz-');
const at = (...p: string[]) => path.join(dir, ...p);

/** Decodes `gz` whole, `inChunk` compressed bytes per pull and `outChunk` bytes per read. */
function gunzip(gz: Uint8Array, inChunk: number, outChunk: number): Buffer {
  let pos = 0;
  const g = new GunzipStream((buf, off, len) => {
    const n = Math.min(len, inChunk, gz.length - pos);
    buf.set(gz.subarray(pos, pos + n), off);
    pos += n;
    return n;
  });
  const parts: Buffer[] = [];
  const out = Buffer.alloc(outChunk);
  for (let n = g.read(out, 0, outChunk); n > 0; n = g.read(out, 0, outChunk))
    parts.push(Buffer.from(out.subarray(0, n)));
  return Buffer.concat(parts);
}

function inflateError(gz: Uint8Array): InflateError {
  try {
    gunzip(gz, 4096, 4096);
  } catch (err) {
    if (err instanceof InflateError) return err;
    throw err;
  }
  throw new Error('decoded without error');
}

const STRATEGIES = [
  constants.Z_DEFAULT_STRATEGY,
  constants.Z_FIXED,
  constants.Z_HUFFMAN_ONLY,
  constants.Z_RLE,
];

describe('gzip decoder', () => {
  it('decodes what node:zlib compresses, at every level and strategy, in any chunking (property)', () => {
    // Bytes from a small alphabet with repeats, so matches of every length and distance occur.
    const data = fc
      .array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(97, 98, 99)), { maxLength: 3000 })
      .chain((bytes) => fc.tuple(fc.constant(bytes), fc.integer({ min: 0, max: 40 })))
      .map(([bytes, repeat]) => Buffer.concat(Array.from({ length: repeat + 1 }, () => Buffer.from(bytes))));
    fc.assert(
      fc.property(
        data,
        fc.constantFrom(0, 1, 6, 9),
        fc.constantFrom(...STRATEGIES),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        (src, level, strategy, inChunk, outChunk) => {
          const gz = gzipSync(src, { level, strategy });
          expect(gunzip(gz, inChunk, outChunk).equals(src)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('decodes the gzip program output (a file name in the header) and concatenated members', () => {
    const text = readFileSync(path.join(import.meta.dirname, '../../docs/traces.md'));
    writeFileSync(at('doc.md'), text);
    execFileSync('gzip', ['-k', '-9', at('doc.md')]);
    const gz = readFileSync(at('doc.md.gz'));
    expect(gz[3] & 8).toBe(8); // FNAME set
    expect(gunzip(gz, 65536, 65536).equals(text)).toBe(true);
    const two = Buffer.concat([gzipSync(Buffer.from('abc')), gzipSync(Buffer.from('defg'))]);
    expect(gunzip(two, 3, 2).toString()).toBe('abcdefg');
  });

  it('refuses a truncated stream, a corrupt byte, trailing garbage, and says where', () => {
    const gz = gzipSync(readFileSync(path.join(import.meta.dirname, '../../docs/traces.md')));
    expect(inflateError(gz.subarray(0, 200)).message).toMatch(/ends in the middle of a deflate stream/);
    expect(inflateError(gz.subarray(0, gz.length - 3)).message).toMatch(
      /ends inside a member header or trailer/,
    );
    const trailing = inflateError(Buffer.concat([gz, Buffer.from('xx')]));
    expect(trailing.message).toMatch(/expected another gzip member or the end of the file after member 1/);
    expect(trailing.offset).toBe(gz.length);
    const corrupt = Buffer.from(gz);
    corrupt[gz.length - 6] ^= 1; // inside the CRC-32
    expect(inflateError(corrupt).message).toMatch(/CRC-32 mismatch/);
  });
});

const records = syntheticRecords(3000, 64);
const lackey = writeLackey(at('t.lackey'), records);
const binary = writeBinary(at('t.tstrace'), records);
writeFileSync(at('t.lackey.gz'), gzipSync(readFileSync(lackey)));
writeFileSync(at('t.tstrace.gz'), gzipSync(readFileSync(binary)));
// A gzip file whose name says nothing: the magic decides.
writeFileSync(at('t-lackey-named.txt'), gzipSync(readFileSync(lackey)));

/** Writes `file` into a new FIFO from a child process; returns the FIFO's path. */
function fifoOf(file: string, name: string): string {
  const fifo = at(name);
  execFileSync('mkfifo', [fifo]);
  spawn('sh', ['-c', `cat "$1" > "$2"`, 'sh', file, fifo], { stdio: 'ignore' });
  return fifo;
}

describe('the reader', () => {
  it('reads a gzip file as the plain one, for any chunk size, by the magic', () => {
    const plain = readAll(lackey, 'lackey');
    expect(plain.length).toBe(3000);
    for (const chunk of [1, 7, 4096, undefined]) {
      expect(readAll(at('t.lackey.gz'), 'lackey', chunk)).toEqual(plain);
      expect(readAll(at('t.tstrace.gz'), 'tiersim', chunk)).toEqual(plain);
    }
    expect(readAll(at('t-lackey-named.txt'), 'lackey')).toEqual(plain);
    const auto = new TraceReader(at('t.tstrace.gz'), 'auto');
    auto.peek();
    expect([auto.format, auto.gzip]).toEqual(['tiersim', true]);
    auto.close();
  });

  it('rewinds a gzip file (a loop) to the same records', () => {
    const r = new TraceReader(at('t.lackey.gz'), 'lackey', { chunkSize: 1000 });
    const first: number[] = [];
    for (let k = r.next(); k >= 0; k = r.next()) first.push(r.rec[0]);
    r.rewind();
    const second: number[] = [];
    for (let k = r.next(); k >= 0; k = r.next()) second.push(r.rec[0]);
    r.close();
    expect(second).toEqual(first);
  });

  it('reads a pipe without seeking (plain and gzip), and refuses to rewind it', () => {
    const plain = readAll(lackey, 'lackey');
    expect(readAll(fifoOf(lackey, 'p1'), 'lackey', 100)).toEqual(plain);
    expect(readAll(fifoOf(at('t.tstrace.gz'), 'p2'), 'tiersim', 100)).toEqual(plain);
    const r = new TraceReader(fifoOf(binary, 'p3'), 'tiersim');
    while (r.next() >= 0);
    expect(r.stream).toBe(true);
    expect(() => r.rewind()).toThrow(/cannot replay the trace again: it is a stream/);
    r.close();
  });

  it('names what it found: gzip inside, zstd, perf.data, a binary trace read as lackey', () => {
    const errorOf = (file: string, format: 'lackey' | 'tiersim') => {
      try {
        readAll(file, format);
      } catch (err) {
        if (err instanceof TraceError) return err.message;
        throw err;
      }
      throw new Error('read without error');
    };
    writeFileSync(at('z.lackey'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    expect(errorOf(at('z.lackey'), 'lackey')).toMatch(
      /z\.lackey:1:1: expected valgrind lackey text, found zstd-compressed data/,
    );
    writeFileSync(at('perf.lackey'), 'PERFILE2\0\0\0\0');
    expect(errorOf(at('perf.lackey'), 'lackey')).toMatch(/found a perf\.data file .*--from perf/);
    writeFileSync(at('bin.gz'), gzipSync(readFileSync(binary)));
    expect(errorOf(at('bin.gz'), 'lackey')).toBe(
      `${at('bin.gz')}:1:1: expected valgrind lackey text, found a tiersim binary trace (inside its gzip compression): set format: tiersim (or name it *.tstrace)`,
    );
    writeFileSync(at('cut.lackey.gz'), gzipSync(readFileSync(lackey)).subarray(0, 500));
    expect(errorOf(at('cut.lackey.gz'), 'lackey')).toMatch(
      /cut\.lackey\.gz: byte \d+: gzip-compressed trace: the gzip data ends in the middle of a deflate stream/,
    );
  });
});

const TOPOLOGY = `topology:
  nodes:
    - { id: 0, cpus: 2, memory: 16MiB, device: dram }
run: { duration: 20ms, epoch: 1ms, seed: 3 }
`;

let configs = 0;

function experiment(file: string, extra = '', cpus = '[0]'): string {
  const name = `e${++configs}.yaml`;
  writeFileSync(
    at(name),
    `${TOPOLOGY}workload:
  tasks:
    - name: t
      cpus: ${cpus}
      regions:
        - { kind: anon, size: 1MiB, pattern: { type: trace, file: ${JSON.stringify(file)}${extra} } }
`,
  );
  return at(name);
}

function problemOf(file: string): string {
  try {
    loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('loaded without error');
}

describe('replaying compressed and streamed traces', () => {
  it('a gzip trace replays as the plain file (same digest), a pipe as the plain file played once', async () => {
    const plain = await runFile(experiment(binary, ', loop: false'));
    expect((await runFile(experiment(at('t.tstrace.gz'), ', loop: false'))).result.digest).toBe(
      plain.result.digest,
    );
    expect((await runFile(experiment(at('t.lackey.gz'), ', loop: false'))).result.digest).toBe(
      plain.result.digest,
    );
    // A pipe: loop defaults to false (it can be read once).
    const piped = await runFile(experiment(fifoOf(at('t.tstrace.gz'), 'p4'), ', format: tiersim'));
    expect(piped.loaded.config.workload?.tasks[0]?.regions[0]?.pattern).toMatchObject({ loop: false });
    expect(piped.result.digest).toBe(plain.result.digest);
  });

  it('loop: true on a stream, and a stream shared by two CPUs, are located config errors', () => {
    const fifo = at('idle-fifo');
    execFileSync('mkfifo', [fifo]);
    const looped = experiment(fifo, ', loop: true');
    expect(problemOf(looped)).toMatch(
      new RegExp(
        `^${looped.replace(/[.]/g, '\\.')}:10:\\d+: workload\\.tasks\\[0\\]\\.regions\\[0\\]\\.pattern\\.loop: .* is a stream .* it cannot loop; set loop: false`,
      ),
    );
    expect(problemOf(experiment('-', '', '[0, 1]'))).toMatch(
      /pattern\.file: - is a stream, read once: only a task with one CPU can replay it .* this task has 2/,
    );
  });
});
