/**
 * Counting minor GCs around synchronous work, for the zero-allocation tests of the access phase.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';

export async function minorGcsDuring(work: () => void): Promise<number> {
  let minor = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  work();
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  return minor;
}

export interface GcWindow {
  minor: number;
  accesses: number;
}

/**
 * Up to `tries` measured windows (`runWindow(w)` runs window w and returns its accesses),
 * stopping at the first without a minor GC; returns them all, the deciding one last.
 *
 * Why more than one: an allocation per access (16 B or more, millions of times) collects in
 * every window, while a one-off collection does not repeat (on a loaded machine a function still
 * running unoptimised boxes a number per call; the full suite on 2 cores showed that once).
 */
export async function quietWindows(runWindow: (w: number) => number, tries = 3): Promise<GcWindow[]> {
  const windows: GcWindow[] = [];
  for (let w = 0; w < tries; w++) {
    let accesses = 0;
    const minor = await minorGcsDuring(() => {
      accesses = runWindow(w);
    });
    windows.push({ minor, accesses });
    if (minor === 0) break;
  }
  return windows;
}
