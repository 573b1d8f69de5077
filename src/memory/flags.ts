/**
 * Page-frame flag bits and LRU list ids, named after the kernel's PG_* flags and enum lru_list.
 * The PTE accessed ("young") bit and the dirty bit are not here: they live in byte columns of
 * their own so that the access loop can set them with plain stores from any thread (a byte never
 * tears, so no other bit can be lost), as hardware A/D bits are set.
 */

/** PG_active: on an active list. */
export const PG_ACTIVE = 1;
/** PG_referenced: seen referenced once by reclaim (or mark_page_accessed). */
export const PG_REFERENCED = 2;
/** PG_swapbacked: an anonymous page (the only other kind is page cache). */
export const PG_SWAPBACKED = 4;
/** PG_lru: linked on one of the node's LRU lists. */
export const PG_LRU = 8;
/** PG_workingset: was deactivated from an active list; a refault of it is a workingset restore. */
export const PG_WORKINGSET = 16;
/** PG_reclaim: written back by reclaim; reclaim frees it once clean. */
export const PG_RECLAIM = 32;
/** Isolated from the LRU by reclaim and in flight (waiting for a demotion to settle). */
export const PG_ISOLATED = 64;
/**
 * PG_swapcache: an anonymous page with a swap slot holding a copy of it (read back from swap and
 * kept in the swap cache, kernel/swapcache.ts). Clean while not written since: reclaim then frees
 * it without writing (no pswpout).
 */
export const PG_SWAPCACHE = 128;

/** Flags that travel with a page when it migrates (folio_migrate_flags). */
export const PG_MIGRATE_MASK = PG_ACTIVE | PG_REFERENCED | PG_SWAPBACKED | PG_WORKINGSET | PG_SWAPCACHE;

/**
 * States of a page-cache frame's dirty byte (frameDirty; an anonymous frame's byte is its PTE
 * dirty bit, 0 or 1). PG_dirty and PG_writeback: a page redirtied during its write is DIRTY
 * (its write still completes and is counted), so the byte is never both.
 */
export const FRAME_CLEAN = 0;
export const FRAME_DIRTY = 1;
export const FRAME_WRITEBACK = 2;

/** enum lru_list order. */
export const LRU_INACTIVE_ANON = 0;
export const LRU_ACTIVE_ANON = 1;
export const LRU_INACTIVE_FILE = 2;
export const LRU_ACTIVE_FILE = 3;
export const NR_LRU_LISTS = 4;

/** The LRU a page with these flags belongs on. */
export function lruOf(flags: number): number {
  return ((flags & PG_SWAPBACKED) === 0 ? 2 : 0) + ((flags & PG_ACTIVE) !== 0 ? 1 : 0);
}

/**
 * Bits of a frame's PTE byte: accessed (young), and PROT_NONE armed by the NUMA-balancing
 * scanner (the next mapped access is a hint fault). Arming keeps the accessed bit, as
 * change_prot_numa keeps _PAGE_ACCESSED; reclaim clears only the accessed bit.
 */
export const PTE_OLD = 0;
export const PTE_YOUNG = 1;
export const PTE_PROT_NONE = 2;
