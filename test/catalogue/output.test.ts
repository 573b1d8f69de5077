/**
 * Fault catalogue, output and signals: `--out` that cannot hold files (a file, under a file,
 * /proc, /sys, a read-only or full filesystem on a small tmpfs when this user may mount one),
 * the sweep lock, and SIGTERM / SIGHUP / SIGINT mid-run. Each case checks the exit code, the
 * one-line message naming the path and errno, and that nothing is half-written: no temporary
 * files, and no completion mark (result.json, comparison.json, point.json done) on a set that
 * is not whole.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/result.js';
import { listenForStop, signalExitCode, STOP_SIGNALS, type StopSignal } from '../../src/util/stop.js';
import { tiersim } from '../helpers/cli.js';
import {
  expectCleanMessage,
  expectNoTempFiles,
  filesUnder,
  scratch,
  TINY,
  TINY_TEXT,
  writeText,
} from './helpers.js';

const tmp = scratch('out');
afterAll(() => tmp.remove());
const quick = ['--threads', 'inline', '-q'];

describe('fault catalogue: --out checked before anything runs', () => {
  it('1. --out names a file: exit 1, the file untouched', async () => {
    const file = writeText(path.join(tmp.dir, 'a-file'), 'keep me\n');
    const r = await tiersim('run', TINY, '--out', file, ...quick);
    expectCleanMessage(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot use --out ${file}: ${file} is a file`);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('2. --out below a file', async () => {
    const file = writeText(path.join(tmp.dir, 'b-file'), '');
    const r = await tiersim('run', TINY, '--out', path.join(file, 'sub'), ...quick);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file} is a file, not a directory`);
  });

  it('3. --out under /proc ends at once (Node would retry mkdir for ever)', async () => {
    const r = await tiersim('run', TINY, '--out', '/proc/tiersim-out/x', ...quick);
    expectCleanMessage(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('procfs, a kernel pseudo-filesystem');
  }, 10_000);

  it('4. --out under /sys', async () => {
    const r = await tiersim('run', TINY, '--out', '/sys/tiersim-out', ...quick);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sysfs, a kernel pseudo-filesystem|read-only file system|permission denied/);
  }, 10_000);

  it('5. a variants run with --out a file: nothing runs', async () => {
    const file = writeText(path.join(tmp.dir, 'c-file'), '');
    const cfg = writeText(path.join(tmp.dir, 'variants.yaml'), variantsText());
    const r = await tiersim('run', cfg, '--out', file, '-q');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a file');
  });

  it('6. a sweep with --out under a file', async () => {
    const file = writeText(path.join(tmp.dir, 'd-file'), '');
    const cfg = writeText(path.join(tmp.dir, 'sweep.yaml'), sweepText());
    const r = await tiersim('sweep', cfg, '--out', path.join(file, 's'), '-q');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a file, not a directory');
  });

  it('7. report -o under /proc', async () => {
    const out = path.join(tmp.dir, 'for-report');
    expect((await tiersim('run', TINY, '--out', out, ...quick)).code).toBe(0);
    const r = await tiersim('report', out, '-o', '/proc/tiersim/report.html');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('procfs');
  }, 20_000);
});

/** A tmpfs of `kib` KiB at a fresh mount point, or undefined when this user may not mount. */
function mountTmpfs(kib: number, readOnly = false): string | undefined {
  const dir = path.join(tmp.dir, `mnt-${kib}-${readOnly ? 'ro' : 'rw'}`);
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k${readOnly ? ',ro' : ''}`, 'tmpfs', dir], {
      stdio: 'ignore',
    });
    return dir;
  } catch {
    return undefined;
  }
}

function unmount(dir: string | undefined): void {
  if (dir !== undefined) execFileSync('umount', [dir], { stdio: 'ignore' });
}

/** Fills a tmpfs until `freeKib` KiB are left (tmpfs counts whole 4 KiB pages). */
function fillTo(dir: string, sizeKib: number, freeKib: number): void {
  writeFileSync(path.join(dir, 'filler'), Buffer.alloc((sizeKib - freeKib) * 1024));
}

describe('fault catalogue: full and read-only filesystems (a small tmpfs)', () => {
  const mounts: (string | undefined)[] = [];
  let canMount = false;
  beforeAll(() => {
    const probe = mountTmpfs(64);
    canMount = probe !== undefined;
    unmount(probe);
  });
  afterAll(() => mounts.forEach(unmount));

  it('8. read-only: EROFS before the run, nothing created', async (ctx) => {
    if (!canMount) ctx.skip();
    const ro = mountTmpfs(64, true);
    mounts.push(ro);
    const r = await tiersim('run', TINY, '--out', path.join(ro!, 'x'), ...quick);
    expectCleanMessage(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('read-only file system (EROFS)');
    expect(filesUnder(ro!)).toEqual([]);
  });

  it('9. full during the writes: ENOSPC named, no result.json (an old one removed), no temp files', async (ctx) => {
    if (!canMount) ctx.skip();
    const full = mountTmpfs(64);
    mounts.push(full);
    const out = path.join(full!, 'x');
    mkdirSync(out);
    writeFileSync(path.join(out, 'result.json'), '{"completed": true}\n'); // a previous run's
    fillTo(full!, 64, 12);
    const r = await tiersim('run', TINY, '--out', out, ...quick);
    expectCleanMessage(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write \S+: no space left on device \(ENOSPC\)/);
    expect(r.stderr).toContain(`the results are not complete in ${out}`);
    expect(existsSync(path.join(out, 'result.json'))).toBe(false);
    expectNoTempFiles(full!);
  });

  it('10. full: the probe fails before the run', async (ctx) => {
    if (!canMount) ctx.skip();
    const full = mountTmpfs(64);
    mounts.push(full);
    fillTo(full!, 64, 0);
    const r = await tiersim('run', TINY, '--out', path.join(full!, 'y'), ...quick);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no space left on device \(ENOSPC\)/);
    expectNoTempFiles(full!);
  });

  it('11. variants on a full disk: no comparison.json', async (ctx) => {
    if (!canMount) ctx.skip();
    const full = mountTmpfs(64);
    mounts.push(full);
    fillTo(full!, 64, 16);
    const cfg = writeText(path.join(tmp.dir, 'variants-full.yaml'), variantsText());
    const out = path.join(full!, 'v');
    const r = await tiersim('run', cfg, '--out', out, '-q');
    expectCleanMessage(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(ENOSPC)');
    expect(existsSync(path.join(out, 'comparison.json'))).toBe(false);
    expectNoTempFiles(full!);
  }, 30_000);

  it('12. a sweep on a full disk: stops with one line, no point marked done', async (ctx) => {
    if (!canMount) ctx.skip();
    const full = mountTmpfs(96);
    mounts.push(full);
    fillTo(full!, 96, 32);
    const cfg = writeText(path.join(tmp.dir, 'sweep-full.yaml'), sweepText());
    const out = path.join(full!, 's');
    const r = await tiersim('sweep', cfg, '--out', out, '-q', '--jobs', '1');
    expectCleanMessage(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(ENOSPC)');
    for (const f of filesUnder(out).filter((x) => x.endsWith('point.json'))) {
      const status = JSON.parse(readFileSync(path.join(out, f), 'utf8')) as { status: string; error: string };
      // A point marked done has its whole output; one that failed on the disk says so.
      if (status.status === 'done')
        expect(existsSync(path.join(out, path.dirname(f), 'result.json'))).toBe(true);
      if (status.status === 'failed') expect(status.error).toContain('ENOSPC');
    }
    expectNoTempFiles(full!);
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
  }, 60_000);
});

describe('fault catalogue: the sweep lock', () => {
  it('13. a sweep directory in use by a live sweep is refused', async () => {
    const out = path.join(tmp.dir, 'locked');
    mkdirSync(out);
    writeFileSync(path.join(out, '.lock'), JSON.stringify({ pid: process.pid, host: hostname() }));
    const cfg = writeText(path.join(tmp.dir, 'sweep-locked.yaml'), sweepText());
    const r = await tiersim('sweep', cfg, '--out', out, '-q');
    expectCleanMessage(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is in use by another tiersim sweep (pid ${process.pid})`);
    expect(existsSync(path.join(out, 'points'))).toBe(false);
  });

  it('14. a lock whose process is gone is taken over, and released at the end', async () => {
    const out = path.join(tmp.dir, 'stale');
    mkdirSync(out);
    writeFileSync(path.join(out, '.lock'), JSON.stringify({ pid: 2 ** 22 + 4321, host: hostname() }));
    const cfg = writeText(path.join(tmp.dir, 'sweep-stale.yaml'), sweepText());
    const r = await tiersim('sweep', cfg, '--out', out, '-q', '--jobs', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
    expect(existsSync(path.join(out, 'summary.json'))).toBe(true);
  }, 60_000);
});

