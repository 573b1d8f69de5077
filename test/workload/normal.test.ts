/**
 * The `normal` pattern (pmbench's normal access address distribution): the quantile function
 * against textbook values of Φ⁻¹, draws mapped to pages by hand, and the generator's stream
 * against the normal's probability masses within 1 and 2 standard deviations.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { makeBatchFiller } from '../../src/workload/generate.js';
import { normalOffsetFromTable, normalQuantile, normalTable } from '../../src/workload/normal.js';

describe('normalQuantile (AS 241)', () => {
  it('gives the textbook quantiles', () => {
    // Φ(1) = 0.8413447460685429, Φ⁻¹(0.975) = 1.959963984540054, Φ⁻¹(0.75) = 0.6744897501960817,
    // Φ⁻¹(0.001) = -3.090232306167813 (tables of the standard normal), both tail branches.
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.8413447460685429)).toBeCloseTo(1, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.75)).toBeCloseTo(0.6744897501960817, 14);
    expect(normalQuantile(0.25)).toBeCloseTo(-0.6744897501960817, 14);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 13);
    expect(normalQuantile(1e-20)).toBeCloseTo(-9.2623400898, 9);
  });
});

describe('normalOffsetFromTable', () => {
  // 1000 pages, stdev 100 pages: mean floor(1000 / 2) = 500.
  const table = normalTable(1000, 100);
  it('maps a draw through the quantile at its cell', () => {
    // 0x80000000 is u = 0.5: the mean.
    expect(normalOffsetFromTable(0x80000000, 1000, table, 0)).toBe(500);
    // 0xC0000000 is u = 0.75: 500 + 100 × 0.67449 = 567.4 → 567; 0x40000000: 432.55 → 432.
    expect(normalOffsetFromTable(0xc0000000, 1000, table, 0)).toBe(567);
    expect(normalOffsetFromTable(0x40000000, 1000, table, 0)).toBe(432);
    // Half-way between the cells of u = 0.75 and 0.75 + 1/65536 interpolates between them.
    const mid = normalOffsetFromTable(0xc0008000, 1000, table, 0);
    expect(mid).toBe(567);
  });
  it('sends a draw outside the region to its middle page, as pmbench does', () => {
    // stdev = the whole region: u = 0.975 is 500 + 1000 × 1.96, past the end.
    const wide = normalTable(1000, 1000);
    expect(normalOffsetFromTable(0xffffffff, 1000, wide, 0)).toBe(500);
    expect(normalOffsetFromTable(0, 1000, wide, 0)).toBe(500);
    // 0x20000000 is u = 0.125: 500 − 1000 × 1.15 < 0.
    expect(normalOffsetFromTable(0x20000000, 1000, wide, 0)).toBe(500);
  });
});

describe('the generator', () => {
  it('puts half the accesses below the middle, 68.3 % within one stdev of it and 95.4 % within two', () => {
    const yaml = `
topology:
  nodes: [{ id: 0, cpus: 1, memory: 256MiB }]
run: { duration: 5ms, epoch: 1ms, seed: 3 }
workload:
  tasks:
    - name: t
      cpus: [0]
      regions:
        - { kind: anon, size: 40MiB, pattern: { type: normal, stdev: 0.05 } }
`;
    const s = createSimulation(parseConfigText(yaml, '/virtual/normal.yaml').config).s;
    const fill = makeBatchFiller(s);
    const first = s.plan.tasks[0].regions[0].firstPage;
    // 10240 pages, stdev 512 pages, mean 5120.
    let n = 0;
    let one = 0;
    let two = 0;
    let outside = 0;
    let below = 0;
    for (let b = 0; b < 40; b++) {
      const len = fill(0);
      for (let i = 0; i < len; i++) {
        const offset = Math.floor(s.batch[i] / 4) - first;
        if (offset < 0 || offset >= 10240) outside++;
        // Page p covers [p, p + 1): within one stdev is 5120 − 512 ≤ x < 5120 + 512.
        if (offset >= 4608 && offset < 5632) one++;
        if (offset >= 4096 && offset < 6144) two++;
        if (offset < 5120) below++;
        n++;
      }
    }
    expect(n).toBeGreaterThan(100_000);
    expect(outside).toBe(0);
    // Φ(1) − Φ(−1) = 0.6827, Φ(2) − Φ(−2) = 0.9545; binomial sd at n > 10^5 is < 0.0015.
    expect(one / n).toBeCloseTo(0.6827, 2);
    expect(two / n).toBeCloseTo(0.9545, 2);
    // Symmetric about the middle.
    expect(below / n).toBeCloseTo(0.5, 2);
  });
});
