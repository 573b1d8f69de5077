/**
 * Memory bandwidth and loaded latency (tiersim's model; Linux has no such counters).
 *
 * Every byte a node's memory moves in an epoch is counted on that node: a load or store moves
 * one 64-byte cache line (the access loop counts stores beside the access matrix), a read()
 * the task's read_copy (its lines beyond the first in the copy matrix); a page
 * migration reads 4 KiB on the source and writes 4 KiB on the target; block I/O DMA writes the
 * pages a read brings in and reads the pages a write-out sends. At the end of the epoch the
 * coordinator turns the node's reads and writes into a utilisation against its own read and
 * write bandwidth (a read-heavy and a write-heavy mix of the same bytes load PMEM very
 * differently: its write bandwidth is a third of its read bandwidth),
 *
 *     ρ = read bytes / (read bandwidth · epoch) + write bytes / (write bandwidth · epoch),
 *
 * and sets the next epoch's queueing delay of the node (see nextQueueNs for how the closed
 * loop of CPUs and latency is kept from swinging) with an M/M/1-shaped curve
 *
 *     queue = q · ρ / (1 − ρ),   q = idle · (1 − double_at) / double_at,
 *
 * flat at low load, twice the idle latency at ρ = double_at, steep near saturation (ρ capped at
 * max_utilisation), the shape of measured loaded-latency curves (Intel MLC's
 * --loaded_latency; Izraelevitz et al. 2019, fig. 9, for Optane DC PMM). Accesses that cross
 * sockets also queue on the interconnect between the two sockets, with the same curve over the
 * remote-socket latency and the link's bandwidth. Everything is computed by the coordinator from
 * the previous epoch's traffic, so every thread reads the same table and results stay
 * bit-identical whatever the thread count. With contention off the counters are still kept
 * (utilisation is worth seeing) but the latency table stays at the idle latencies.
 */
import {
  fillIdleLatency,
  L_BYTES,
  L_QUEUE_NS,
  LINK_WORDS,
  MAX_SOCKETS,
  NODE_TRAFFIC_WORDS,
  T_PREV_ACCESSES,
  T_PREV_MEMORY_NS,
  T_QUEUE_NS,
  T_READ_BYTES,
  T_WRITE_BYTES,
} from '../memory/traffic.js';
import type { SimState } from '../memory/state.js';
import {
  NR_COUNTERS,
  TIERSIM_ACCESSES,
  TIERSIM_ACCESS_LATENCY_NS,
  TIERSIM_DISK_READ_IOS,
  TIERSIM_LINK_UTILISATION_PCT,
  TIERSIM_MEMORY_NS,
  TIERSIM_MEM_QUEUE_NS,
  TIERSIM_MEM_READ_BYTES,
  TIERSIM_MEM_UTILISATION_PCT,
  TIERSIM_MEM_WRITE_BYTES,
} from '../metrics/vmstat.js';
import { BLK_READ_SECTORS, BLK_WRITE_SECTORS, DEVICE_COUNTERS, NR_DEVICES } from './blockdev.js';
import { assert } from '../util/assert.js';

/** Bytes a load or a store moves: one cache line. */
export const CACHE_LINE_BYTES = 64;

/** Queueing constant q of the curve: the delay is q at ρ = 1/2 and `idleNs` at ρ = doubleAt. */
export function queueConstantNs(idleNs: number, doubleAt: number): number {
  assert(doubleAt > 0 && doubleAt < 1, 'double_at must lie in (0, 1)');
  return (idleNs * (1 - doubleAt)) / doubleAt;
}

/** Queueing delay at utilisation ρ (already capped below 1), ns. */
export function queueDelayNs(q: number, rho: number): number {
  assert(rho >= 0 && rho < 1, 'utilisation must lie in [0, 1)');
  return (q * rho) / (1 - rho);
}

/** Utilisation of a device by a mix of reads and writes over `seconds`. */
export function utilisation(
  readBytes: number,
  writeBytes: number,
  readBps: number,
  writeBps: number,
  seconds: number,
): number {
  return readBytes / (readBps * seconds) + writeBytes / (writeBps * seconds);
}

