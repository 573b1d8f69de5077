/**
 * tiersim's binary trace format (docs/traces.md): records survive a round trip exactly (any
 * address below 2^52, any size, any order), whatever the read chunk size; `convert` gives the
 * records the lackey reader gives, with the header's count and page size hint; damaged files are
 * reported with their byte offset; and a convert that fails leaves nothing behind.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceError } from '../../src/workload/trace/errors.js';
import { HEADER_SIZE, decodeHeader } from '../../src/workload/trace/format.js';
import { convertTrace } from '../../src/workload/trace/writer.js';
import { KINDS, lackeyText, readAll, syntheticRecords, tempDir, writeBinary, type Rec } from './helpers.js';

const dir = tempDir();
const at = (name: string) => path.join(dir, name);

function errorOf(file: string): TraceError {
  try {
    readAll(file, 'tiersim');
  } catch (err) {
    if (err instanceof TraceError) return err;
    throw err;
  }
  throw new Error(`no error reading ${file}`);
}

const EDGES: Rec[] = [
  { kind: 'I', address: 0, size: 1 },
  { kind: 'I', address: 1, size: 15 }, // predicted (0 + 1): no delta
  { kind: 'L', address: 2 ** 52 - 1, size: 1 }, // the largest delta up
  { kind: 'S', address: 0, size: 32 }, // the largest delta down; size needs a varint
  { kind: 'M', address: 0, size: 31 }, // same address as the previous data record
  { kind: 'L', address: 0x7ffc12345678, size: 1 << 30 },
  { kind: 'I', address: 2 ** 52 - 16, size: 16 },
  { kind: 'I', address: 0x401000, size: 7 },
];

describe('binary format', () => {
  it('round-trips edge records for every chunk size', () => {
    const file = writeBinary(at('edges.tstrace'), EDGES);
    for (const chunk of [1, 2, 5, 14, 64, undefined]) expect(readAll(file, 'tiersim', chunk)).toEqual(EDGES);
  });

  it('round-trips arbitrary records (property)', () => {
    const rec = fc.record({
      kind: fc.constantFrom(...KINDS),
      address: fc.oneof(
        fc.integer({ min: 0, max: 2 ** 52 - 1 }),
        fc.integer({ min: 0x400000, max: 0x401000 }),
      ),
      size: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 1 << 30 })),
    });
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (records, chunk) => {
        const file = writeBinary(at('prop.tstrace'), records);
        expect(readAll(file, 'tiersim', chunk)).toEqual(records);
      }),
      { numRuns: 100 },
    );
  });

  it('an instruction ending at or past 2^52 wraps the prediction, so the next delta stays exact', () => {
    // Found by the property above: the next-instruction prediction 2^52 + 1 made the delta to
    // address 0 need a zigzag code above 2^53, which a double cannot hold.
    for (const records of [
      [
        { kind: 'I' as const, address: 2 ** 52 - 25, size: 26 },
        { kind: 'I' as const, address: 0, size: 1 },
      ],
      [
        { kind: 'I' as const, address: 4503599484124295, size: 147440506 },
        { kind: 'I' as const, address: 0x400000, size: 1 },
        { kind: 'I' as const, address: 0x400001, size: 1 },
      ],
    ]) {
      const file = writeBinary(at('wrap.tstrace'), records);
      expect(readAll(file, 'tiersim', 7)).toEqual(records);
    }
  });

  it('convert: the records of the lackey reader, the header, and far fewer bytes', () => {
    const records = syntheticRecords(20_000, 256);
    const text = lackeyText(records);
    writeFileSync(at('syn.lackey'), text);
    const result = convertTrace(at('syn.lackey'), at('syn.tstrace'), {
      pageSizeHint: 2 * 1024 * 1024,
      chunkSize: 1000,
    });
    expect(result).toMatchObject({ inputFormat: 'lackey', records: 20_000 });
    const bytes = readFileSync(at('syn.tstrace'));
    expect(result.bytesOut).toBe(bytes.length);
    expect(decodeHeader(bytes, 'syn.tstrace')).toEqual({
      version: 2,
      headerSize: HEADER_SIZE,
      pageSizeHint: 2 * 1024 * 1024,
      records: 20_000,
    });
    expect(readAll(at('syn.tstrace'), 'tiersim')).toEqual(records);
    expect(bytes.length).toBeLessThan(Buffer.byteLength(text) / 4);
    // Binary in, binary out: the same bytes.
    convertTrace(at('syn.tstrace'), at('syn2.tstrace'), { pageSizeHint: 2 * 1024 * 1024 });
    expect(readFileSync(at('syn2.tstrace')).equals(bytes)).toBe(true);
  });

  it('a file that is not a binary trace, a newer version, a truncated file', () => {
    writeFileSync(at('text.tstrace'), 'I  10,4\n');
    expect(errorOf(at('text.tstrace')).message).toBe(
      `${at('text.tstrace')}: byte 0: expected a tiersim binary trace (magic 89 54 53 54 0D 0A 1A 0A; \`tiersim trace convert\` writes one), found text "I  10,4\\n"`,
    );
    const good = readFileSync(writeBinary(at('good.tstrace'), EDGES));
    const newer = Buffer.from(good);
    newer.writeUInt16LE(3, 8);
    writeFileSync(at('newer.tstrace'), newer);
    expect(errorOf(at('newer.tstrace')).message).toContain('byte 8: expected format version 1 to 2, found 3');
    // Cut inside the last record: the reader names the record and its offset.
    writeFileSync(at('cut.tstrace'), good.subarray(0, good.length - 2));
    const cut = errorOf(at('cut.tstrace'));
    expect(cut.message).toMatch(/byte \d+: record 8: expected an address delta varint, found a truncated/);
    // Cut at a record boundary: the header's count says records are missing.
    const fewer = Buffer.from(good);
    fewer.writeBigUInt64LE(9n, 16);
    writeFileSync(at('fewer.tstrace'), fewer);
    expect(errorOf(at('fewer.tstrace')).message).toContain(
      "record 9: expected 9 records (the header's count), found 8: the file is truncated",
    );
  });

  it('convert of a malformed lackey trace writes nothing and leaves an existing output as it was', () => {
    const sub = tempDir('tiersim-trace-atomic-');
    const records = syntheticRecords(30_000, 64);
    const lines = lackeyText(records, false).split('\n');
    lines[25_000] = ' L 12g4,4';
    writeFileSync(path.join(sub, 'bad.lackey'), lines.join('\n'));
    const run = () =>
      convertTrace(path.join(sub, 'bad.lackey'), path.join(sub, 'out.tstrace'), { chunkSize: 4096 });
    expect(run).toThrow(`${path.join(sub, 'bad.lackey')}:25001:6: expected "," after the address, found "g"`);
    expect(readdirSync(sub)).toEqual(['bad.lackey']);
    writeFileSync(path.join(sub, 'out.tstrace'), 'previous contents');
    expect(run).toThrow(TraceError);
    expect(readdirSync(sub).sort()).toEqual(['bad.lackey', 'out.tstrace']);
    expect(readFileSync(path.join(sub, 'out.tstrace'), 'utf8')).toBe('previous contents');
  });

  it('reads version 1 files (the bundled kvlookup trace) as they were; version 2 keeps every record, smaller', () => {
    const v1 = path.join(import.meta.dirname, '../../configs/traces/kvlookup.tstrace');
    expect(readFileSync(v1).readUInt16LE(8)).toBe(1);
    const records = readAll(v1, 'tiersim');
    expect(records).toHaveLength(227_743);
    const v2 = at('kvlookup-v2.tstrace');
    convertTrace(v1, v2);
    expect(readFileSync(v2).readUInt16LE(8)).toBe(2);
    expect(readAll(v2, 'tiersim')).toEqual(records);
    expect(statSync(v2).size).toBeLessThan(statSync(v1).size);
  });
});
