/**
 * Whole-state invariants, checked between epochs by tests (and under TIERSIM_DEBUG=1):
 *
 * - every frame of a node is in exactly one place: on the LRU list its flags name, isolated, or
 *   free (free list or never used), so free + on-LRU + isolated = managed pages;
 * - LRU links are consistent both ways and the recorded list sizes match the walks;
 * - every present page's entry names a frame that holds that page on the right kind of list, and
 *   every page held by a frame has the entry pointing back (so no page is in two places);
 * - the per-node anon/file page counts match what the frames hold, and so do nr_dirty and
 *   nr_writeback (the writes queued);
 * - swap slots in use = evicted anon pages + pages in the swap cache;
 * - page-table frames (kernel/pgtable.ts) are the node's NR_PAGETABLE, each named by one slot.
 *
 * Returns human-readable violations (empty when the state is sound). O(frames + pages).
 */
import {
  FRAME_DIRTY,
  FRAME_WRITEBACK,
  NR_LRU_LISTS,
  PG_ACTIVE,
  PG_ISOLATED,
  PG_LRU,
  PG_SWAPBACKED,
  PG_SWAPCACHE,
  lruOf,
} from './flags.js';
import { frameOfPte, isShadowPte } from './pte.js';
import {
  NODE_WORDS,
  W_ANON_PAGES,
  W_BUMP,
  W_FILE_PAGES,
  W_SHMEM_PAGES,
  W_FRAME_END,
  W_FRAME_START,
  W_FREE,
  W_FREE_HEAD,
  W_UNMOVABLE_FREE,
  W_UNMOV_HEAD1,
  W_UNMOV_NEVER_USED,
  W_PCP_STOLEN,
  W_PAGETABLES,
  W_UNMOV_CLAIMED,
  W_ISOLATED_ANON,
  W_ISOLATED_FILE,
  W_LRU_HEAD,
  W_LRU_SIZE,
  W_LRU_TAIL,
  W_SWAP_USED,
  W_FILE_DIRTY,
  W_WB_SIZE,
  W_WRITEBACK,
} from './layout.js';
import { isShmemPage } from '../workload/plan.js';
import type { SimState } from './state.js';
import { forEachUsedFrame, frameNode, inUnmovablePool } from './frames.js';
import { PGTABLE_PAGE } from './pgtable-layout.js';
import { AssertionError } from '../util/assert.js';
import {
  G_HEAD,
  G_MAX_SEQ,
  G_MIN_SEQ,
  G_SIZE,
  G_TAIL,
  GEN_MASK,
  GEN_WORDS,
  MAX_NR_GENS,
  MIN_NR_GENS,
} from '../kernel/mglru/lrugen.js';

const MAX_REPORTED = 20;

export function checkInvariants(s: SimState): string[] {
  const problems: string[] = [];
  const report = (msg: string) => {
    if (problems.length < MAX_REPORTED) problems.push(msg);
  };
  const seen = new Uint8Array(s.layout.totalFrames);
  for (let nid = 0; nid < s.layout.nodes; nid++) checkNode(s, nid, seen, report);
  checkPageTable(s, report);
  checkPgtableSlots(s, report);
  return problems;
}

/**
 * TIERSIM_DEBUG=1: the engine calls this at the end of every epoch (epoch.ts endStep, on the
 * thread that coordinates, inline or per-node, when every node's phases of the epoch are done
 * and the state is quiescent). Throws the violations found, naming the epoch.
 */
export function assertInvariants(s: SimState, epochsDone: number): void {
  const problems = checkInvariants(s);
  if (problems.length > 0)
    throw new AssertionError(
      `TIERSIM_DEBUG: state invariants broken after epoch ${epochsDone}:\n${problems.join('\n')}`,
    );
}