describe('fault catalogue: stop signals', () => {
  it.each(STOP_SIGNALS.map((s) => [s] as const))('15. %s: exit code 128 + its number', (signal) => {
    expect(signalExitCode(signal)).toBe({ SIGHUP: 129, SIGINT: 130, SIGTERM: 143 }[signal]);
  });

  it('16. the first signal asks to stop, a second exits at once, dispose removes the handlers', () => {
    const before = process.listenerCount('SIGTERM');
    const exits: number[] = [];
    const stop = listenForStop({ exit: (code) => exits.push(code) });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(stop.requested).toBe(false);
    process.emit('SIGTERM');
    expect(stop.requested).toBe(true);
    expect(stop.signal).toBe('SIGTERM');
    expect(exits).toEqual([]);
    process.emit('SIGHUP');
    expect(exits).toEqual([129]);
    expect(stop.signal).toBe('SIGTERM');
    stop.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  /** Starts `args`, sends `signal` once the command listens for it, returns what it did. */
  async function interrupt(signal: StopSignal, args: string[]) {
    const listening = process.listenerCount(signal);
    const running = tiersim(...args);
    for (let waited = 0; process.listenerCount(signal) <= listening && waited < 30_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    process.emit(signal);
    return running;
  }

  it.each([['SIGTERM'], ['SIGHUP'], ['SIGINT']] as const)(
    '17. a run stopped by %s writes its partial result, marked',
    async (signal) => {
      const out = path.join(tmp.dir, `run-${signal}`);
      const cfg = writeText(
        path.join(tmp.dir, 'long.yaml'),
        TINY_TEXT.replace('duration: 4ms', 'duration: 60s'),
      );
      const r = await interrupt(signal, ['run', cfg, '--out', out, ...quick]);
      expectCleanMessage(r);
      expect(r.code).toBe(signalExitCode(signal));
      expect(r.stderr).toContain(`interrupted (${signal}) after`);
      const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as RunResult;
      expect(result.completed).toBe(false);
      expect(result.stopped_by).toBe(signal);
      expect(result.epochs_run).toBeLessThan(result.epochs_planned);
      expect(existsSync(path.join(out, 'series.csv'))).toBe(true);
      expectNoTempFiles(out);
    },
    60_000,
  );

  it('18. variants stopped by SIGTERM: comparison.json says which are partial', async () => {
    const out = path.join(tmp.dir, 'variants-term');
    const cfg = writeText(path.join(tmp.dir, 'variants-long.yaml'), variantsText('60s'));
    const r = await interrupt('SIGTERM', ['run', cfg, '--out', out, '-q', '--jobs', '1']);
    expect(r.code).toBe(143);
    const cmp = JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')) as {
      completed: boolean;
      variants: { status: string; note: string | null }[];
    };
    expect(cmp.completed).toBe(false);
    expect(cmp.variants.some((v) => v.status === 'done')).toBe(false);
    for (const v of cmp.variants) {
      expect(['interrupted', 'not run']).toContain(v.status);
      if (v.status === 'interrupted')
        expect(v.note).toMatch(/^interrupted by SIGTERM at epoch \d+ of 60000$/);
    }
    if (
      existsSync(path.join(out, 'comparison.txt')) &&
      cmp.variants.some((v) => v.status === 'interrupted')
    ) {
      expect(readFileSync(path.join(out, 'comparison.txt'), 'utf8')).toContain(
        'interrupted by SIGTERM at epoch',
      );
    }
    expectNoTempFiles(out);
  }, 60_000);

  it('19. a sweep stopped by SIGTERM: points marked interrupted, summary not complete', async () => {
    const out = path.join(tmp.dir, 'sweep-term');
    const cfg = writeText(path.join(tmp.dir, 'sweep-long.yaml'), sweepText('60s'));
    const r = await interrupt('SIGTERM', ['sweep', cfg, '--out', out, '-q', '--jobs', '1']);
    expect(r.code).toBe(143);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
      completed: boolean;
      done: number;
      rows: { status: string; error: string | null }[];
    };
    expect(summary.completed).toBe(false);
    expect(summary.done).toBe(0);
    for (const row of summary.rows) {
      // recorded failed with the reason (a rerun runs it again), or never started
      expect(['failed', 'missing']).toContain(row.status);
      if (row.status === 'failed') expect(row.error).toMatch(/^interrupted by SIGTERM at epoch \d+ of 60000/);
    }
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
    expectNoTempFiles(out);
  }, 60_000);
});

function variantsText(duration = '4ms'): string {
  return (
    TINY_TEXT.replace('duration: 4ms', `duration: ${duration}`) +
    'variants:\n  - name: on\n  - name: off\n    set: { kernel.demotion_enabled: false }\n'
  );
}

function sweepText(duration = '4ms'): string {
  return TINY_TEXT.replace('duration: 4ms', `duration: ${duration}`) + 'sweep:\n  seeds: 2\n';
}
