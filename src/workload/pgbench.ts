/**
 * The pgbench (TPC-B) workload: a database of `scale` × 100 000 accounts in one file, read
 * through the page cache into PostgreSQL's shared buffers (shared anonymous memory), and a WAL
 * appended with write(). Each CPU of the task is one client running TPC-B transactions:
 *
 *   UPDATE pgbench_accounts   index inner page, index leaf, heap page (store)
 *   SELECT abalance           heap page again (load)
 *   UPDATE pgbench_tellers    teller page (store)
 *   UPDATE pgbench_branches   branch page (store)
 *   INSERT INTO pgbench_history   the history page being appended (store)
 *   COMMIT                    the WAL page being appended (write())
 *
 * A database page is either resident in shared buffers (the first `hot` pages of the file:
 * branches, tellers, history, index inner and leaf pages, then as many heap pages as fit — with
 * uniformly random accounts, which heap pages stay buffered does not matter) or it is read()
 * through the page cache into a buffer slot of the remaining eighth of shared buffers. Every
 * page touch is two accesses (read or load, then copy-in or use), so a transaction is always
 * TXN_ACCESSES accesses and the score (operations per second) is transactions per second.
 * Layout per scale unit, 4 KiB pages: ~30 accounts per heap page, ~180 index entries per leaf.
 */
import type { PgbenchConfig } from '../config/schema.js';

export const ACCOUNTS_PER_SCALE = 100_000;
export const TELLERS_PER_SCALE = 10;
export const ROWS_PER_HEAP_PAGE = 30;
export const ENTRIES_PER_LEAF = 180;
export const LEAVES_PER_INNER = 250;
/** History rows per page and WAL bytes per transaction, as fractions of a page per transaction. */
export const HISTORY_PAGES_PER_TXN = 1 / 80;
export const WAL_PAGES_PER_TXN = 1 / 16;
/** 7 page touches × 2 accesses + 1 WAL write. */
export const TXN_ACCESSES = 15;

export interface PgbenchPlan {
  accounts: number;
  tellers: number;
  branches: number;
  /** Database file layout, in pages from the start of the file. */
  branchesStart: number;
  tellersStart: number;
  historyStart: number;
  historyPages: number;
  innerStart: number;
  leafStart: number;
  heapStart: number;
  dbPages: number;
  bufferPages: number;
  /** Database pages [0, hot) are resident in buffer slots [0, hot); the rest rotate through the others. */
  hot: number;
  walPages: number;
}

// The layout only: synchronous_commit changes what a commit calls, not where pages are.
export function pgbenchPlan(
  config: Pick<PgbenchConfig, 'scale' | 'shared_buffers' | 'wal_size'>,
  pageSize: number,
): PgbenchPlan {
  const scale = config.scale;
  const accounts = scale * ACCOUNTS_PER_SCALE;
  const tellers = scale * TELLERS_PER_SCALE;
  const branches = scale;
  const leaves = Math.ceil(accounts / ENTRIES_PER_LEAF);
  const branchesStart = 0;
  const tellersStart = branchesStart + Math.ceil(branches / ROWS_PER_HEAP_PAGE);
  const historyStart = tellersStart + Math.ceil(tellers / ROWS_PER_HEAP_PAGE);
  const historyPages = Math.max(64, scale * 8);
  const innerStart = historyStart + historyPages;
  const leafStart = innerStart + Math.ceil(leaves / LEAVES_PER_INNER);
  const heapStart = leafStart + leaves;
  const dbPages = heapStart + Math.ceil(accounts / ROWS_PER_HEAP_PAGE);
  const bufferPages = Math.max(16, Math.floor(config.shared_buffers / pageSize));
  const victims = Math.max(8, Math.floor(bufferPages / 8));
  return {
    accounts,
    tellers,
    branches,
    branchesStart,
    tellersStart,
    historyStart,
    historyPages,
    innerStart,
    leafStart,
    heapStart,
    dbPages,
    bufferPages,
    hot: Math.min(dbPages, bufferPages - victims),
    walPages: Math.max(16, Math.floor(config.wal_size / pageSize)),
  };
}