function checkNode(s: SimState, nid: number, seen: Uint8Array, report: (msg: string) => void): void {
  const w = nid * NODE_WORDS;
  const start = s.nodeWords[w + W_FRAME_START];
  const end = s.nodeWords[w + W_FRAME_END];
  const managed = end - start;
  let onLru = 0;
  let anon = 0;
  let file = 0;
  if (s.layout.lruGen) {
    const counts = checkGenerations(s, nid, seen, report);
    if (counts === null) return;
    [onLru, anon, file] = counts;
  }
  for (let lru = 0; lru < (s.layout.lruGen ? 0 : NR_LRU_LISTS); lru++) {
    let count = 0;
    let prev = -1;
    for (let f = s.nodeWords[w + W_LRU_HEAD + lru]; f >= 0; f = s.lruNext[f]!) {
      if (f < start || f >= end) return report(`node ${nid} list ${lru}: frame ${f} outside the node`);
      if (seen[f] !== 0) return report(`node ${nid} list ${lru}: frame ${f} reached twice`);
      seen[f] = 1;
      if (s.lruPrev[f] !== prev)
        report(`node ${nid} list ${lru}: frame ${f} prev ${s.lruPrev[f]} != ${prev}`);
      const flags = s.frameFlags[f];
      if ((flags & PG_LRU) === 0 || (flags & PG_ISOLATED) !== 0)
        report(`node ${nid}: frame ${f} on list ${lru} with flags ${flags}`);
      if (lruOf(flags) !== lru)
        report(`node ${nid}: frame ${f} flags ${flags} belong on list ${lruOf(flags)}, found on ${lru}`);
      if ((flags & PG_SWAPBACKED) !== 0) anon++;
      else file++;
      prev = f;
      count++;
    }
    if (prev !== s.nodeWords[w + W_LRU_TAIL + lru])
      report(`node ${nid} list ${lru}: tail ${s.nodeWords[w + W_LRU_TAIL + lru]} != last ${prev}`);
    if (count !== s.nodeWords[w + W_LRU_SIZE + lru])
      report(`node ${nid} list ${lru}: size ${s.nodeWords[w + W_LRU_SIZE + lru]} != walked ${count}`);
    onLru += count;
  }
  // Free frames: the movable free list below unmovableStart, the non-movable pageblocks' list
  // from it up, and the never-used frames of each (frames.ts).
  const split = s.layout.unmovableStart[nid];
  const unmovNeverUsed = s.nodeWords[w + W_UNMOV_NEVER_USED];
  const listed = [0, 0];
  const heads = [s.nodeWords[w + W_FREE_HEAD], s.nodeWords[w + W_UNMOV_HEAD1] - 1];
  for (let k = 0; k < 2; k++) {
    for (let f = heads[k]; f >= 0; f = s.lruNext[f]!) {
      if (f < start || f >= end || seen[f] !== 0)
        return report(`node ${nid}: free list reaches frame ${f} twice or outside the node`);
      if (inUnmovablePool(s, nid, f) !== (k === 1))
        report(`node ${nid}: free frame ${f} on the ${k === 1 ? 'non-movable' : 'movable'} list`);
      seen[f] = 1;
      if (s.framePage[f] !== -1) report(`node ${nid}: free frame ${f} holds page ${s.framePage[f]}`);
      const gen = s.layout.lruGen ? s.frameGen[f] : 0;
      if (
        (s.frameFlags[f] |
          s.frameYoung[f] |
          s.frameDirty[f] |
          s.frameAccessed[f] |
          s.frameScanMs[f] |
          gen) !==
        0
      )
        report(
          `node ${nid}: free frame ${f} is not clean (flags, PTE bits, dirty, accessed or scan time set)`,
        );
      listed[k]++;
    }
  }
  const neverUsed = split - s.nodeWords[w + W_BUMP] + unmovNeverUsed;
  // Frames a batch steal put on the per-CPU list are still listed but no longer counted free.
  const stashed = s.nodeWords[w + W_PCP_STOLEN];
  const free = listed[0] + listed[1] + neverUsed - stashed;
  if (free !== s.nodeWords[w + W_FREE])
    report(
      `node ${nid}: free count ${s.nodeWords[w + W_FREE]} != free lists ${listed[0]} + ${listed[1]} + never used ${neverUsed}`,
    );
  // Claimed pages of movable pageblocks are counted in the pool but sit in the movable list.
  const claimed = s.nodeWords[w + W_UNMOV_CLAIMED];
  if (listed[1] + unmovNeverUsed + claimed - stashed !== s.nodeWords[w + W_UNMOVABLE_FREE])
    report(
      `node ${nid}: non-movable free count ${s.nodeWords[w + W_UNMOVABLE_FREE]} != listed ${listed[1]} + never used ${unmovNeverUsed} + claimed ${claimed} - on the per-CPU list ${stashed}`,
    );
  if (claimed < 0 || claimed > listed[0] + split - s.nodeWords[w + W_BUMP])
    report(`node ${nid}: ${claimed} claimed pages but fewer movable free frames`);
  let isolated = 0;
  let pagetables = 0;
  forEachUsedFrame(s, nid, (f) => {
    if (seen[f] !== 0) return;
    if (s.framePage[f] === PGTABLE_PAGE && s.frameFlags[f] === 0) {
      pagetables++;
      return;
    }
    if ((s.frameFlags[f] & PG_ISOLATED) === 0) {
      report(`node ${nid}: frame ${f} (page ${s.framePage[f]}) is neither free, on an LRU, nor isolated`);
      return;
    }
    isolated++;
    if ((s.frameFlags[f] & PG_SWAPBACKED) !== 0) anon++;
    else file++;
  });
  const isolatedWords = s.nodeWords[w + W_ISOLATED_ANON] + s.nodeWords[w + W_ISOLATED_FILE];
  if (isolated !== isolatedWords)
    report(`node ${nid}: ${isolated} isolated frames, counted ${isolatedWords}`);
  if (pagetables !== s.nodeWords[w + W_PAGETABLES])
    report(`node ${nid}: ${pagetables} page-table frames, NR_PAGETABLE ${s.nodeWords[w + W_PAGETABLES]}`);
  if (free + stashed + onLru + isolated + pagetables !== managed)
    report(
      `node ${nid}: free ${free} + on the per-CPU list ${stashed} + on LRU ${onLru} + isolated ${isolated} + page tables ${pagetables} != managed ${managed}`,
    );
  if (anon !== s.nodeWords[w + W_ANON_PAGES])
    report(`node ${nid}: ${anon} anon frames, counted ${s.nodeWords[w + W_ANON_PAGES]}`);
  if (file !== s.nodeWords[w + W_FILE_PAGES])
    report(`node ${nid}: ${file} file frames, counted ${s.nodeWords[w + W_FILE_PAGES]}`);
  checkPageCacheCounts(s, nid, report);
}

