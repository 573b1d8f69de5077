/**
 * The state layout's own arithmetic: the bytes a frame costs (the header's table: framePage 4,
 * flags/young/dirty/accessed 1 each, frameScanMs 4, lruPrev 4, lruNext 4 = 20; frameGen adds
 * 1 with the multi-gen LRU) as the memory budget charges it and as allocateBuffers allocates it,
 * and the field-overlap check the module runs at load on its word offsets.
 */
import { describe, expect, it } from 'vitest';
import {
  allocateBuffers,
  assertDisjointFields,
  bytesPerFrame,
  computeLayout,
  FRAME_COLUMN_BYTES,
} from '../../src/memory/layout.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { parseConfigText } from '../../src/config/load.js';
import { SMALL_515 } from '../helpers/configs.js';

describe('memory/layout.ts', () => {
  it('a frame costs 20 bytes, 21 with the multi-gen LRU', () => {
    expect(bytesPerFrame()).toBe(20);
    expect(bytesPerFrame(true)).toBe(21);
    expect(Object.values(FRAME_COLUMN_BYTES).reduce((a, b) => a + b, 0)).toBe(21);
  });

  it('allocateBuffers gives the frame columns exactly bytesPerFrame per frame', () => {
    const sim = createSimulation(parseConfigText(SMALL_515, '/virtual/layout.yaml').config);
    const l = sim.s.layout;
    for (const lruGen of [false, true]) {
      const b = allocateBuffers({ ...l, lruGen });
      const cols = [
        'framePage',
        'frameFlags',
        'frameYoung',
        'frameDirty',
        'frameAccessed',
        'frameScanMs',
      ] as const;
      let bytes = b.lruPrev.byteLength + b.lruNext.byteLength + (lruGen ? b.frameGen.byteLength : 0);
      for (const c of cols) bytes += b[c].byteLength;
      // SMALL_515: 2 MiB + 1 MiB + 4 MiB nodes of 4 KiB pages, each rounded up to whole chunks.
      expect(l.totalFrames).toBeGreaterThanOrEqual(512 + 256 + 1024);
      expect(bytes).toBe(l.totalFrames * (lruGen ? 21 : 20));
    }
    expect(computeLayout).toBeTypeOf('function');
  });

  it('the field check rejects overlapping fields and fields past the block', () => {
    expect(() =>
      assertDisjointFields(
        [
          [0, 4],
          [4, 1],
        ],
        5,
        'x',
      ),
    ).not.toThrow();
    expect(() =>
      assertDisjointFields(
        [
          [0, 4],
          [3, 1],
        ],
        8,
        'overlap',
      ),
    ).toThrow('overlap');
    expect(() =>
      assertDisjointFields(
        [
          [0, 4],
          [4, 2],
        ],
        5,
        'past',
      ),
    ).toThrow('past');
    expect(() => assertDisjointFields([[-1, 1]], 5, 'negative')).toThrow('negative');
  });
});
