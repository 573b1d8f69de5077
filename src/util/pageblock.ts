/**
 * pageblock_nr_pages: the kernel groups memory by mobility in 2 MiB pageblocks (pageblock_order
 * 9 with 4 KiB pages). Shared by the config checks, the frame allocator and the steal logic.
 */
export function pageblockPages(pageSize: number): number {
  return Math.max(1, Math.floor((2 * 1024 * 1024) / pageSize));
}
