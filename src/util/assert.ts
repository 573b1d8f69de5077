/**
 * Assertions. `assert` is always on and meant for cheap checks at boundaries; `debugAssert` is
 * chosen once at module load from TIERSIM_DEBUG and costs nothing otherwise. Messages are
 * constants so that a passing check builds no string.
 */

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export const debugChecks: boolean = process.env['TIERSIM_DEBUG'] === '1';

export function debugAssert(condition: boolean, message: string): void {
  if (debugChecks && !condition) throw new AssertionError(message);
}

export function unreachable(value: never): never {
  throw new AssertionError(`unreachable: ${String(value)}`);
}