/**
 * In one pass over the used frames: NR_SHMEM is the node's swap-backed frames of shmem pages;
 * NR_FILE_DIRTY is its page-cache frames in FRAME_DIRTY; NR_WRITEBACK is the writes on its
 * queue, at least its frames in FRAME_WRITEBACK (a page redirtied during its write is DIRTY).
 */
function checkPageCacheCounts(s: SimState, nid: number, report: (msg: string) => void): void {
  const w = nid * NODE_WORDS;
  let shmem = 0;
  let dirty = 0;
  let writeback = 0;
  forEachUsedFrame(s, nid, (f) => {
    const page = s.framePage[f];
    if (page < 0) return;
    if ((s.frameFlags[f] & PG_SWAPBACKED) !== 0) {
      if (isShmemPage(s.plan, page)) shmem++;
    } else if (s.frameDirty[f] === FRAME_DIRTY) dirty++;
    else if (s.frameDirty[f] === FRAME_WRITEBACK) writeback++;
  });
  if (shmem !== s.nodeWords[w + W_SHMEM_PAGES])
    report(`node ${nid}: ${shmem} shmem frames, counted ${s.nodeWords[w + W_SHMEM_PAGES]}`);
  if (dirty !== s.nodeWords[w + W_FILE_DIRTY])
    report(`node ${nid}: ${dirty} dirty page-cache frames, nr_dirty ${s.nodeWords[w + W_FILE_DIRTY]}`);
  const queued = s.nodeWords[w + W_WB_SIZE];
  if (queued !== s.nodeWords[w + W_WRITEBACK] || writeback > queued)
    report(
      `node ${nid}: ${writeback} frames under writeback, ${queued} writes queued, nr_writeback ${s.nodeWords[w + W_WRITEBACK]}`,
    );
}

/**
 * The multi-gen LRU's lists: every listed frame carries its list's generation and type, no
 * PG_active; sizes match; MIN_NR_GENS <= max_seq - min_seq + 1 <= MAX_NR_GENS (so min_seq never
 * passes max_seq - 1); the classic sizes are the generations' (the two youngest active).
 * Returns [listed, anon, file], or null when a list is broken.
 */
