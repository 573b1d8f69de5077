/**
 * Block devices: the disk behind the page cache and the swap device. A request costs the
 * device's latency, the transfer at its bandwidth, and a queueing delay that rises with load.
 *
 * The load is the previous epoch's: at the end of each epoch the coordinator turns the bytes
 * each node moved into the device's utilisation ρ and sets the next epoch's per-request wait to
 * the M/M/1 mean, mean service time × ρ / (1 − ρ) (ρ capped at 0.95). Requests during an epoch
 * read that one number, so threads never depend on each other's progress.
 *
 * Every request is counted like /sys/block/<dev>/stat (I/Os, 512-byte sectors, time in ms), on
 * the node of the CPU that issued it or of the reclaimer that wrote it.
 */
import { G_DISK_BUSY_NS, G_DISK_REQUESTS, G_DISK_WAIT_NS } from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import type { BlockDeviceParams } from '../topology/storage.js';
import { NR_COUNTERS, TIERSIM_DISK_READ_IOS } from '../metrics/vmstat.js';

export const DEV_DISK = 0;
export const DEV_SWAP = 1;
export const NR_DEVICES = 2;

/** Counter offsets from TIERSIM_DISK_READ_IOS (disk) or that + DEVICE_COUNTERS (swap). */
export const BLK_READ_IOS = 0;
export const BLK_READ_SECTORS = 1;
export const BLK_READ_NS = 2;
export const BLK_WRITE_IOS = 3;
export const BLK_WRITE_SECTORS = 4;
export const BLK_WRITE_NS = 5;
export const DEVICE_COUNTERS = 6;

const MAX_UTILISATION = 0.95;

function device(s: SimState, dev: number): BlockDeviceParams {
  return dev === DEV_DISK ? s.params.disk : s.params.swap;
}

function transferNs(bytes: number, bps: number): number {
  return (bytes / bps) * 1e9;
}

/** Latency of a read of `pages` pages issued now, ns (integer). */
export function readLatencyNs(s: SimState, dev: number, pages: number): number {
  const d = device(s, dev);
  return Math.round(
    d.readNs + transferNs(pages * s.params.pageSize, d.readBps) + s.globalWords[G_DISK_WAIT_NS + dev],
  );
}

function count(s: SimState, nid: number, dev: number, first: number, pages: number, ns: number): void {
  const row = nid * NR_COUNTERS + TIERSIM_DISK_READ_IOS + dev * DEVICE_COUNTERS + first;
  s.counters[row]++;
  s.counters[row + 1] += (pages * s.params.pageSize) / 512;
  s.counters[row + 2] += ns;
}

/** Count a read (its latency was charged by the caller). */
export function countRead(s: SimState, nid: number, dev: number, pages: number, ns: number): void {
  count(s, nid, dev, BLK_READ_IOS, pages, ns);
}

/** Latency of a write of `pages` pages issued now, ns (integer). */
export function writeLatencyNs(s: SimState, dev: number, pages: number): number {
  const d = device(s, dev);
  return Math.round(
    d.writeNs + transferNs(pages * s.params.pageSize, d.writeBps) + s.globalWords[G_DISK_WAIT_NS + dev],
  );
}

/**
 * A write (writeback, swap-out): asynchronous, so counted and loaded; returns its latency (the
 * writer does not wait; page-cache writeback completes that long after it was issued).
 */
export function countWrite(s: SimState, nid: number, dev: number, pages: number): number {
  const ns = writeLatencyNs(s, dev, pages);
  count(s, nid, dev, BLK_WRITE_IOS, pages, ns);
  return ns;
}

/** Coordinator, at the end of each epoch: the next epoch's queueing wait per device. */
export function updateDeviceLoad(s: SimState): void {
  for (let dev = 0; dev < NR_DEVICES; dev++) {
    const d = device(s, dev);
    let busyNs = 0;
    let requests = 0;
    for (let nid = 0; nid < s.layout.nodes; nid++) {
      const row = nid * NR_COUNTERS + TIERSIM_DISK_READ_IOS + dev * DEVICE_COUNTERS;
      busyNs += transferNs(s.counters[row + BLK_READ_SECTORS] * 512, d.readBps);
      busyNs += transferNs(s.counters[row + BLK_WRITE_SECTORS] * 512, d.writeBps);
      requests += s.counters[row + BLK_READ_IOS] + s.counters[row + BLK_WRITE_IOS];
    }
    const epochBusy = busyNs - s.globalWords[G_DISK_BUSY_NS + dev];
    const epochRequests = requests - s.globalWords[G_DISK_REQUESTS + dev];
    s.globalWords[G_DISK_BUSY_NS + dev] = busyNs;
    s.globalWords[G_DISK_REQUESTS + dev] = requests;
    const rho = Math.min(MAX_UTILISATION, epochBusy / s.params.epochNs);
    s.globalWords[G_DISK_WAIT_NS + dev] =
      epochRequests > 0 ? Math.round(((epochBusy / epochRequests) * rho) / (1 - rho)) : 0;
  }
}
