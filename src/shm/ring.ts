/**
 * A single-producer single-consumer ring of fixed-size Int32 records in shared memory.
 *
 *   Int32 words at `base`:
 *   [0]                head  (records consumed; written only by the consumer)
 *   [RING_TAIL_WORD]    tail  (records published; written only by the producer)
 *   [RING_HEADER_INT32S ...]  capacity × recordWords record words
 *
 * Head and tail are free-running 32-bit counters (they wrap; their difference is the fill), on
 * separate 64-byte lines so producer and consumer never share a cache line. Capacity is a power
 * of two, so a counter maps to a slot with a mask.
 *
 * Publishing: the producer writes the record words with plain stores, then publishes them with
 * Atomics.store of the new tail; the consumer Atomics.loads the tail before it reads any record,
 * and Atomics.stores the new head after it has read the record, handing the slot back. In
 * tiersim a ring's producer and consumer also sit in different epoch phases separated by a
 * barrier, so these orderings are what the rings rely on when used outside that discipline
 * (and in their own tests).
 *
 * The API allocates nothing: `reserve` returns the word index to write a record at, `peek` the
 * word index to read one from.
 */
import { assert } from '../util/assert.js';

export const RING_TAIL_WORD = 16;
export const RING_HEADER_INT32S = 32;

export function ringWords(capacity: number, recordWords: number): number {
  return RING_HEADER_INT32S + capacity * recordWords;
}

export function ringCapacityFor(records: number): number {
  let capacity = 1;
  while (capacity < records) capacity *= 2;
  return capacity;
}

export class Ring {
  readonly words: Int32Array;
  readonly base: number;
  readonly capacity: number;
  readonly recordWords: number;
  private readonly mask: number;
  private readonly dataBase: number;

  constructor(words: Int32Array, base: number, capacity: number, recordWords: number) {
    assert(capacity > 0 && (capacity & (capacity - 1)) === 0, 'ring capacity must be a power of two');
    assert(base + ringWords(capacity, recordWords) <= words.length, 'ring does not fit its buffer');
    this.words = words;
    this.base = base;
    this.capacity = capacity;
    this.recordWords = recordWords;
    this.mask = capacity - 1;
    this.dataBase = base + RING_HEADER_INT32S;
  }

  /** Records published and not yet consumed. */
  size(): number {
    return (Atomics.load(this.words, this.base + RING_TAIL_WORD) - Atomics.load(this.words, this.base)) | 0;
  }

  /** Producer: word index of the next free record, or -1 when the ring is full. */
  reserve(): number {
    const tail = this.words[this.base + RING_TAIL_WORD];
    const head = Atomics.load(this.words, this.base);
    if (((tail - head) | 0) >= this.capacity) return -1;
    return this.dataBase + (tail & this.mask) * this.recordWords;
  }

  /** Producer: publish the record written at the index `reserve` returned. */
  commit(): void {
    const t = this.base + RING_TAIL_WORD;
    // Publish: the record's words were written before this store; the consumer loads the tail first.
    Atomics.store(this.words, t, (this.words[t] + 1) | 0);
  }

  /** Consumer: word index of the oldest published record, or -1 when the ring is empty. */
  peek(): number {
    const head = this.words[this.base];
    const tail = Atomics.load(this.words, this.base + RING_TAIL_WORD);
    if (head === tail) return -1;
    return this.dataBase + (head & this.mask) * this.recordWords;
  }

  /** Consumer: hand the slot `peek` returned back to the producer. */
  release(): void {
    // The record was read before this store: only now may the producer overwrite the slot.
    Atomics.store(this.words, this.base, (this.words[this.base] + 1) | 0);
  }
}
