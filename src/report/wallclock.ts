/**
 * The only place tiersim reads the wall clock: run timing and progress for humans. Nothing here
 * feeds back into a simulation (results stay a function of config and seed).
 */
export function wallNowMs(): number {
  return performance.now();
}

export function wallIsoNow(): string {
  return new Date(Date.now()).toISOString();
}
