/**
 * `--out DIR` checked before anything runs: DIR is a directory or can be made one, it is on a
 * filesystem that holds files (not /proc or /sys), and a small file can be written there and
 * removed. A run used to find out only after the whole simulation, and `mkdir -p` under /proc
 * never returns (Node's recursive mkdir retries the ENOENT procfs answers for ever).
 */
import {
  accessSync,
  constants,
  closeSync,
  mkdirSync,
  openSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { fsError, FsError, isErrnoError } from './fs-errors.js';

/** statfs(2) f_type of the pseudo-filesystems that hold no user files (include/uapi/linux/magic.h). */
const PSEUDO_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x1cd1, 'devpts'],
]);

/** The probe written and removed: one page, so a full disk shows here and not after the run. */
const PROBE_BYTES = 4096;

/** The deepest existing ancestor of `abs` (itself if it exists), and whether it is a directory. */
function existingAncestor(abs: string): { dir: string; isDir: boolean } {
  for (let p = abs; ; p = path.dirname(p)) {
    try {
      return { dir: p, isDir: statSync(p).isDirectory() };
    } catch (err) {
      if (!isErrnoError(err) || (err.code !== 'ENOENT' && err.code !== 'ENOTDIR')) {
        throw fsError(err, 'use the output directory', p);
      }
      if (path.dirname(p) === p) return { dir: p, isDir: false };
    }
  }
}

/**
 * Makes sure `dir` is a writable directory (creating it and its parents), or throws an FsError
 * saying why not. Call it after the config validated (nothing is created for a bad config) and
 * before the simulation starts.
 */
export function prepareOutDir(dir: string): void {
  const abs = path.resolve(dir);
  const found = existingAncestor(abs);
  if (!found.isDir) {
    const what = found.dir === abs ? `${dir} is a file` : `${found.dir} is a file, not a directory`;
    throw new FsError(`cannot use --out ${dir}: ${what}`, found.dir, 'ENOTDIR');
  }
  let type: number | undefined;
  try {
    type = statfsSync(found.dir).type;
  } catch {
    type = undefined; // statfs unsupported: the checks below still run
  }
  const pseudo = type === undefined ? undefined : PSEUDO_FS.get(type);
  if (pseudo !== undefined) {
    throw new FsError(
      `cannot use --out ${dir}: ${found.dir} is on ${pseudo}, a kernel pseudo-filesystem that holds no files`,
      found.dir,
      'EINVAL',
    );
  }
  try {
    accessSync(found.dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw fsError(err, 'create the output directory in', found.dir);
  }
  try {
    mkdirSync(abs, { recursive: true });
  } catch (err) {
    throw fsError(err, 'create the output directory', dir);
  }
  const probe = path.join(abs, `.tiersim-probe-${process.pid}`);
  try {
    const fd = openSync(probe, 'wx');
    try {
      writeSync(fd, Buffer.alloc(PROBE_BYTES));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    removeQuietly(probe);
    throw fsError(err, 'write into the output directory', dir);
  }
  removeQuietly(probe);
}

/** Removes a file if it is there; a failure to remove a temporary file is not worth an error. */
export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone, or the filesystem refuses: nothing more to do
  }
}
