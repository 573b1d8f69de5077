/**
 * Goal: a bad sweep or variants section is refused before anything runs, with every problem
 * located (file:line:col and YAML path) at what the user wrote: an unknown key to sweep, an
 * empty list, zip lists of different lengths, a value wrong for one point, a list index that
 * does not exist, duplicate variant names, an unknown counter, a seed swept twice.
 * Method: plan small sweep files in process and check each ConfigError problem; then the CLI on
 * one of them (exit code 2, located message, nothing written).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planExperiments } from '../../src/sweep/plan.js';
import { ConfigError, type ConfigProblem } from '../../src/util/errors.js';
import { smallWith, tempDir, tiersim, writeConfig } from './helpers.js';

const dir = tempDir('bad');

/** The problems of planning `section` appended to SMALL_515, and the file's text. */
function problemsOf(
  name: string,
  section: string,
): { file: string; text: string; problems: readonly ConfigProblem[] } {
  const text = smallWith(section);
  const file = writeConfig(dir, name, text);
  try {
    planExperiments(file, []);
  } catch (err) {
    if (err instanceof ConfigError) return { file, text, problems: err.problems };
    throw err;
  }
  throw new Error(`${name}: expected a ConfigError`);
}

/** 1-based line and column of the first occurrence of `needle` (after the line containing `after`). */
function at(text: string, needle: string, after = ''): { line: number; col: number } {
  const lines = text.split('\n');
  const start = after === '' ? 0 : lines.findIndex((l) => l.includes(after));
  for (let i = Math.max(0, start); i < lines.length; i++) {
    const col = lines[i].indexOf(needle);
    if (col >= 0) return { line: i + 1, col: col + 1 };
  }
  throw new Error(`${needle} not found`);
}

describe('bad sweep configs get located errors', () => {
  it('an unknown key to sweep: at the key, with the keys allowed there', () => {
    const { file, text, problems } = problemsOf(
      'unknown.yaml',
      `
sweep:
  grid:
    kernel.demotion_enable: [true, false]
`,
    );
    expect(problems).toHaveLength(1);
    const p = problems[0];
    expect(p.code).toBe('UNKNOWN_KEY');
    expect(p.path).toBe('sweep.grid.kernel.demotion_enable');
    expect(p.location).toEqual({ file, ...at(text, 'kernel.demotion_enable:') });
    expect(p.message).toContain('unknown key "demotion_enable" in kernel');
    expect(p.message).toContain('demotion_enabled');
  });

  it('an empty list: at the list', () => {
    const { file, text, problems } = problemsOf(
      'empty.yaml',
      `
sweep:
  grid:
    kernel.swappiness: []
  seeds: 2
`,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('sweep.grid.kernel.swappiness');
    expect(problems[0].message).toBe('expected a list of at least 1 item(s), received a list of 0 item(s)');
    expect(problems[0].location).toEqual({ file, ...at(text, '[]') });
  });

  it('zip lists of different lengths: at the list that differs, naming the first', () => {
    const { file, text, problems } = problemsOf(
      'zip.yaml',
      `
sweep:
  zip:
    kernel.swappiness: [10, 20, 30]
    kernel.watermark_scale_factor: [10, 20]
`,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0].code).toBe('INCONSISTENT');
    expect(problems[0].path).toBe('sweep.zip.kernel.watermark_scale_factor');
    expect(problems[0].location).toEqual({ file, ...at(text, 'kernel.watermark_scale_factor:') });
    expect(problems[0].message).toMatch(
      /kernel.watermark_scale_factor has 2 value\(s\), kernel.swappiness \(.*:\d+:5\) has 3/,
    );
  });

  it('a value wrong for one point: at that list item, once, naming the point', () => {
    const { file, text, problems } = problemsOf(
      'value.yaml',
      `
sweep:
  grid:
    kernel.swappiness: [60, 500]
  seeds: 3
`,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0].code).toBe('OUT_OF_RANGE');
    expect(problems[0].path).toBe('kernel.swappiness');
    expect(problems[0].location).toEqual({ file, ...at(text, '500]') });
    expect(problems[0].message).toMatch(
      /^expected a number <= 200, received 500 \(in point 3 \(kernel.swappiness=500 seed=9\)\)$/,
    );
  });

  it('a list item that does not exist, and a variant path through a single value: at the keys', () => {
    const { file, text, problems } = problemsOf(
      'index.yaml',
      `
variants:
  - name: x
    set: { run.seed.deeper: 1 }
sweep:
  grid:
    topology.nodes[7].memory: [1MiB]
`,
    );
    expect(problems.map((p) => p.code)).toEqual(['BAD_OVERRIDE']);
    expect(problems[0].path).toBe('variants[0].set.run.seed.deeper');
    expect(problems[0].message).toContain('run.seed is a single value');
    expect(problems[0].location).toEqual({ file, ...at(text, 'run.seed.deeper') });
    // Once the variant is fixed, the list index is checked against the experiment's nodes.
    const second = problemsOf(
      'index2.yaml',
      `
sweep:
  grid:
    topology.nodes[7].memory: [1MiB]
`,
    );
    expect(second.problems[0].code).toBe('BAD_OVERRIDE');
    expect(second.problems[0].message).toContain('topology.nodes has 3 item(s), so there is no item 7');
    expect(second.problems[0].location).toEqual({
      file: second.file,
      ...at(second.text, 'topology.nodes[7]'),
    });
  });

  it('duplicate variant names, an unknown counter and run.seed swept twice', () => {
    const { file, text, problems } = problemsOf(
      'misc.yaml',
      `
variants:
  - name: same
  - name: same
sweep:
  grid:
    run.seed: [1, 2]
  seeds: 2
  counters: [pgdemote_kswapd, pgdemote_everything]
`,
    );
    const byCode = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(Object.keys(byCode).sort()).toEqual(['sweep.counters[1]', 'sweep.seeds', 'variants[1].name']);
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.includes('- name: same'));
    const second = lines.findIndex((l, i) => i > first && l.includes('- name: same'));
    expect(byCode['variants[1].name'].location).toEqual({
      file,
      line: second + 1,
      col: lines[second].indexOf('same') + 1,
    });
    expect(byCode['variants[1].name'].message).toContain(`first at ${file}:${first + 1}:`);
    expect(byCode['sweep.counters[1]'].location).toEqual({ file, ...at(text, 'pgdemote_everything') });
    expect(byCode['sweep.seeds'].message).toContain('run.seed is already swept');
  });

  it('tiersim sweep on a bad config: exit 2, located message, nothing written', async () => {
    const file = writeConfig(
      dir,
      'cli.yaml',
      smallWith(`
sweep:
  zip:
    kernel.swappiness: [10, 20, 30]
    kernel.watermark_scale_factor: [10, 20]
`),
    );
    const out = path.join(dir, 'never');
    const r = await tiersim('sweep', file, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:5: sweep\\.zip\\.kernel\\.watermark_scale_factor: zip lists`,
      ),
    );
    expect(r.stderr).toContain('nothing was run or written');
    expect(existsSync(out)).toBe(false);
  });
});
