/**
 * Demotion in reclaim, hand-computed on a two-node machine (node 0: DRAM, 1 CPU, 64 frames;
 * node 1: PMEM, 64 frames; watermarks min 4 / low 8 / high 12; no swap unless stated).
 *
 * Method: place pages directly on chosen nodes with chosen flags, wake kswapd, run one reclaim
 * → migrate → settle, and compare every counter with the value worked out from the kernel's
 * algorithm (balance_pgdat priorities, get_scan_count, shrink_page_list) in the comments.
 *
 * The worked numbers use get_scan_count's order: with no file pages at all, file + free ≤ HIGH,
 * so the node is `file_is_tiny` and anon is force-scanned (SCAN_ANON) as soon as
 * inactive_anon >> priority > 0; with plenty of inactive file and no refaults it is
 * `cache_trim_mode` (SCAN_FILE). Either way a list is scanned at lru_size >> priority. A
 * priority that reclaims nothing (or scans less than HIGH) drops by one; kswapd stops as soon
 * as free (+ pages in flight to their target) exceeds HIGH = 12.
 */
import { describe, expect, it } from 'vitest';
import { wakeupKswapd } from '../../src/kernel/kswapd.js';
import {
  assertSound,
  counter,
  free,
  nodeOf,
  place,
  range,
  reclaimEpoch,
  scenario,
  total,
  touch,
  woken,
} from './scenario.js';

const ANON = 64;

