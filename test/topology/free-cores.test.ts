/**
 * `--threads auto`'s core count (src/engine/free-cores.ts): a core counts for a worker when at
 * least three quarters of it is free, never fewer than one worker, never more than the cores.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { autoWorkers, freeBetween, freeCores } from '../../src/engine/free-cores.js';

describe('autoWorkers', () => {
  it('gives two workers on two quiet cores, inline (one) with a hog on one of them', () => {
    expect(autoWorkers({ cores: 2, free: 2, source: 'cpu times' })).toBe(2);
    expect(autoWorkers({ cores: 2, free: 1.75, source: 'cpu times' })).toBe(2);
    expect(autoWorkers({ cores: 2, free: 1.7, source: 'cpu times' })).toBe(1);
    expect(autoWorkers({ cores: 2, free: 1, source: 'cpu times' })).toBe(1);
    expect(autoWorkers({ cores: 2, free: 0, source: 'load average' })).toBe(1);
    expect(autoWorkers({ cores: 8, free: 5.8, source: 'cpu times' })).toBe(6);
  });
});

describe('freeCores', () => {
  it('measures this machine within 0 .. its cores', () => {
    const f = freeCores();
    expect(f.cores).toBe(availableParallelism());
    expect(f.free).toBeGreaterThanOrEqual(0);
    expect(f.free).toBeLessThanOrEqual(f.cores);
  });

  it('subtracts this process own CPU time from the busy time of the window', () => {
    const a = { busyMs: 1000, totalMs: 4000, ownMs: 50 };
    // 200 ms per core on 2 cores; 300 ms busy, of which 200 ms this process: 0.5 core elsewhere.
    expect(freeBetween(a, { busyMs: 1300, totalMs: 4400, ownMs: 250 }, 2)).toBeCloseTo(1.5, 9);
    // All the busy time this process's own: both cores free.
    expect(freeBetween(a, { busyMs: 1200, totalMs: 4400, ownMs: 250 }, 2)).toBe(2);
    // Another process on one core all along, this one on the other: one free core.
    expect(freeBetween(a, { busyMs: 1400, totalMs: 4400, ownMs: 250 }, 2)).toBe(1);
    // Under five 10 ms ticks per core: unreadable.
    expect(freeBetween(a, { busyMs: 1080, totalMs: 4080, ownMs: 90 }, 2)).toBeUndefined();
  });
});
