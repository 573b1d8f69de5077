/**
 * Waiting for a shared word to change, in bounded Atomics.wait slices, checking a fault
 * callback between slices so a thread never sleeps through another thread's failure. Unlike a
 * barrier there is no overall timeout: a worker may legitimately sleep for the whole run.
 */
import { ProtocolError } from '../util/errors.js';

const WAIT_SLICE_MS = 50;

export function waitForChange(
  words: Int32Array,
  index: number,
  last: number,
  fault: () => string | undefined,
  what: string,
): number {
  for (;;) {
    const value = Atomics.load(words, index);
    if (value !== last) return value;
    Atomics.wait(words, index, last, WAIT_SLICE_MS);
    const f = fault();
    if (f !== undefined) throw new ProtocolError(`stopped while waiting for ${what}: ${f}`);
  }
}