function checkGenerations(
  s: SimState,
  nid: number,
  seen: Uint8Array,
  report: (msg: string) => void,
): [number, number, number] | null {
  const w = nid * NODE_WORDS;
  const g = nid * GEN_WORDS;
  const start = s.nodeWords[w + W_FRAME_START];
  const end = s.nodeWords[w + W_FRAME_END];
  const max = s.lruGenWords[g + G_MAX_SEQ];
  const listed = [0, 0];
  const active = [0, 0];
  for (let type = 0; type < 2; type++) {
    const gens = max - s.lruGenWords[g + G_MIN_SEQ + type] + 1;
    if (gens < MIN_NR_GENS || gens > MAX_NR_GENS)
      report(
        `node ${nid} type ${type}: ${gens} generations (min_seq ${s.lruGenWords[g + G_MIN_SEQ + type]}, max_seq ${max})`,
      );
  }
  for (let gen = 0; gen < MAX_NR_GENS; gen++) {
    for (let type = 0; type < 2; type++) {
      const l = gen * 2 + type;
      let count = 0;
      let prev = -1;
      for (let f = s.lruGenWords[g + G_HEAD + l]; f >= 0; f = s.lruNext[f]!) {
        if (f < start || f >= end) {
          report(`node ${nid} gen ${gen} type ${type}: frame ${f} outside the node`);
          return null;
        }
        if (seen[f] !== 0) {
          report(`node ${nid} gen ${gen} type ${type}: frame ${f} reached twice`);
          return null;
        }
        seen[f] = 1;
        if (s.lruPrev[f] !== prev)
          report(`node ${nid} gen ${gen}: frame ${f} prev ${s.lruPrev[f]} != ${prev}`);
        const flags = s.frameFlags[f];
        if ((flags & PG_LRU) === 0 || (flags & (PG_ISOLATED | PG_ACTIVE)) !== 0)
          report(`node ${nid}: frame ${f} on gen ${gen} with flags ${flags}`);
        if ((s.frameGen[f] & GEN_MASK) !== gen + 1)
          report(`node ${nid}: frame ${f} gen bits ${s.frameGen[f] & GEN_MASK} on gen ${gen}`);
        if (((flags & PG_SWAPBACKED) !== 0 ? 0 : 1) !== type)
          report(`node ${nid}: frame ${f} flags ${flags} on the type ${type} list`);
        prev = f;
        count++;
      }
      if (prev !== s.lruGenWords[g + G_TAIL + l])
        report(`node ${nid} gen ${gen} type ${type}: tail ${s.lruGenWords[g + G_TAIL + l]} != last ${prev}`);
      if (count !== s.lruGenWords[g + G_SIZE + l])
        report(
          `node ${nid} gen ${gen} type ${type}: size ${s.lruGenWords[g + G_SIZE + l]} != walked ${count}`,
        );
      listed[type] += count;
      if (gen === max % MAX_NR_GENS || gen === (max - 1) % MAX_NR_GENS) active[type] += count;
    }
  }
  for (let type = 0; type < 2; type++) {
    const inactive = s.nodeWords[w + W_LRU_SIZE + type * 2];
    const act = s.nodeWords[w + W_LRU_SIZE + type * 2 + 1];
    if (act !== active[type] || inactive + act !== listed[type])
      report(
        `node ${nid} type ${type}: classic sizes ${inactive}+${act}, generations ${listed[type] - active[type]}+${active[type]}`,
      );
  }
  return [listed[0] + listed[1], listed[0], listed[1]];
}

function checkPageTable(s: SimState, report: (msg: string) => void): void {
  let present = 0;
  let swapEntries = 0;
  for (let page = 0; page < s.layout.pages; page++) {
    const e = s.pte[page];
    if (isShadowPte(e) && page >= s.plan.filePages) swapEntries++;
    const frame = frameOfPte(e);
    if (frame < 0) continue;
    present++;
    if (s.framePage[frame] !== page)
      report(`page ${page}: entry names frame ${frame}, which holds page ${s.framePage[frame]}`);
    const anon = (s.frameFlags[frame] & PG_SWAPBACKED) !== 0;
    if (anon === page < s.plan.filePages)
      report(`page ${page}: ${anon ? 'anon' : 'file'} flags do not match its kind`);
    if (e < 0 && (s.frameFlags[frame] & PG_SWAPCACHE) === 0)
      report(`page ${page}: unmapped in frame ${frame} but not in the swap cache`);
  }
  let held = 0;
  let swapCached = 0;
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    forEachUsedFrame(s, nid, (f) => {
      const page = s.framePage[f];
      if (page < 0) return;
      held++;
      if ((s.frameFlags[f] & PG_SWAPCACHE) !== 0) swapCached++;
      if (frameOfPte(s.pte[page]) !== f)
        report(`frame ${f} holds page ${page} whose entry is ${s.pte[page]}`);
    });
  }
  if (held !== present) report(`${present} present pages but ${held} frames hold a page`);
  // Every swap slot in use holds an evicted anon page or backs a page in the swap cache.
  let slots = 0;
  for (let nid = 0; nid < s.layout.nodes; nid++) slots += s.nodeWords[nid * NODE_WORDS + W_SWAP_USED];
  if (slots !== swapEntries + swapCached)
    report(
      `swap slots in use ${slots} != anon pages in swap ${swapEntries} + in the swap cache ${swapCached}`,
    );
}

/** Every allocated page-table slot names a distinct page-table frame; their sum is NR_PAGETABLE's. */
function checkPgtableSlots(s: SimState, report: (msg: string) => void): void {
  const named = new Set<number>();
  const perNode = new Array<number>(s.layout.nodes).fill(0);
  for (let slot = 0; slot < s.pgtableFrame.length; slot++) {
    const frame = s.pgtableFrame[slot] - 1;
    if (frame < 0) continue;
    if (s.framePage[frame] !== PGTABLE_PAGE || named.has(frame))
      report(`page-table slot ${slot}: frame ${frame} is not a page-table frame of its own`);
    named.add(frame);
    perNode[frameNode(s, frame)]++;
  }
  for (let nid = 0; nid < s.layout.nodes; nid++)
    if (perNode[nid] !== s.nodeWords[nid * NODE_WORDS + W_PAGETABLES])
      report(
        `node ${nid}: ${perNode[nid]} page-table slots, NR_PAGETABLE ${s.nodeWords[nid * NODE_WORDS + W_PAGETABLES]}`,
      );
}
