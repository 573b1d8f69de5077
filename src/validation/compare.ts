/**
 * The validation's judgement, pure over numbers: a tiersim value against the kernel's reps
 * (relative tolerance, a factor, or the reps' range when they are bimodal), and the direction of
 * an effect (demotion on vs off, MGLRU vs classic) in the kernel and in tiersim.
 */

export type Check = { kind: 'rel'; tol: number } | { kind: 'factor'; factor: number } | { kind: 'info' };

export interface Reps {
  mean: number;
  min: number;
  max: number;
  n: number;
}

export function reps(values: readonly (number | null)[]): Reps | undefined {
  const v = values.filter((x): x is number => x !== null);
  if (v.length === 0) return undefined;
  return {
    mean: v.reduce((a, b) => a + b, 0) / v.length,
    min: Math.min(...v),
    max: Math.max(...v),
    n: v.length,
  };
}

/** Reps that disagree by more than 2× (beyond the absolute slack): a race decides the kernel's mode. */
export function isBimodal(k: Reps, floor: number): boolean {
  return k.n > 1 && k.max > 2 * k.min && k.max - k.min > floor;
}

export interface Verdict {
  ok: boolean;
  /** How the value was judged: "±15 %", "×2", "in range" or "info". */
  rule: string;
  /** (tiersim − kernel mean) / kernel mean, or undefined when the mean is 0. */
  deviation: number | undefined;
}

/**
 * Judges `sim` against the kernel's reps. `floor` is an absolute slack (in the metric's unit) so
 * counts near zero are not judged relatively: |sim − mean| <= max(tol × mean, floor).
 */
export function judge(sim: number, k: Reps, check: Check, floor: number): Verdict {
  const deviation = k.mean === 0 ? undefined : (sim - k.mean) / Math.abs(k.mean);
  if (check.kind === 'info') return { ok: true, rule: 'info', deviation };
  if (isBimodal(k, floor)) {
    // The reps' range widened by the metric's own tolerance at each end, never by the absolute
    // slack: a slack wider than the lowest rep would let 0 pass for a kernel that always did
    // something (W1p-local-d1's pgdemote, 1,366-49,787, once passed with tiersim's 0).
    const [lo, hi] =
      check.kind === 'factor'
        ? [k.min / check.factor, k.max * check.factor]
        : [k.min - check.tol * Math.abs(k.min), k.max + check.tol * Math.abs(k.max)];
    return { ok: sim >= lo && sim <= hi, rule: 'in range', deviation };
  }
  if (check.kind === 'factor') {
    const f = check.factor;
    const ok = Math.abs(sim - k.mean) <= floor || (k.mean > 0 && sim >= k.mean / f && sim <= k.mean * f);
    return { ok, rule: `×${f}`, deviation };
  }
  const ok = Math.abs(sim - k.mean) <= Math.max(check.tol * Math.abs(k.mean), floor);
  return { ok, rule: `±${Math.round(check.tol * 100)} %`, deviation };
}

/**
 * The directions the kernel shows for a → b. Where either side's reps are bimodal (a race decides
 * each boot's mode), the kernel has no one direction: each pair of boots, one of a and one of b,
 * shows one, and tiersim, which reproduces one mode deterministically, must show one of those.
 * Otherwise the one direction of the means. Sorted, without repeats.
 */
export function kernelDirections(
  a: readonly number[],
  b: readonly number[],
  tol: number,
  floor: number,
): (-1 | 0 | 1)[] {
  const ra = reps(a);
  const rb = reps(b);
  if (ra === undefined || rb === undefined) return [];
  if (!isBimodal(ra, floor) && !isBimodal(rb, floor)) return [direction(ra.mean, rb.mean, tol, floor)];
  const seen = new Set<-1 | 0 | 1>();
  for (const x of a) for (const y of b) seen.add(direction(x, y, tol, floor));
  return [...seen].sort((p, q) => p - q);
}

/** Sign of b − a, 0 when the difference is within max(tol × the larger, floor). */
export function direction(a: number, b: number, tol: number, floor: number): -1 | 0 | 1 {
  const d = b - a;
  if (Math.abs(d) <= Math.max(tol * Math.max(Math.abs(a), Math.abs(b)), floor)) return 0;
  return d > 0 ? 1 : -1;
}
