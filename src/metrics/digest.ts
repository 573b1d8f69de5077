/**
 * The state digest: a 64-bit hash (two independent 32-bit lanes, murmur3-style mixing) over every
 * shared column after the last epoch. Equal digests mean the same final state bit for bit; the
 * determinism tests compare it across runs, schedulers and seeds.
 */
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
  const byteColumns = [s.frameFlags, s.frameYoung, s.frameDirty, s.frameAccessed];
  // The multi-gen LRU's columns exist only when it is on (so classic digests are unchanged).
  if (s.layout.lruGen) {
    byteColumns.push(s.frameGen, s.lruGenBloom);
    mixInto(h, wordsOf(s.lruGenWords));
  }
  for (const col of [
    s.pte,
    s.framePage,
    s.lruPrev,
    s.lruNext,
    s.frameScanMs,
    s.nodeWords,
    s.counters,
    s.cpuWords,
    s.taskWords,
    s.prng,
    s.accessMatrix,
    trafficWordsOf(s),
  ]) {
    mixInto(h, wordsOf(col));
  }
  for (const col of byteColumns) {
    // Byte columns: hash whole words, then the tail bytes one per word.
    mixInto(h, wordsOf(col));
    const tail = col.length % 4;
    if (tail > 0) mixInto(h, Uint32Array.from(col.subarray(col.length - tail)));
  }
  return h[0].toString(16).padStart(8, '0') + h[1].toString(16).padStart(8, '0');
}
