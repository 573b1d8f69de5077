/**
 * The content of the trace files a config replays, as part of its identity (config_hash): a
 * config's hash covers what it runs, and a trace edited after a sweep must not leave its points
 * "finished" with the old trace's results. sha256 of each file's bytes (as stored: a gzip file's
 * compressed bytes), cached per process by path, size, mtime and inode, so planning a sweep of
 * many points over one trace reads it once. A stream (a pipe, `-`) has no content to hash
 * before it is read: it is identified by its name only (sweeps refuse streams).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

const cache = new Map<string, string>();
const CHUNK = 1 << 20;

/** sha256 hex of a regular file's bytes. */
export function fileContentHash(file: string): string {
  const st = statSync(file);
  const key = `${file}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const hash = createHash('sha256');
  const buf = Buffer.alloc(CHUNK);
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; ;) {
      const got = readSync(fd, buf, 0, CHUNK, at);
      if (got === 0) break;
      hash.update(buf.subarray(0, got));
      at += got;
    }
  } finally {
    closeSync(fd);
  }
  const hex = hash.digest('hex');
  cache.set(key, hex);
  return hex;
}
