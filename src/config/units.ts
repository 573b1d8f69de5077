/**
 * Quantities with units, as written in configs: sizes (`16GiB`, `4KiB`, `512MB`), durations
 * (`305ns`, `1.5us`, `1ms`, `2s`) and rates (`10GB/s`, `512MiB/s`). A bare number means bytes,
 * nanoseconds or bytes per second. Parsers return `undefined` for text they cannot read so the
 * schema can phrase the error.
 */

const SIZE_FACTORS: Readonly<Record<string, number>> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
};

const DURATION_FACTORS_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
};

export const SIZE_UNITS = Object.keys(SIZE_FACTORS).join(', ');
export const DURATION_UNITS = 'ns, us, ms, s';

const QUANTITY = /^\s*(-?\d+(?:\.\d+)?)\s*([A-Za-zµ]+)?\s*$/;

function parseQuantity(text: string, factors: Readonly<Record<string, number>>): number | undefined {
  const m = QUANTITY.exec(text);
  if (m === null) return undefined;
  const value = Number(m[1]);
  const unit = m[2];
  if (unit === undefined) return value;
  const factor = factors[unit];
  return factor === undefined ? undefined : value * factor;
}

/** Bytes; fractional results are rounded down to whole bytes. */
export function parseSize(input: string | number): number | undefined {
  const v = typeof input === 'number' ? input : parseQuantity(input, SIZE_FACTORS);
  return v === undefined ? undefined : Math.floor(v);
}

/** Integer nanoseconds (rounded to the nearest nanosecond). */
export function parseDuration(input: string | number): number | undefined {
  const v = typeof input === 'number' ? input : parseQuantity(input, DURATION_FACTORS_NS);
  return v === undefined ? undefined : Math.round(v);
}

/** Bytes per second, written as a size per second (`10GB/s`, `512MiB/s`). */
export function parseRate(input: string | number): number | undefined {
  if (typeof input === 'number') return input;
  const slash = input.lastIndexOf('/s');
  if (slash < 0 || slash !== input.length - 2) return undefined;
  return parseSize(input.slice(0, slash));
}

/** Human form of a byte count using binary units, e.g. 17179869184 → "16 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = Number.isInteger(v) ? 0 : v < 10 ? 2 : 1;
  return `${v.toFixed(digits)} ${units[i]}`;
}

/** Human form of nanoseconds, e.g. 1500000 → "1.5 ms". */
export function formatDuration(ns: number): string {
  if (ns >= 1e9) return `${+(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toFixed(3)} us`;
  return `${ns} ns`;
}
