/**
 * The probabilities a Zipf alias table (src/workload/zipf.ts) gives its outcomes, read off the
 * table itself, and the exact Zipf probabilities to compare them with.
 */
import { ZS_ALIAS, ZS_OWN, ZS_STRIDE, ZS_THRESHOLD, type ZipfSampler } from '../../src/workload/zipf.js';

/**
 * Probability of each record (keyed by its offset: a column's ZS_OWN or ZS_ALIAS slot) as the
 * table draws it: a column is 1 / columns of the draws, its own record takes threshold / 2^shift
 * of them, its alias the rest. Records that describe the same outcome are merged by the caller.
 */
export function recordProbabilities(z: ZipfSampler): Map<number, number> {
  const p = new Map<number, number>();
  const one = 2 ** z.shift;
  for (let j = 0; j < z.columns; j++) {
    const col = j * ZS_STRIDE;
    const own = z.table[col + ZS_THRESHOLD] / one / z.columns;
    p.set(col + ZS_OWN, (p.get(col + ZS_OWN) ?? 0) + own);
    p.set(col + ZS_ALIAS, (p.get(col + ZS_ALIAS) ?? 0) + 1 / z.columns - own);
  }
  return p;
}

/** (i)^-theta for i = 1..n summed from the smallest term up, with Kahan compensation. */
export function directZeta(n: number, theta: number): number {
  let sum = 0;
  let comp = 0;
  for (let i = n; i >= 1; i--) {
    const y = Math.pow(i, -theta) - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
  }
  return sum;
}

/** Exact Zipf probabilities of ranks [from, to) (rank r has weight (r + 1)^-theta), summed. */
export function exactMass(from: number, to: number, theta: number, zetan: number): number {
  let sum = 0;
  for (let r = to - 1; r >= from; r--) sum += Math.pow(r + 1, -theta);
  return sum / zetan;
}

/** Chi-square statistic of observed counts against expected probabilities (same bins). */
export function chiSquare(observed: number[], expected: number[], samples: number): number {
  let x2 = 0;
  observed.forEach((o, k) => {
    const e = expected[k] * samples;
    x2 += ((o - e) * (o - e)) / e;
  });
  return x2;
}

/**
 * Upper critical value of chi-square with `df` degrees of freedom at significance 1e-4
 * (Wilson–Hilferty: df · (1 − 2/(9 df) + z · sqrt(2/(9 df)))^3, z = 3.719).
 */
export function chiSquareCritical(df: number): number {
  const k = 2 / (9 * df);
  return df * Math.pow(1 - k + 3.719 * Math.sqrt(k), 3);
}
