/**
 * Filesystem failures as operating errors: one line naming the path, what was being done and
 * what the errno means (`cannot write out/result.json: no space left on device (ENOSPC)`),
 * never a stack trace. Node's own messages ("ENOENT: no such file or directory, mkdir ...")
 * name the syscall rather than what tiersim was doing, and a recursive mkdir on a read-only
 * mount reports ENOENT for a directory that does exist, so every filesystem call tiersim makes
 * on user paths goes through `fsError()`.
 */
import { readFileSync } from 'node:fs';

/** What the errno codes a user meets mean (strerror's wording, as `ls` or `mkdir` print it). */
const ERRNO_MEANING: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'is a directory, not a file',
  EEXIST: 'file exists',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'device or resource busy',
  EXDEV: 'cross-device link',
  ENOTEMPTY: 'directory not empty',
  EINVAL: 'invalid argument',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
  ETXTBSY: 'text file busy',
};

export function errnoMeaning(code: string): string {
  return ERRNO_MEANING[code] ?? 'system error';
}

/** A filesystem operation on a user's path failed; the message is one line, ready to print. */
export class FsError extends Error {
  readonly path: string;
  readonly errno: string;

  constructor(message: string, file: string, errno: string) {
    super(message);
    this.name = 'FsError';
    this.path = file;
    this.errno = errno;
  }
}

/** An error as thrown by node:fs (a SystemError with `code`, `syscall` and maybe `path`). */
export function isErrnoError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  return (
    err instanceof Error &&
    typeof (err as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z0-9]+$/.test((err as NodeJS.ErrnoException).code ?? '')
  );
}

/**
 * `cannot <doing> <file>: <meaning> (<CODE>)`. `doing` is the verb phrase ("write", "create the
 * output directory"); a non-errno error passes through unchanged (it is a bug, not an input).
 */
export function fsError(err: unknown, doing: string, file: string): Error {
  if (err instanceof FsError) return err;
  if (!isErrnoError(err)) return err instanceof Error ? err : new Error(String(err));
  return new FsError(`cannot ${doing} ${file}: ${errnoMeaning(err.code)} (${err.code})`, file, err.code);
}

/** One line for any node:fs error that escaped a caller (names its syscall and path). */
export function describeErrnoError(err: NodeJS.ErrnoException & { code: string }): string {
  const what = err.syscall === undefined ? '' : `${err.syscall} `;
  const where = err.path === undefined ? '' : `${err.path}: `;
  return `${what}${where}${errnoMeaning(err.code)} (${err.code})`;
}

/**
 * Reads a text file; `undefined` when it does not exist (the caller reports that with its
 * location), an FsError for anything else (a directory, no permission).
 */
export function readTextFile(absolutePath: string, shown: string = absolutePath): string | undefined {
  try {
    return readFileSync(absolutePath, 'utf8');
  } catch (err) {
    if (isErrnoError(err) && err.code === 'ENOENT') return undefined;
    throw fsError(err, 'read', shown);
  }
}
