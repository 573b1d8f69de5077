/**
 * The generation barrier on one thread: the last of N arrivals releases and resets it, so it
 * can be reused for many generations; a barrier nobody completes ends in a ProtocolError after
 * its timeout naming the phase and how many arrived; a fault raised elsewhere stops a waiter
 * within one wait slice.
 */
import { describe, expect, it } from 'vitest';
import {
  BARRIER_COUNT_WORD,
  BARRIER_GENERATION_WORD,
  BARRIER_INT32S,
  Barrier,
} from '../../src/shm/barrier.js';
import { ProtocolError } from '../../src/util/errors.js';

function words(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(BARRIER_INT32S * 4));
}

describe('Barrier', () => {
  it('with one party never waits, and counts generations', () => {
    const w = words();
    const barrier = new Barrier(w, 0, 1, 1000, { check: () => undefined });
    for (let i = 0; i < 1000; i++) barrier.arrive('access');
    expect(w[BARRIER_GENERATION_WORD]).toBe(1000);
    expect(w[BARRIER_COUNT_WORD]).toBe(0);
  });

  it('the last arrival releases the others (simulated: the others arrived before)', () => {
    const w = words();
    const barrier = new Barrier(w, 0, 3, 1000, { check: () => undefined });
    Atomics.add(w, BARRIER_COUNT_WORD, 2); // two other threads are waiting
    barrier.arrive('place');
    expect(w[BARRIER_GENERATION_WORD]).toBe(1);
    expect(w[BARRIER_COUNT_WORD]).toBe(0);
  });

  it('times out with a ProtocolError naming the phase and the arrivals', () => {
    const barrier = new Barrier(words(), 0, 2, 120, { check: () => undefined });
    expect(() => barrier.arrive('reclaim')).toThrow(ProtocolError);
    expect(() => new Barrier(words(), 0, 3, 120, { check: () => undefined }).arrive('settle')).toThrow(
      /barrier after settle timed out after 120 ms \(1 of 3 threads arrived\)/,
    );
  });

  it('stops waiting as soon as a fault is raised elsewhere', () => {
    let checks = 0;
    const barrier = new Barrier(words(), 0, 2, 60_000, {
      check: () => (++checks >= 2 ? 'node 1 failed in epoch 7, migrate phase' : undefined),
    });
    expect(() => barrier.arrive('migrate')).toThrow(
      /stopped at the barrier after migrate: node 1 failed in epoch 7, migrate phase/,
    );
    expect(checks).toBe(2);
  });
});