/**
 * The next epoch's queueing delay, from this epoch's raw utilisation `raw`, measured while the
 * node's accesses paid `idleNs + previousNs`. Feeding `raw` straight into the curve makes a
 * closed loop of CPUs swing: a saturated epoch sets a long delay, the CPUs then issue fewer
 * accesses, the next epoch looks idle, and the mean traffic overshoots the bandwidth. Instead
 * the delay is the curve's fixed point for CPUs whose accesses slow down with the latency:
 * if every access waited on memory alone, the traffic at latency L would be
 * raw · (idle + previous) / L, and L = idle + queue(ρ(L)) has one solution (the left side
 * rises with L, the right side falls), found by bisection. CPUs that also compute between
 * accesses respond less than that, so the step undershoots and the next epochs close in; the
 * mean of the old delay and the fixed point damps what is left.
 */
export function nextQueueNs(q: number, idleNs: number, raw: number, previousNs: number, cap: number): number {
  if (!(raw > 0)) return previousNs / 2;
  const measuredAt = idleNs + previousNs;
  let lo = idleNs;
  let hi = idleNs + queueDelayNs(q, cap);
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2;
    const rho = Math.min(cap, (raw * measuredAt) / mid);
    if (idleNs + queueDelayNs(q, rho) > mid) lo = mid;
    else hi = mid;
  }
  return (previousNs + ((lo + hi) / 2 - idleNs)) / 2;
}

/** nodeBytes' result: cumulative bytes read from [0] and written to [1] a node. */
const bytes = new Float64Array(2);

/** Cumulative bytes read from and written to memory node `m` so far, into `bytes`. */
function nodeBytes(s: SimState, m: number): void {
  const n = s.layout.nodes;
  const page = s.params.pageSize;
  let loads = 0;
  let stores = 0;
  let copiesIn = 0;
  let copiesOut = 0;
  for (let x = 0; x < n; x++) {
    const st = s.storeMatrix[x * n + m];
    loads += s.accessMatrix[x * n + m] - st + s.traffic.copies[x * n + m];
    stores += st;
    copiesIn += s.traffic.migrated[m * n + x];
    copiesOut += s.traffic.migrated[x * n + m];
  }
  let dmaIn = 0;
  let dmaOut = 0;
  const row = m * NR_COUNTERS + TIERSIM_DISK_READ_IOS;
  for (let dev = 0; dev < NR_DEVICES; dev++) {
    dmaIn += s.counters[row + dev * DEVICE_COUNTERS + BLK_READ_SECTORS] * 512;
    dmaOut += s.counters[row + dev * DEVICE_COUNTERS + BLK_WRITE_SECTORS] * 512;
  }
  bytes[0] = loads * CACHE_LINE_BYTES + copiesOut * page + dmaOut;
  bytes[1] = stores * CACHE_LINE_BYTES + copiesIn * page + dmaIn;
}

/** Cumulative bytes across each socket pair a < b, at [a * MAX_SOCKETS + b] (updateLinks' scratch). */
const pairBytes = new Float64Array(MAX_SOCKETS * MAX_SOCKETS);

/** Fill pairBytes in one pass over the node pairs: accesses and migration copies across sockets. */
function linkBytes(s: SimState): void {
  const n = s.layout.nodes;
  const nodes = s.machine.nodes;
  pairBytes.fill(0);
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      const sx = nodes[x].socket;
      const sy = nodes[y].socket;
      if (sx === sy) continue;
      pairBytes[Math.min(sx, sy) * MAX_SOCKETS + Math.max(sx, sy)] +=
        (s.accessMatrix[x * n + y] + s.traffic.copies[x * n + y]) * CACHE_LINE_BYTES +
        s.traffic.migrated[x * n + y] * s.params.pageSize;
    }
  }
}

/**
 * Coordinator, at the end of each epoch: the epoch's traffic per node and link, its counters
 * and gauges, and (with contention on) the next epoch's loaded-latency table.
 */
