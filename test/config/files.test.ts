/** loadConfig on real files: relative includes, the files list, and a missing config file. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/util/errors.js';
import { lines } from './helpers.js';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tiersim-config-'));
  mkdirSync(path.join(dir, 'topologies'));
  mkdirSync(path.join(dir, 'experiments'));
  writeFileSync(
    path.join(dir, 'topologies', 'two.yaml'),
    lines(
      'topology:',
      '  nodes:',
      '    - {id: 0, cpus: 2, memory: 1GiB}',
      '    - {id: 1, memory: 4GiB, device: pmem}',
    ),
  );
  writeFileSync(
    path.join(dir, 'experiments', 'ok.yaml'),
    lines('include: ../topologies/two.yaml', 'run: {duration: 10ms}'),
  );
  writeFileSync(
    path.join(dir, 'experiments', 'bad.yaml'),
    lines(
      'include: ../topologies/two.yaml',
      'topology:',
      '  nodes:',
      '    - {id: 0, cpus: 2, memory: 1GiB}',
      '    - {id: 1, memory: 4Gib}',
    ),
  );
  writeFileSync(path.join(dir, 'experiments', 'missing.yaml'), lines('include: ../topologies/none.yaml'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('loads a file with a relative include and lists every file read', () => {
    const file = path.join(dir, 'experiments', 'ok.yaml');
    const loaded = loadConfig(file);
    expect(loaded.file).toBe(file);
    expect(loaded.files).toEqual([file, path.join(dir, 'topologies', 'two.yaml')]);
    expect(loaded.config.topology.nodes[1]?.device).toBe('pmem');
    expect(loaded.config.run.duration).toBe(10e6);
    expect(loaded.locate('topology.nodes[1].device')).toEqual({
      file: path.join(dir, 'topologies', 'two.yaml'),
      line: 4,
      col: 37,
    });
  });

  it('names files by the path given, joined with the include path', () => {
    const rel = path.relative(process.cwd(), path.join(dir, 'experiments', 'missing.yaml'));
    try {
      loadConfig(rel);
      expect.fail('should not load');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const p = (err as ConfigError).problems[0];
      expect(p?.code).toBe('FILE_NOT_FOUND');
      expect(p?.location).toEqual({ file: rel, line: 1, col: 10 });
      expect(p?.message).toContain(
        `included file ${path.join(path.dirname(rel), '../topologies/none.yaml')} does not exist`,
      );
    }
  });

  it('locates an error in the including file after the merge', () => {
    const file = path.join(dir, 'experiments', 'bad.yaml');
    expect(() => loadConfig(file)).toThrow(
      `${file}:5:23: topology.nodes[1].memory: expected a size such as 16GiB`,
    );
  });

  it('reports a missing config file', () => {
    const file = path.join(dir, 'nope.yaml');
    expect(() => loadConfig(file)).toThrow(ConfigError);
    expect(() => loadConfig(file)).toThrow(`cannot read config file ${file}`);
  });

  it('passes --set through', () => {
    const loaded = loadConfig(path.join(dir, 'experiments', 'ok.yaml'), { set: ['run.seed=42'] });
    expect(loaded.config.run.seed).toBe(42);
  });
});
