/**
 * The one PRNG of the simulator: xoshiro128** (32-bit state words, integer-only output) with
 * streams derived from (root seed, stream id) by SplitMix32. Every random choice in a run comes
 * from a stream named here, so results depend only on the config's seed, and adding a CPU or a
 * node does not reshuffle the others' streams.
 *
 * State lives in a Uint32Array (4 words per stream) so that it can sit in shared memory and be
 * advanced by whichever thread runs the owning phase.
 */

export const PRNG_WORDS = 4;

/** Stream ids: CPU access streams use the CPU id; per-node kernel streams start here. */
export const STREAM_CPU_BASE = 0;
export const STREAM_NODE_BASE = 1 << 16;

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Seed stream `streamId` of root seed `rootSeed` into state[offset .. offset+4). */
export function seedStream(state: Uint32Array, offset: number, rootSeed: number, streamId: number): void {
  // Hash the root seed before mixing in the stream id, so stream i of one seed is not stream j of
  // a related seed (a plain XOR of the two would make seeds A and A ^ f(i) ^ f(j) share streams).
  let x = splitmix32(splitmix32(splitmix32(rootSeed) + 0x632be5ab) ^ Math.imul(streamId + 1, 0x9e3779b1));
  for (let i = 0; i < PRNG_WORDS; i++) {
    x = splitmix32(x + i);
    state[offset + i] = x;
  }
  // xoshiro must not start from the all-zero state.
  if ((state[offset] | state[offset + 1] | state[offset + 2] | state[offset + 3]) === 0) state[offset] = 1;
}

/**
 * The xoshiro128** step, in the one form every copy uses: state in int32 locals a, b, c, d
 * (s0..s3), output in x (int32; take `x >>> 0` for the unsigned draw), t a scratch local. x and t
 * start as 0, never undeclared-undefined: a loop variable that starts undefined is kept tagged by
 * V8, and an int32 beyond 2^30 is then boxed on every draw (measured: 3-4x slower fills). The
 * generator's hot loops paste this block between the same two marker comments rather than call
 * a function (a call that is not inlined boxes its result or forces the state through memory);
 * test/workload/prng-copies.test.ts checks that every marked block is this text, and that every
 * fill path draws the stream nextU32 draws. The rotations are written out, not a call of a
 * rotl(): an imported function is a module cell that optimized code loaded, hole-checked and
 * compared with the inlined target at every use (four loads and compares per step).
 */
export function nextU32(s: Uint32Array, o: number): number {
  let a = s[o] | 0;
  let b = s[o + 1] | 0;
  let c = s[o + 2] | 0;
  let d = s[o + 3] | 0;
  let x = 0,
    t = 0;
  // xoshiro128** step {
  x = Math.imul(b, 5);
  x = Math.imul((x << 7) | (x >>> 25), 9);
  t = b << 9;
  c ^= a;
  d ^= b;
  b ^= c;
  a ^= d;
  c ^= t;
  d = (d << 11) | (d >>> 21);
  // } xoshiro128** step
  s[o] = a;
  s[o + 1] = b;
  s[o + 2] = c;
  s[o + 3] = d;
  return x >>> 0;
}

/** 2^32: a 32-bit draw divided by it is uniform in [0, 1). */
export const TWO_32 = 4294967296;

/** Uniform integer in [0, n) (n ≤ 2^32), from one 32-bit draw. */
export function belowN(s: Uint32Array, o: number, n: number): number {
  return Math.floor((nextU32(s, o) / TWO_32) * n);
}

/** A probability p in [0, 1] as a 32-bit threshold: `u32 < threshold` happens with probability p. */
export function probabilityThreshold(p: number): number {
  return p >= 1 ? TWO_32 : Math.floor(p * TWO_32);
}
