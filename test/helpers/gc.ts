/**
 * Counting minor GCs around synchronous work, for the zero-allocation tests of the access phase.
 *
 * GC entries reach a PerformanceObserver asynchronously (node queues them after the collection),
 * so a fixed wait after the work may end before a loaded machine has delivered them. Instead the
 * count ends at a marker: a full collection forced right after the work (gc(), exposed at run
 * time), whose entry is delivered after every entry of the work's collections; minor GCs that
 * started between the work's start and the marker are the work's (one from before the window,
 * delivered late, is not).
 */
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const forceFullGc = runInNewContext('gc') as () => void;

/** A marker that never arrives is a broken observer, not a quiet window: fail, do not pass. */
const MARKER_TIMEOUT_MS = 30_000;

export async function minorGcsDuring(work: () => void): Promise<number> {
  let minor = 0;
  let markAt = Infinity;
  let startAt = Infinity;
  let markerSeen: () => void = () => {};
  const marker = new Promise<void>((resolve) => (markerSeen = resolve));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (entry.startTime >= markAt) {
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) markerSeen();
      } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR && entry.startTime >= startAt) minor++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  // A collection from before the window can still be delivered into it: counted by start time.
  startAt = performance.now();
  work();
  markAt = performance.now();
  forceFullGc();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('GC marker never observed')), MARKER_TIMEOUT_MS);
  });
  try {
    await Promise.race([marker, timeout]);
  } finally {
    clearTimeout(timer);
    observer.disconnect();
  }
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
