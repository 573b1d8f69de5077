/**
 * Goal: sweep points come out in the documented order (variants x grid keys as written x zip x
 * seeds, the last fastest), each point's config is the base with exactly its overrides (the
 * same result as `--set`), and its hash identifies it: distinct points differ, equal inputs
 * agree, and the config.json written for a point loads back to the same config and hash.
 * Method: plan sweeps of SMALL_515 in process (nothing runs) and compare with an independent
 * nested-loop reference.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configHash, loadConfig } from '../../src/config/load.js';
import { planExperiments } from '../../src/sweep/plan.js';
import { manifestOf } from '../../src/sweep/sweep-dir.js';
import { SMALL_515 } from '../helpers/configs.js';
import { smallWith, tempDir, writeConfig } from './helpers.js';

const FULL = smallWith(`
variants:
  - name: a
  - name: b
    set: { kernel.version: '6.1' }
sweep:
  grid:
    kernel.demotion_enabled: [true, false]
    kernel.watermark_scale_factor: [10, 50, 100]
  zip:
    costs.minor_fault: [1us, 2us]
    kernel.swappiness: [60, 100]
  seeds: 2
`);

describe('sweep expansion', () => {
  const dir = tempDir('expand');
  const file = writeConfig(dir, 'full.yaml', FULL);
  const plan = planExperiments(file, []);

  it('orders points variants > grid (written order) > zip > seeds, seeds fastest', () => {
    const expected: Record<string, unknown>[] = [];
    for (const variant of ['a', 'b'])
      for (const demotion of [true, false])
        for (const wsf of [10, 50, 100])
          for (const [minor, swappiness] of [
            ['1us', 60],
            ['2us', 100],
          ])
            for (const seed of [9, 10])
              expected.push({
                variant,
                'kernel.demotion_enabled': demotion,
                'kernel.watermark_scale_factor': wsf,
                'costs.minor_fault': minor,
                'kernel.swappiness': swappiness,
                seed,
              });
    expect(plan.points).toHaveLength(48);
    expect(plan.points.map((p) => p.values)).toEqual(expected);
    expect(plan.points.map((p) => p.index)).toEqual(expected.map((_, i) => i));
    expect(plan.keys).toEqual([
      'variant',
      'kernel.demotion_enabled',
      'kernel.watermark_scale_factor',
      'costs.minor_fault',
      'kernel.swappiness',
      'seed',
    ]);
    expect(plan.loops).toEqual([
      ['variant'],
      ['kernel.demotion_enabled'],
      ['kernel.watermark_scale_factor'],
      ['costs.minor_fault', 'kernel.swappiness'],
      ['seed'],
    ]);
    expect(plan.points[3].name).toBe(
      'a kernel.demotion_enabled=true kernel.watermark_scale_factor=10 costs.minor_fault=2us kernel.swappiness=100 seed=10',
    );
  });

  it("applies each point's values to its config (units parsed, variant overrides kept)", () => {
    for (const p of plan.points) {
      const c = p.config;
      expect(c.kernel.demotion_enabled).toBe(p.values['kernel.demotion_enabled']);
      expect(c.kernel.watermark_scale_factor).toBe(p.values['kernel.watermark_scale_factor']);
      expect(c.costs.minor_fault).toBe(p.values['costs.minor_fault'] === '1us' ? 1000 : 2000);
      expect(c.kernel.swappiness).toBe(p.values['kernel.swappiness']);
      expect(c.run.seed).toBe(p.values['seed']);
      expect(p.seed).toBe(p.values['seed']);
      expect(c.kernel.version).toBe(p.values['variant'] === 'b' ? '6.1' : '5.15');
      expect(c).not.toHaveProperty('sweep');
      expect(c).not.toHaveProperty('variants');
    }
  });

  it('hashes each point by its resolved config: all distinct, equal to --set on the plain experiment', () => {
    expect(new Set(plan.points.map((p) => p.hash)).size).toBe(48);
    for (const p of plan.points) expect(p.hash).toBe(configHash(p.config));
    const plain = writeConfig(dir, 'plain.yaml', SMALL_515);
    const p = plan.points[47];
    const viaSet = loadConfig(plain, {
      set: [
        'kernel.version="6.1"',
        'kernel.demotion_enabled=false',
        'kernel.watermark_scale_factor=100',
        'costs.minor_fault=2us',
        'kernel.swappiness=100',
        'run.seed=10',
      ],
    });
    expect(viaSet.hash).toBe(p.hash);
    expect(viaSet.config).toEqual(p.config);
  });

  it('writes a config.json per point that loads back to the same config and hash', () => {
    for (const p of [plan.points[0], plan.points[29]]) {
      const json = path.join(dir, `point-${p.index}.json`);
      writeFileSync(json, JSON.stringify(p.raw, null, 1));
      const again = loadConfig(json);
      expect(again.hash).toBe(p.hash);
      expect(again.config).toEqual(p.config);
    }
  });

  it('is deterministic: planning twice gives the same manifest, which holds no wall-clock time', () => {
    const again = planExperiments(file, []);
    expect(manifestOf(again)).toEqual(manifestOf(plan));
    const text = JSON.stringify(manifestOf(plan));
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect(manifestOf(plan).points[5]).toEqual({
      index: 5,
      name: plan.points[5].name,
      dir: 'points/5',
      values: plan.points[5].values,
      seed: 10,
      config_hash: plan.points[5].hash,
    });
  });

  it('a seed count starts at run.seed; --set applies to every point and a swept value wins over it', () => {
    const seeds = writeConfig(
      dir,
      'seeds.yaml',
      smallWith(`
sweep:
  zip:
    kernel.swappiness: [10, 20]
  seeds: 3
`),
    );
    const p = planExperiments(seeds, [
      'run.seed=100',
      'kernel.swappiness=1',
      'kernel.watermark_scale_factor=77',
    ]);
    expect(p.points.map((x) => [x.values['kernel.swappiness'], x.seed])).toEqual([
      [10, 100],
      [10, 101],
      [10, 102],
      [20, 100],
      [20, 101],
      [20, 102],
    ]);
    expect(p.points.map((x) => x.config.kernel.swappiness)).toEqual([10, 10, 10, 20, 20, 20]);
    expect(p.points.every((x) => x.config.kernel.watermark_scale_factor === 77)).toBe(true);
  });
});