export function updateMemoryLoad(s: SimState): void {
  const n = s.layout.nodes;
  const ct = s.machine.contention;
  const seconds = s.params.epochNs / 1e9;
  const words = s.traffic.nodeWords;
  for (let m = 0; m < n; m++) {
    const node = s.machine.nodes[m];
    const w = m * NODE_TRAFFIC_WORDS;
    const row = m * NR_COUNTERS;
    nodeBytes(s, m);
    const readBytes = bytes[0];
    const writeBytes = bytes[1];
    const dr = readBytes - words[w + T_READ_BYTES];
    const dw = writeBytes - words[w + T_WRITE_BYTES];
    words[w + T_READ_BYTES] = readBytes;
    words[w + T_WRITE_BYTES] = writeBytes;
    const raw = utilisation(dr, dw, node.bandwidthReadBps, node.bandwidthWriteBps, seconds);
    words[w + T_QUEUE_NS] = nextQueueNs(
      queueConstantNs(node.latencyReadNs, ct.doubleAt),
      node.latencyReadNs,
      raw,
      words[w + T_QUEUE_NS],
      ct.maxUtilisation,
    );
    s.counters[row + TIERSIM_MEM_READ_BYTES] = readBytes;
    s.counters[row + TIERSIM_MEM_WRITE_BYTES] = writeBytes;
    s.counters[row + TIERSIM_MEM_UTILISATION_PCT] = Math.round(raw * 1000) / 10;
    s.counters[row + TIERSIM_MEM_QUEUE_NS] = Math.round(words[w + T_QUEUE_NS] * 10) / 10;
    // As a CPU node: the mean latency its accesses paid this epoch.
    const accesses = s.counters[row + TIERSIM_ACCESSES];
    const memoryNs = s.counters[row + TIERSIM_MEMORY_NS];
    const da = accesses - words[w + T_PREV_ACCESSES];
    s.counters[row + TIERSIM_ACCESS_LATENCY_NS] =
      da > 0 ? Math.round(((memoryNs - words[w + T_PREV_MEMORY_NS]) / da) * 10) / 10 : 0;
    words[w + T_PREV_ACCESSES] = accesses;
    words[w + T_PREV_MEMORY_NS] = memoryNs;
  }
  updateLinks(s, seconds);
  if (ct.enabled) writeLoadedLatency(s);
}

function updateLinks(s: SimState, seconds: number): void {
  const ct = s.machine.contention;
  const nodes = s.machine.nodes;
  let sockets = 0;
  for (const node of nodes) sockets = Math.max(sockets, node.socket + 1);
  assert(sockets <= MAX_SOCKETS, 'socket ids must be below MAX_SOCKETS');
  const lw = s.traffic.linkWords;
  const q = queueConstantNs(ct.remoteSocketNs, ct.doubleAt);
  linkBytes(s);
  for (const node of nodes) s.counters[node.nid * NR_COUNTERS + TIERSIM_LINK_UTILISATION_PCT] = 0;
  for (let a = 0; a < sockets; a++) {
    for (let b = a + 1; b < sockets; b++) {
      const w = (a * MAX_SOCKETS + b) * LINK_WORDS;
      const total = pairBytes[a * MAX_SOCKETS + b];
      const raw = (total - lw[w + L_BYTES]) / (ct.linkBps * seconds);
      lw[w + L_BYTES] = total;
      lw[w + L_QUEUE_NS] = nextQueueNs(q, ct.remoteSocketNs, raw, lw[w + L_QUEUE_NS], ct.maxUtilisation);
      // Each node shows the busiest link of its socket.
      const pct = Math.round(raw * 1000) / 10;
      for (const node of nodes) {
        if (node.socket !== a && node.socket !== b) continue;
        const i = node.nid * NR_COUNTERS + TIERSIM_LINK_UTILISATION_PCT;
        if (pct > s.counters[i]) s.counters[i] = pct;
      }
    }
  }
}

/** Queueing delay on the link between two sockets (0 within a socket), ns. */
function linkQueueNs(s: SimState, a: number, b: number): number {
  if (a === b) return 0;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return s.traffic.linkWords[(lo * MAX_SOCKETS + hi) * LINK_WORDS + L_QUEUE_NS];
}

function writeLoadedLatency(s: SimState): void {
  const n = s.layout.nodes;
  const table = s.traffic.latency;
  const nodes = s.machine.nodes;
  fillIdleLatency(table, s.machine);
  for (let c = 0; c < n; c++) {
    for (let m = 0; m < n; m++) {
      const extra =
        s.traffic.nodeWords[m * NODE_TRAFFIC_WORDS + T_QUEUE_NS] +
        linkQueueNs(s, nodes[c].socket, nodes[m].socket);
      table[(c * n + m) * 2] += extra;
      table[(c * n + m) * 2 + 1] += extra;
    }
  }
}
