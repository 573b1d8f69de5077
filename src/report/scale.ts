/**
 * Choices that keep a chart honest whatever the data: a symlog y scale when one spike would
 * flatten everything else on a linear axis (with a note saying so on the chart), a text panel
 * instead of an axis when a series never moved (Vega draws an all-zero domain as one
 * "0.000000" tick), axis labels with SI prefixes, and the unit of each counter.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * A chart's largest value past this many times the median of its non-zero values goes on a
 * symlog scale: on a linear axis the median would sit in the bottom 5 % of the height.
 */
export const SPIKE_RATIO = 20;

export interface ScaleChoice {
  /** Vega-Lite scale properties for the y encoding. */
  scale: Record<string, unknown>;
  /** The sentence drawn under the chart's title when the scale is not linear. */
  note: string | undefined;
  /** Tick values for the y axis (symlog only; Vega's own otherwise). */
  ticks?: number[];
}

/** 0, then the powers of ten from the first at or above `constant` up to `max`. */
export function symlogTicks(constant: number, max: number): number[] {
  const ticks = [0];
  for (let p = 10 ** Math.ceil(Math.log10(constant)); p <= max; p *= 10) ticks.push(p);
  return ticks;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Linear from 0, or symlog when max / median(non-zero) > SPIKE_RATIO. */
export function chooseScale(values: readonly number[], unit: string): ScaleChoice {
  const nonZero = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (nonZero.length === 0) return { scale: { zero: true }, note: undefined };
  const max = nonZero[nonZero.length - 1];
  const med = median(nonZero);
  const ratio = max / med;
  if (!(ratio > SPIKE_RATIO)) return { scale: { zero: true }, note: undefined };
  // symlog is linear below `constant` and logarithmic above: a tenth of the median keeps
  // the typical values apart and still shows the spike whole.
  const constant = Math.max(1, Math.round(med / 10));
  return {
    scale: { type: 'symlog', constant, zero: true },
    // Vega's default ticks on a symlog scale are linear ones (0, 100k, 200k, bunched at the
    // top): powers of ten instead, evenly spaced where the scale is logarithmic.
    ticks: symlogTicks(constant, max),
    note: `symlog scale: the largest value (${siText(max)} ${unit}) is ${Math.round(ratio)}x the median of the non-zero values (${siText(med)})`,
  };
}

/** 1234567 → "1.23M", 0.5 → "0.5", 0 → "0" (as d3-format's "~s", for notes). */
export function siText(x: number): string {
  const units = ['', 'k', 'M', 'G', 'T'];
  let i = 0;
  let v = Math.abs(x);
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const shown = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${x < 0 ? '-' : ''}${String(Number(shown))}${units[i]}`;
}

/**
 * Axis labels "114k", "1.2M", "0.3" and "0" (never "0.000000", and not "300m" for 0.3: SI
 * prefixes from a thousand up only); the marks' descriptions keep the exact values.
 */
export const SI_AXIS = {
  labelExpr: "abs(datum.value) >= 1000 ? format(datum.value, '~s') : format(datum.value, '~r')",
} as const;

/** Legends whose labels are never cut ("workingset_refault…"): Vega's default limit is 160 px. */
export const WHOLE_LEGEND = { labelLimit: 1000, titleLimit: 1000 } as const;

/** What a chart shows when every value is 0: a sentence, not a degenerate axis. */
export function noEventsSpec(title: string, what: string, width: number): TopLevelSpec {
  return {
    title: { text: title, anchor: 'start' },
    width,
    height: 24,
    data: { values: [{ text: `no events: ${what}` }] },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 13, color: '#566573' },
    encoding: { text: { field: 'text', type: 'nominal' }, x: { value: 0 }, y: { value: 12 } },
    view: { stroke: null },
  };
}

/** A line of text inside a concatenation of charts (a noEventsSpec without a title). */
export function textLine(text: string, width: number): object {
  return {
    width,
    height: 20,
    data: { values: [{ text }] },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 12, color: '#566573' },
    encoding: { text: { field: 'text', type: 'nominal' }, x: { value: 0 }, y: { value: 10 } },
    view: { stroke: null },
  };
}

/** The unit of a counter's value (events of a vmstat counter are pages unless said). */
export function counterUnit(counter: string): string {
  if (counter === 'score') return 'operations per simulated second';
  if (counter === 'pgfault' || counter === 'pgmajfault' || counter === 'numa_hint_faults') return 'faults';
  if (counter === 'tiersim_read_miss') return 'reads';
  if (counter.endsWith('_sectors')) return '512-byte sectors';
  if (counter.endsWith('_bytes')) return 'bytes';
  if (counter.endsWith('_ms')) return 'ms';
  if (counter.endsWith('_ns')) return 'ns';
  if (counter.startsWith('allocstall')) return 'events';
  if (/MB\/s$/.test(counter)) return 'MB per simulated second';
  if (/\(ops\/s\)$/.test(counter)) return 'operations per simulated second';
  if (/MiB$/.test(counter)) return 'MiB';
  return 'pages';
}