describe('kswapd demotes cold pages instead of discarding them', () => {
  it('demotes the oldest cold anon pages until node 0 is balanced (5.15, target node 1)', () => {
    const sim = scenario();
    place(sim, range(ANON, 56), 0); // 56 cold anon pages; free 64 - 56 = 8 (= LOW)
    wakeupKswapd(sim.s, 0);
    expect(woken(sim, 0)).toBe(true);
    reclaimEpoch(sim);
    // Priorities 12..6: 56 >> p = 0, nothing to scan. p = 5: 1 page (free 8 + 1 in flight = 9);
    // p = 4: 55 >> 4 = 3 (8 + 4 = 12, not above HIGH); p = 3: 52 >> 3 = 6 (8 + 10 = 18): balanced.
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(10);
    expect(counter(sim, 0, 'pgscan_anon')).toBe(10);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(10);
    expect(counter(sim, 0, 'pgsteal_kswapd')).toBe(10);
    expect(counter(sim, 0, 'pgsteal_anon')).toBe(10);
    expect(counter(sim, 0, 'pgmigrate_success')).toBe(10);
    expect(counter(sim, 0, 'pgmigrate_fail')).toBe(0);
    expect(counter(sim, 0, 'pageoutrun')).toBe(1);
    expect(counter(sim, 0, 'pgfree')).toBe(10);
    // The demotion allocations: THISNODE on node 1 (a hit there), run by node 0's kswapd (other).
    expect(counter(sim, 1, 'pgalloc_normal')).toBe(10);
    expect(counter(sim, 1, 'numa_hit')).toBe(10);
    expect(counter(sim, 1, 'numa_other')).toBe(10);
    // The ten oldest pages (placed first, so at the tail) moved; the rest stayed.
    expect(range(ANON, 10).map((p) => nodeOf(sim, p))).toEqual(Array(10).fill(1));
    expect(nodeOf(sim, ANON + 10)).toBe(0);
    expect(free(sim, 0)).toBe(18);
    expect(free(sim, 1)).toBe(54);
    expect(woken(sim, 0)).toBe(false); // balanced: kswapd went back to sleep
    expect(woken(sim, 1)).toBe(false); // node 1 stayed above LOW: its kswapd was never woken
    assertSound(sim);
  });

  it('gives referenced pages another trip around the inactive list', () => {
    const sim = scenario();
    place(sim, range(ANON, 4), 0, { young: true }); // the 4 oldest pages were just accessed
    place(sim, range(ANON + 4, 52), 0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // p = 5: 1 scanned: 64 is young → PG_referenced set, kept (back to the head).
    // p = 4: 56 >> 4 = 3 scanned: 65, 66, 67 young, kept. Nothing reclaimed yet.
    // p = 3: 56 >> 3 = 7 scanned: 68..74 demoted (8 + 7 = 15 > 12), then balanced.
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(11);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(7);
    expect(counter(sim, 0, 'pgactivate')).toBe(0);
    expect(range(ANON, 4).map((p) => nodeOf(sim, p))).toEqual([0, 0, 0, 0]);
    expect(range(ANON + 4, 7).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    expect(nodeOf(sim, ANON + 11)).toBe(0);
    const flags = sim.s.frameFlags[sim.s.pte[ANON] - 1];
    expect(flags & 2).toBe(2); // PG_referenced: a second reference activates it
    expect(sim.s.frameYoung[sim.s.pte[ANON] - 1]).toBe(0); // the check cleared the young bit
    assertSound(sim);
  });

  it('falls back to ordinary reclaim when the target is at MIN, one pgmigrate_fail per batch', () => {
    const sim = scenario();
    place(sim, range(ANON, 60), 1); // node 1 free 4 = MIN: a demotion allocation must fail
    place(sim, range(0, 56), 0); // 56 clean, cold, mapped file pages; node 0 free 8
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // File only (no anon on node 0). cache_trim_mode once inactive_file >> p > 0:
    // p = 5: 1 page (batch 0); p = 4: 55 >> 4 = 3 (batch 1); p = 3: 52 >> 3 = 6 (batch 2);
    // 8 + 10 in flight > 12 → balanced. Migration: node 1 fails LOW (wakes its kswapd) and MIN:
    // the first page of each batch is -ENOMEM, the rest of the batch is not tried. All 10 pages
    // then go through shrink_page_list again without demotion: clean file pages are dropped.
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(10);
    expect(counter(sim, 0, 'pgscan_file')).toBe(10);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(0);
    expect(counter(sim, 0, 'pgmigrate_success')).toBe(0);
    expect(counter(sim, 0, 'pgmigrate_fail')).toBe(3);
    expect(counter(sim, 0, 'tiersim_demote_batch_aborted')).toBe(3);
    expect(counter(sim, 0, 'pgsteal_kswapd')).toBe(10);
    expect(counter(sim, 0, 'pgsteal_file')).toBe(10);
    expect(range(0, 10).map((p) => nodeOf(sim, p))).toEqual(Array(10).fill(-1));
    expect(sim.s.pte[0]).toBeLessThan(0); // a shadow entry: a later fault is a refault
    expect(free(sim, 0)).toBe(18);
    expect(free(sim, 1)).toBe(4);
    expect(woken(sim, 1)).toBe(true); // the failed demotion allocation woke the target's kswapd
    assertSound(sim);
  });

  it('with demotion disabled discards the same pages, and touching them again is a major fault', () => {
    const sim = scenario({ demotion: false });
    place(sim, range(0, 56), 0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // Same priorities as above, pages dropped at once: p = 5: 1, p = 4: 3 (free 12, not > 12),
    // p = 3: 6 → free 18.
    expect(counter(sim, 0, 'pgsteal_kswapd')).toBe(10);
    expect(total(sim, 'pgdemote_kswapd')).toBe(0);
    expect(free(sim, 0)).toBe(18);
    const ns = touch(sim, 0, range(0, 10));
    expect(counter(sim, 0, 'pgmajfault')).toBe(10);
    expect(counter(sim, 0, 'pgfault')).toBe(10);
    expect(counter(sim, 0, 'pgpgin')).toBe(40); // KiB
    expect(counter(sim, 0, 'workingset_refault_file')).toBe(10);
    // Workingset size is 0 (no active pages, no swap). Page k was the (k+1)-th eviction, so its
    // refault distance is 10 - (k + 1): only page 9 (distance 0 ≤ 0) is activated.
    expect(counter(sim, 0, 'workingset_activate_file')).toBe(1);
    expect(sim.s.frameFlags[sim.s.pte[9] - 1] & 1).toBe(1); // PG_active
    // Ten disk reads on an idle NVMe preset: 80 us + 4 KiB at 3 GB/s (1365.3 ns), rounded.
    expect(ns).toBe(10 * 81_365);
    expect(counter(sim, 0, 'tiersim_disk_read_ios')).toBe(10);
    expect(counter(sim, 0, 'tiersim_disk_read_sectors')).toBe(80);
    assertSound(sim);
  });

  it('with demotion enabled the same pages stay in PMEM and touching them costs no fault', () => {
    const sim = scenario();
    place(sim, range(0, 56), 0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(10);
    expect(range(0, 10).every((p) => nodeOf(sim, p) === 1)).toBe(true);
    touch(sim, 0, range(0, 10));
    expect(total(sim, 'pgfault')).toBe(0);
    expect(total(sim, 'pgmajfault')).toBe(0);
    assertSound(sim);
  });
});

describe('anon pages without swap', () => {
  it('are not even scanned without a demotion target, and kswapd gives up after 16 fruitless runs', () => {
    const sim = scenario({ demotion: false });
    place(sim, range(ANON, 56), 0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // can_reclaim_anon_pages() is false: SCAN_FILE, and there is no file page. Every run walks
    // priorities 12..1 reclaiming nothing: kswapd_failures reaches MAX_RECLAIM_RETRIES = 16.
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(0);
    expect(counter(sim, 0, 'pageoutrun')).toBe(16);
    expect(woken(sim, 0)).toBe(false);
    wakeupKswapd(sim.s, 0); // hopeless nodes are not woken any more
    expect(woken(sim, 0)).toBe(false);
    expect(range(ANON, 56).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    assertSound(sim);
  });

  it('are swapped out when swap exists and demotion is off', () => {
    const sim = scenario({ demotion: false, swap: '1MiB' });
    place(sim, range(ANON, 56), 0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // As in the first test, but swapped out at once: p = 5: 1, p = 4: 3, p = 3: 6 → free 18.
    expect(counter(sim, 0, 'pswpout')).toBe(10);
    expect(counter(sim, 0, 'pgsteal_anon')).toBe(10);
    expect(counter(sim, 0, 'pgpgout')).toBe(40);
    expect(sim.s.pte[ANON]).toBeLessThan(0);
    touch(sim, 0, [ANON]);
    expect(counter(sim, 0, 'pswpin')).toBe(1);
    expect(counter(sim, 0, 'pgmajfault')).toBe(1);
    expect(counter(sim, 0, 'workingset_refault_anon')).toBe(1);
    assertSound(sim);
  });
});
