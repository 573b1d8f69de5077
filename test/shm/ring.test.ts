/**
 * The SPSC ring on one thread: records come out in the order they went in, intact, across many
 * wrap-arounds of the slot index and of the 32-bit counters; a full ring refuses a record and
 * an empty one yields none; two rings side by side in one buffer never touch each other.
 */
import { describe, expect, it } from 'vitest';
import { RING_HEADER_INT32S, RING_TAIL_WORD, Ring, ringCapacityFor, ringWords } from '../../src/shm/ring.js';

function makeRing(capacity: number, recordWords: number, offset = 0): Ring {
  const words = new Int32Array(new SharedArrayBuffer((offset + ringWords(capacity, recordWords)) * 4));
  return new Ring(words, offset, capacity, recordWords);
}

describe('Ring', () => {
  it('rounds capacities up to powers of two and lays out header and records', () => {
    expect(ringCapacityFor(1)).toBe(1);
    expect(ringCapacityFor(1000)).toBe(1024);
    expect(ringCapacityFor(1024)).toBe(1024);
    expect(ringWords(8, 3)).toBe(RING_HEADER_INT32S + 24);
    expect(() => makeRing(6, 2)).toThrow(/power of two/);
  });

  it('keeps FIFO order and record contents through 100 wrap-arounds', () => {
    const ring = makeRing(16, 3);
    let produced = 0;
    let consumed = 0;
    // Uneven bursts so the fill level wanders over the whole range.
    for (let round = 0; round < 400; round++) {
      const burst = (round * 7) % 17;
      for (let i = 0; i < burst; i++) {
        const w = ring.reserve();
        if (w < 0) break;
        ring.words[w] = produced;
        ring.words[w + 1] = produced * 3;
        ring.words[w + 2] = -produced;
        ring.commit();
        produced++;
      }
      const drain = (round * 5) % 13;
      for (let i = 0; i < drain; i++) {
        const r = ring.peek();
        if (r < 0) break;
        expect([ring.words[r], ring.words[r + 1], ring.words[r + 2]]).toEqual([
          consumed,
          consumed * 3,
          -consumed | 0,
        ]);
        ring.release();
        consumed++;
      }
    }
    expect(produced).toBeGreaterThan(16 * 100);
    expect(produced - consumed).toBe(ring.size());
  });

  it('refuses a record when full and yields none when empty', () => {
    const ring = makeRing(4, 1);
    expect(ring.peek()).toBe(-1);
    for (let i = 0; i < 4; i++) {
      const w = ring.reserve();
      expect(w).toBeGreaterThanOrEqual(0);
      ring.words[w] = i;
      ring.commit();
    }
    expect(ring.size()).toBe(4);
    expect(ring.reserve()).toBe(-1);
    const r = ring.peek();
    expect(ring.words[r]).toBe(0);
    ring.release();
    expect(ring.reserve()).toBeGreaterThanOrEqual(0);
  });

  it('works across the 32-bit wrap of its counters', () => {
    const ring = makeRing(8, 1);
    // Start both counters just below 2^31 so they overflow into negative values and on.
    ring.words[0] = 0x7ffffffa;
    ring.words[RING_TAIL_WORD] = 0x7ffffffa;
    for (let i = 0; i < 50; i++) {
      const w = ring.reserve();
      ring.words[w] = i;
      ring.commit();
      const r = ring.peek();
      expect(ring.words[r]).toBe(i);
      ring.release();
      expect(ring.size()).toBe(0);
    }
    expect(ring.words[0]).toBeLessThan(0); // the counter did wrap
  });

  it('two rings in one buffer stay independent', () => {
    const words = new Int32Array(new SharedArrayBuffer(2 * ringWords(4, 2) * 4));
    const a = new Ring(words, 0, 4, 2);
    const b = new Ring(words, ringWords(4, 2), 4, 2);
    for (let i = 0; i < 4; i++) {
      let w = a.reserve();
      words[w] = i;
      words[w + 1] = 100 + i;
      a.commit();
      w = b.reserve();
      words[w] = -i;
      words[w + 1] = -100 - i;
      b.commit();
    }
    for (let i = 0; i < 4; i++) {
      let r = a.peek();
      expect([words[r], words[r + 1]]).toEqual([i, 100 + i]);
      a.release();
      r = b.peek();
      expect([words[r], words[r + 1]]).toEqual([-i | 0, -100 - i]);
      b.release();
    }
  });
});
