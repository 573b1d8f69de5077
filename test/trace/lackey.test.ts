/**
 * The lackey parser: every form valgrind writes (and the variants the issue lists: 0x or not,
 * either case), valgrind's own message lines skipped, identical records whatever the read chunk
 * size (down to 1 byte, so chunk boundaries fall inside lines, addresses and CRLFs), and a
 * malformed line reported with the file, its line and column and what was expected.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceError } from '../../src/workload/trace/errors.js';
import { MAX_LINE, TraceReader } from '../../src/workload/trace/reader.js';
import { lackeyText, readAll, referenceParse, syntheticRecords, tempDir } from './helpers.js';

const dir = tempDir();

function fileWith(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(file: string, chunkSize?: number): TraceError {
  try {
    readAll(file, 'lackey', chunkSize);
  } catch (err) {
    if (err instanceof TraceError) return err;
    throw err;
  }
  throw new Error(`no error reading ${file}`);
}

describe('lackey: well-formed traces', () => {
  it('reads every record form and skips valgrind lines, blank lines and CRLF endings', () => {
    const text = [
      '==6287== Lackey, an example Valgrind tool',
      "==6287== Copyright (C) 2002-2017, and GNU GPL'd, by Nicholas Nethercote.",
      '==6287== ',
      'I  0023C790,2',
      ' L 0xBE80199C,4',
      ' S BE80199C,4',
      ' M 0025747C,1',
      'I  0401ab70,3',
      ' L 1fff000778,8   ',
      '',
      'I 0X10,15\r',
      '--6287-- a verbose message',
      '**6287** an internal error message',
      ' S 0,1',
      '==6287== Exit code:       0',
      ' M 0xfffffffffffff,32', // the largest address (2^52 - 1), no newline at the end
    ].join('\n');
    const file = fileWith('forms.lackey', text);
    expect(readAll(file, 'lackey')).toEqual([
      { kind: 'I', address: 0x0023c790, size: 2 },
      { kind: 'L', address: 0xbe80199c, size: 4 },
      { kind: 'S', address: 0xbe80199c, size: 4 },
      { kind: 'M', address: 0x0025747c, size: 1 },
      { kind: 'I', address: 0x0401ab70, size: 3 },
      { kind: 'L', address: 0x1fff000778, size: 8 },
      { kind: 'I', address: 0x10, size: 15 },
      { kind: 'S', address: 0, size: 1 },
      { kind: 'M', address: 2 ** 52 - 1, size: 32 },
    ]);
  });

  it('gives the same records as the reference parser for every chunk size, down to one byte', () => {
    const records = syntheticRecords(3000, 64);
    const text = lackeyText(records).replace(/\n/g, (m, offset: number) => (offset % 5 === 0 ? '\r\n' : m));
    const file = fileWith('chunks.lackey', text);
    expect(referenceParse(text)).toEqual(records);
    for (const chunk of [1, 2, 3, 7, 13, 16, 64, 4097, undefined]) {
      expect(readAll(file, 'lackey', chunk), `chunk ${chunk}`).toEqual(records);
    }
  });

  it('reads an empty file and a banner-only file as no records', () => {
    expect(readAll(fileWith('empty.lackey', ''), 'lackey')).toEqual([]);
    expect(readAll(fileWith('banner.lackey', '==1== Lackey\n==1== \n'), 'lackey')).toEqual([]);
  });

  it('starts again after rewind()', () => {
    const records = syntheticRecords(50, 4);
    const file = fileWith('rewind.lackey', lackeyText(records));
    const reader = new TraceReader(file, 'lackey', { chunkSize: 7 });
    let n = 0;
    while (reader.next() >= 0) n++;
    expect(reader.next()).toBe(-1);
    reader.rewind();
    let m = 0;
    while (reader.next() >= 0) m++;
    expect([n, m]).toEqual([50, 50]);
  });
});

describe('lackey: malformed lines are reported with file, line and column', () => {
  // Each line is placed as line 4, after two valgrind lines and a good record.
  const cases: [string, number, string][] = [
    [' L BE80199C', 12, 'expected "," after the address, found the end of the line'],
    [' L BE80199C,', 13, 'expected a decimal size after ",", found the end of the line'],
    [' L BE80199C,4x', 14, 'expected the end of the line after the size, found "x"'],
    [' L ,4', 4, 'expected a hex address, found ","'],
    [' L zz,4', 4, 'expected a hex address, found "z"'],
    [' X 1000,4', 2, 'expected L, S or M after the leading space, found "X"'],
    [' I 1000,4', 1, 'expected "I" in column 1'],
    ['L 1000,4', 1, 'expected a space before L'],
    ['I1000,4', 2, 'expected a space after the kind letter, found "1"'],
    [
      'hello',
      1,
      'expected a lackey record ("I  ADDR,SIZE" or " L|S|M ADDR,SIZE") or a valgrind "==PID==" line, found "h"',
    ],
    [' S 1000,0', 9, 'expected a size of at least 1 byte, found 0'],
    [' S 10000000000000,4', 4, 'expected an address below 2^52'],
    ['I  12\t34,4', 6, 'expected "," after the address, found byte 0x09'],
  ];
  for (const [line, col, expected] of cases) {
    it(JSON.stringify(line), () => {
      const file = fileWith('bad.lackey', `==1== Lackey\n==1== \nI  0401ab70,3\n${line}\n L 10,4\n`);
      for (const chunk of [undefined, 3]) {
        const err = errorOf(file, chunk);
        expect(err.message).toContain(`${file}:4:${col}: ${expected}`);
        expect(err.position).toEqual({ line: 4, col });
      }
    });
  }

  it('a line longer than MAX_LINE bytes', () => {
    const file = fileWith('long.lackey', `I  10,4\nI  ${'0'.repeat(MAX_LINE + 10)}10,4\n`);
    expect(errorOf(file).message).toContain(`${file}:2:1: expected a line of at most ${MAX_LINE} bytes`);
  });

  it('names a line far into a file read in small chunks', () => {
    const records = syntheticRecords(5000, 16);
    const lines = lackeyText(records, false).split('\n');
    lines[4321] = ' M 1234;8';
    const file = fileWith('far.lackey', lines.join('\n'));
    expect(errorOf(file, 5).message).toContain(`${file}:4322:8: expected "," after the address, found ";"`);
  });
});
