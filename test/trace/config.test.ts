/**
 * `pattern: trace` in configs: the file is resolved relative to the config file that names it
 * (an included file's own directory; the working directory for --set), its format by extension
 * unless given, and a missing, unreadable, mislabelled or malformed trace, or a write_fraction on
 * a trace region, is a ConfigError located at the key that names it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/util/errors.js';
import { syntheticRecords, tempDir, writeBinary, writeLackey } from './helpers.js';

const dir = tempDir('tiersim-trace-config-');
const at = (...p: string[]) => path.join(dir, ...p);
const records = syntheticRecords(200, 8);
mkdirSync(at('traces'));
mkdirSync(at('sub', 'traces'), { recursive: true });
writeBinary(at('traces', 'a.tstrace'), records);
writeBinary(at('sub', 'traces', 'b.tstrace'), records);
writeLackey(at('traces', 'a.lackey'), records);

const TOPOLOGY = `topology:
  nodes:
    - { id: 0, cpus: 1, memory: 16MiB, device: dram }
`;

function experiment(pattern: string, extra = ''): string {
  return `${TOPOLOGY}workload:
  tasks:
    - name: t
      cpus: [0]
      regions:
        - kind: anon
          size: 1MiB
${extra}          pattern:
            type: trace
${pattern}`;
}

function problemsOf(file: string, set: string[] = []): ConfigError {
  try {
    loadConfig(file, { set });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`${file} loaded without error`);
}

function write(name: string, text: string): string {
  writeFileSync(at(name), text);
  return at(name);
}

const patternOf = (file: string, set: string[] = []) =>
  loadConfig(file, { set }).config.workload?.tasks[0]?.regions[0]?.pattern;

describe('trace files in configs', () => {
  it('resolves the path relative to the config file, the format from the extension', () => {
    const file = write('rel.yaml', experiment('            file: traces/a.tstrace\n'));
    expect(patternOf(file)).toEqual({
      type: 'trace',
      file: at('traces', 'a.tstrace'),
      format: 'tiersim',
      loop: true,
      base: 0,
    });
    const lackey = write(
      'rel-lackey.yaml',
      experiment('            file: traces/a.lackey\n            loop: false\n'),
    );
    expect(patternOf(lackey)).toMatchObject({
      file: at('traces', 'a.lackey'),
      format: 'lackey',
      loop: false,
    });
  });

  it('resolves a path written in an included file relative to that file', () => {
    write('sub/base.yaml', experiment('            file: traces/b.tstrace\n'));
    const file = write('inc.yaml', 'include: sub/base.yaml\nrun: { duration: 5ms }\n');
    expect(patternOf(file)).toMatchObject({ file: at('sub', 'traces', 'b.tstrace') });
  });

  it('resolves a --set path relative to the working directory', () => {
    const file = write('set.yaml', experiment('            file: traces/a.tstrace\n'));
    const relative = path.relative(process.cwd(), at('sub', 'traces', 'b.tstrace'));
    const set = [`workload.tasks[0].regions[0].pattern.file=${relative}`];
    expect(patternOf(file, set)).toMatchObject({ file: at('sub', 'traces', 'b.tstrace') });
  });

  it('hashes the config as written, wherever it is', () => {
    const text = experiment('            file: traces/a.tstrace\n');
    const one = loadConfig(write('h1.yaml', text));
    writeBinary(at('sub', 'traces', 'a.tstrace'), records);
    const two = loadConfig(write('sub/h2.yaml', text));
    expect(two.hash).toBe(one.hash);
  });

  it('a missing trace file: FILE_NOT_FOUND at the file: key', () => {
    const file = write('missing.yaml', experiment('            file: traces/nope.tstrace\n'));
    const err = problemsOf(file);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({
      code: 'FILE_NOT_FOUND',
      path: 'workload.tasks[0].regions[0].pattern.file',
      location: { file, line: 13, col: 13 },
    });
    expect(err.message).toBe(
      `${file}:13:13: workload.tasks[0].regions[0].pattern.file: trace file traces/nope.tstrace (resolved to ${at('traces', 'nope.tstrace')}) does not exist`,
    );
  });

  it('a binary trace read as lackey, lackey text read as binary, a directory', () => {
    writeBinary(at('traces', 'bin.lackey'), records);
    const asLackey = problemsOf(write('f1.yaml', experiment('            file: traces/bin.lackey\n')));
    expect(asLackey.message).toContain('is a tiersim binary trace: name it *.tstrace or set format: tiersim');
    expect(
      patternOf(
        write('f2.yaml', experiment('            file: traces/bin.lackey\n            format: tiersim\n')),
      ),
    ).toMatchObject({ format: 'tiersim' });
    const asBinary = problemsOf(
      write('f3.yaml', experiment('            file: traces/a.lackey\n            format: tiersim\n')),
    );
    expect(asBinary.problems[0]).toMatchObject({ code: 'INVALID_VALUE', location: { line: 13, col: 13 } });
    expect(asBinary.message).toContain('is malformed: ');
    expect(asBinary.message).toContain('expected a tiersim binary trace');
    const directory = problemsOf(write('f4.yaml', experiment('            file: traces\n')));
    expect(directory.message).toContain('is not a regular file');
  });

  it('a lackey trace malformed near its start: the trace file, line and column in the message', () => {
    writeFileSync(at('traces', 'bad.lackey'), '==1== Lackey\nI  10,4\n L 20;4\n');
    const err = problemsOf(write('bad.yaml', experiment('            file: traces/bad.lackey\n')));
    expect(err.message).toContain(
      `is malformed: ${at('traces', 'bad.lackey')}:3:6: expected "," after the address, found ";"`,
    );
  });

  it('write_fraction on a trace region is an error (S and M records are the stores)', () => {
    const err = problemsOf(
      write('wf.yaml', experiment('            file: traces/a.tstrace\n', '          write_fraction: 0.3\n')),
    );
    expect(err.problems[0]).toMatchObject({
      code: 'INCONSISTENT',
      path: 'workload.tasks[0].regions[0].write_fraction',
      location: { line: 11, col: 27 },
    });
  });

  it('base: a YAML hex literal; the schema rejects unknown keys and formats', () => {
    expect(
      patternOf(
        write('base.yaml', experiment('            file: traces/a.tstrace\n            base: 0x4000000\n')),
      ),
    ).toMatchObject({ base: 0x4000000 });
    const unknown = problemsOf(
      write('unk.yaml', experiment('            file: traces/a.tstrace\n            offset: 3\n')),
    );
    expect(unknown.problems[0]).toMatchObject({ code: 'UNKNOWN_KEY' });
    const format = problemsOf(
      write('fmt.yaml', experiment('            file: traces/a.tstrace\n            format: pin\n')),
    );
    expect(format.message).toContain('lackey');
  });
});
