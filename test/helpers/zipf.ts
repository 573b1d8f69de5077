/**
 * zipfRankFromTable as a function of u in [0, 1), for tests that compare it with the exact
 * formula: u is quantized to the 32 random bits the generator draws (bits = floor(u · 2^32)).
 */
import {
  ZP_WORDS,
  zipfDrawParams,
  zipfRankFromTable,
  zipfTable,
  type ZipfParams,
} from '../../src/workload/zipf.js';
import { TWO_32 } from '../../src/workload/prng.js';

export function tableRanker(p: ZipfParams): (u: number) => number {
  const table = zipfTable(p);
  const params = new Float64Array(ZP_WORDS);
  zipfDrawParams(p, 0, params, 0);
  return (u) => zipfRankFromTable(quantize(u) * TWO_32, p.n, params, 0, table);
}

/** u rounded down to a multiple of 2^-32, as the generator's draws are. */
export function quantize(u: number): number {
  return Math.floor(u * TWO_32) / TWO_32;
}
