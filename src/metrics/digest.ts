/**
 * The state digest: a 64-bit hash (two independent 32-bit lanes, murmur3-style mixing) over every
 * shared column after the last epoch. Equal digests mean the same final state bit for bit; the
 * determinism tests compare it across runs, schedulers and seeds.
 *
 * Frame columns are hashed over the frames each node ever handed out, [frame start, bump
 * pointer) (memory/frames.ts), not over the whole machine: a frame above the bump pointer has
 * never been used and is all zeros in every column (test/determinism/digest.test.ts), and the bump
 * pointer itself is in the node words the digest covers. So the digest still names the whole
 * state, costs time in proportion to the memory the run touched (a 1920 GiB machine with 4 GiB
 * used reads 1 M frames, not 503 M, and faults in none of the untouched shared pages), and
 * depends only on the state, never on how many threads produced it.
 */
import { usedFrameRanges } from '../memory/frames.js';
import type { SimState } from '../memory/state.js';

function mixInto(h: Uint32Array, words: Uint32Array): void {
  let a = h[0];
  let b = h[1];
  for (let i = 0; i < words.length; i++) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b ^= Math.imul(k ^ (k >>> 16), 0x85ebca6b);
    b = (b << 11) | (b >>> 21);
    b = (Math.imul(b, 9) + 0x7feb352d) | 0;
  }
  h[0] = a;
  h[1] = b;
}

function wordsOf(view: ArrayBufferView): Uint32Array {
  const whole = Math.floor(view.byteLength / 4);
  return new Uint32Array(view.buffer, view.byteOffset, whole);
}

/** A byte column's bytes [from, to): whole little-endian words, then the tail bytes one per word. */
function mixBytes(h: Uint32Array, col: Uint8Array, from: number, to: number): void {
  const whole = (to - from) >>> 2;
  if ((col.byteOffset + from) % 4 === 0) {
    mixInto(h, new Uint32Array(col.buffer, col.byteOffset + from, whole));
  } else {
    const words = new Uint32Array(whole);
    for (let i = 0, f = from; i < whole; i++, f += 4)
      words[i] = (col[f] | (col[f + 1] << 8) | (col[f + 2] << 16) | (col[f + 3] << 24)) >>> 0;
    mixInto(h, words);
  }
  const tail = from + whole * 4;
  if (tail < to) mixInto(h, Uint32Array.from(col.subarray(tail, to)));
}

/**
 * The traffic buffer, without its read() copy part while no read() copied more than a line
 * (every task at the default read_copy), so digests from before that part existed still hold.
 */
function trafficWordsOf(s: SimState): Float64Array {
  const all = new Float64Array(s.buffers.traffic);
  const copies = s.traffic.copies;
  return copies.some((x) => x !== 0) ? all : all.subarray(0, all.length - copies.length);
}

export function stateDigest(s: SimState): string {
  const h = new Uint32Array([0x9747b28c, 0x2545f491]);
  const nodes = s.layout.nodes;
  // Frames never handed out hold the buffers' zeros: the digest covers the used ones (both
  // ranges of frames.ts usedFrameRanges; the second is empty until a fallback steal).
  const ranges = Array.from({ length: nodes }, (_, nid) => usedFrameRanges(s, nid));
  const byteColumns = [s.frameFlags, s.frameYoung, s.frameDirty, s.frameAccessed];
  // The multi-gen LRU's columns exist only when it is on (so classic digests do not include them).
  if (s.layout.lruGen) {
    byteColumns.push(s.frameGen);
    mixBytes(h, s.lruGenBloom, 0, s.lruGenBloom.length);
    mixInto(h, wordsOf(s.lruGenWords));
  }
  for (const col of [s.framePage, s.lruPrev, s.lruNext, s.frameScanMs]) {
    for (const [a0, a1, b0, b1] of ranges) {
      mixInto(h, wordsOf(col.subarray(a0, a1)));
      if (b1 > b0) mixInto(h, wordsOf(col.subarray(b0, b1)));
    }
  }
  for (const col of [
    s.pte,
    s.nodeWords,
    s.counters,
    s.cpuWords,
    s.taskWords,
    s.prng,
    s.accessMatrix,
    trafficWordsOf(s),
    s.pgtableFrame,
  ]) {
    mixInto(h, wordsOf(col));
  }
  for (const col of byteColumns) {
    for (const [a0, a1, b0, b1] of ranges) {
      mixBytes(h, col, a0, a1);
      if (b1 > b0) mixBytes(h, col, b0, b1);
    }
  }
  return h[0].toString(16).padStart(8, '0') + h[1].toString(16).padStart(8, '0');
}
