/**
 * A generation barrier for the threads of one simulation, over two Int32 words in shared
 * memory, blocking with Atomics.wait (never spinning: with more threads than cores a spinning
 * barrier costs milliseconds, see the node20 measurements).
 *
 * Every wait is bounded: it waits in slices, and between slices checks the simulation's fault
 * word, so a thread blocked here learns within one slice that another thread died, and a
 * barrier nobody completes ends in a ProtocolError after `timeoutMs`.
 */
import { ProtocolError } from '../util/errors.js';

export const BARRIER_COUNT_WORD = 0;
export const BARRIER_GENERATION_WORD = 1;
export const BARRIER_INT32S = 2;

/** How long one Atomics.wait lasts before the fault word is checked again. */
const WAIT_SLICE_MS = 50;

export interface BarrierFault {
  /** Returns a description of a fault raised by another thread, or undefined. */
  check(): string | undefined;
}

export class Barrier {
  private readonly words: Int32Array;
  private readonly base: number;
  private readonly parties: number;
  private readonly timeoutMs: number;
  private readonly fault: BarrierFault;

  constructor(words: Int32Array, base: number, parties: number, timeoutMs: number, fault: BarrierFault) {
    this.words = words;
    this.base = base;
    this.parties = parties;
    this.timeoutMs = timeoutMs;
    this.fault = fault;
  }

  /** Block until all parties have arrived. `what` names the phase for error messages. */
  arrive(what: string): void {
    const g = this.base + BARRIER_GENERATION_WORD;
    // Read the generation before arriving: once the last party arrives it may bump the
    // generation at any moment, and a thread that read it afterwards would wait for the
    // generation after next and deadlock.
    const generation = Atomics.load(this.words, g);
    if (Atomics.add(this.words, this.base + BARRIER_COUNT_WORD, 1) === this.parties - 1) {
      // Last to arrive: reset the count for the next use, then release everyone.
      Atomics.store(this.words, this.base + BARRIER_COUNT_WORD, 0);
      Atomics.add(this.words, g, 1);
      Atomics.notify(this.words, g);
      return;
    }
    let waited = 0;
    while (Atomics.load(this.words, g) === generation) {
      Atomics.wait(this.words, g, generation, WAIT_SLICE_MS);
      waited += WAIT_SLICE_MS;
      const fault = this.fault.check();
      if (fault !== undefined) throw new ProtocolError(`stopped at the barrier after ${what}: ${fault}`);
      if (waited >= this.timeoutMs) {
        throw new ProtocolError(
          `barrier after ${what} timed out after ${this.timeoutMs} ms (${Atomics.load(this.words, this.base + BARRIER_COUNT_WORD)} of ${this.parties} threads arrived)`,
        );
      }
    }
  }
}
