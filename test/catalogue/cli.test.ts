/**
 * Fault catalogue, the command line: usage errors, bad --set values and bad trace inputs. Each
 * case checks the exit code, that the message names what is wrong (the option, the key, the
 * path), and that no output directory was created.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tiersim } from '../helpers/cli.js';
import { expectCleanMessage, scratch, TINY } from './helpers.js';

const tmp = scratch('cli');
const OUT = path.join(tmp.dir, 'never');
const NOT_A_SWEEP = path.join(tmp.dir, 'not-a-sweep');
mkdirSync(NOT_A_SWEEP);
const GARBAGE = path.join(tmp.dir, 'garbage.lackey');
writeFileSync(GARBAGE, 'I  0400d7d4,8\nthis is not lackey\n');
const TRACE_OUT = path.join(tmp.dir, 'trace-out');
mkdirSync(TRACE_OUT);

interface Case {
  name: string;
  args: string[];
  code: number;
  /** The message names this (an option, a key, a path). */
  says: string | RegExp;
}

const CASES: Case[] = [
  { name: 'unknown command', args: ['simulate', TINY], code: 2, says: "unknown command 'simulate'" },
  { name: 'unknown option', args: ['run', TINY, '--bogus'], code: 2, says: "unknown option '--bogus'" },
  {
    name: 'seed negative',
    args: ['run', TINY, '--seed', '-1', '--out', OUT],
    code: 2,
    says: 'a seed is an integer',
  },
  {
    name: 'seed a word',
    args: ['run', TINY, '--seed', 'x', '--out', OUT],
    code: 2,
    says: 'a seed is an integer',
  },
  {
    name: 'seed past 2^32',
    args: ['run', TINY, '--seed', '4294967296', '--out', OUT],
    code: 2,
    says: 'a seed is an integer',
  },
  {
    name: 'jobs zero',
    args: ['run', TINY, '--jobs', '0', '--out', OUT],
    code: 2,
    says: '--jobs is an integer',
  },
  {
    name: 'jobs too many',
    args: ['run', TINY, '--jobs', '300', '--out', OUT],
    code: 2,
    says: '--jobs is an integer',
  },
  {
    name: 'threads mode unknown',
    args: ['run', TINY, '--threads', 'many', '--out', OUT],
    code: 2,
    says: "'many' is invalid",
  },
  { name: '--report without --out', args: ['run', TINY, '--report'], code: 2, says: '--report needs --out' },
  { name: 'run without a config', args: ['run'], code: 2, says: 'missing config' },
  { name: 'config and --from', args: ['run', TINY, '--from', NOT_A_SWEEP], code: 2, says: 'not both' },
  {
    name: '--from a folder without config.json',
    args: ['run', '--from', NOT_A_SWEEP, '--out', OUT],
    code: 2,
    says: 'has no config.json',
  },
  {
    name: '--set without =',
    args: ['run', TINY, '--set', 'run.seed', '--out', OUT],
    code: 2,
    says: 'run.seed',
  },
  {
    name: '--set an unknown key',
    args: ['run', TINY, '--set', 'kernel.colour=red', '--out', OUT],
    code: 2,
    says: /--set:\d+:\d+: kernel\.colour/,
  },
  {
    name: '--set a bad value',
    args: ['run', TINY, '--set', 'run.duration=soon', '--out', OUT],
    code: 2,
    says: /--set:\d+:\d+: run\.duration/,
  },
  {
    name: '--set a node that does not exist',
    args: ['run', TINY, '--set', 'topology.nodes.5.memory=1GiB', '--out', OUT],
    code: 2,
    says: 'topology.nodes',
  },
  {
    name: '--set a size not whole pages',
    args: ['run', TINY, '--set', 'topology.nodes.0.memory=8193KiB', '--out', OUT],
    code: 2,
    says: /--set:\d+:\d+: topology\.nodes\[0\]\.memory: .*whole number of pages/,
  },
  {
    name: 'config missing',
    args: ['run', path.join(tmp.dir, 'nope.yaml'), '--out', OUT],
    code: 2,
    says: 'no such file',
  },
  { name: 'config a directory', args: ['run', tmp.dir, '--out', OUT], code: 2, says: 'is a directory' },
  { name: 'validate a directory', args: ['validate', tmp.dir], code: 2, says: 'is a directory' },
  { name: 'topology of a directory', args: ['topology', tmp.dir], code: 2, says: 'is a directory' },
  {
    name: 'topology of a missing file',
    args: ['topology', path.join(tmp.dir, 'nope.yaml')],
    code: 2,
    says: 'no such file',
  },
  { name: 'sweep without --out', args: ['sweep', TINY], code: 2, says: '--out DIR is required' },
  {
    name: 'sweep --index a word',
    args: ['sweep', TINY, '--out', OUT, '--index', 'x'],
    code: 2,
    says: 'a point index is an integer',
  },
  {
    name: 'sweep --emit unknown',
    args: ['sweep', TINY, '--out', OUT, '--emit', 'pbs'],
    code: 2,
    says: "'pbs' is invalid",
  },
  {
    name: 'merge a folder that is no sweep',
    args: ['merge', NOT_A_SWEEP],
    code: 2,
    says: 'no manifest.json',
  },
  { name: 'report of a folder with nothing', args: ['report', NOT_A_SWEEP], code: 2, says: NOT_A_SWEEP },
  { name: 'trace info of a directory', args: ['trace', 'info', tmp.dir], code: 2, says: 'is a directory' },
  {
    name: 'trace info of a missing file',
    args: ['trace', 'info', path.join(tmp.dir, 'nope')],
    code: 2,
    says: 'no such file or directory (ENOENT)',
  },
  {
    name: 'trace info bad page size',
    args: ['trace', 'info', GARBAGE, '--page-size', '3KiB'],
    code: 2,
    says: 'page',
  },
  {
    name: 'trace info unknown format',
    args: ['trace', 'info', GARBAGE, '--format', 'pin'],
    code: 2,
    says: "'pin' is invalid",
  },
  { name: 'trace info of garbage, located', args: ['trace', 'info', GARBAGE], code: 2, says: `${GARBAGE}:2` },
  {
    name: 'trace convert into a directory',
    args: ['trace', 'convert', GARBAGE, TRACE_OUT],
    code: 2,
    says: GARBAGE,
  },
  {
    name: 'trace convert of a directory',
    args: ['trace', 'convert', tmp.dir, path.join(tmp.dir, 'x.tstrace')],
    code: 2,
    says: 'is a directory',
  },
];

describe('fault catalogue: the command line', () => {
  afterAll(() => tmp.remove());

  it.each(CASES.map((c, i) => [`${i + 1}. ${c.name}`, c] as const))('%s', async (_name, c) => {
    const r = await tiersim(...c.args);
    expectCleanMessage(r);
    expect(r.code, r.stderr).toBe(c.code);
    if (typeof c.says === 'string') expect(r.stderr).toContain(c.says);
    else expect(r.stderr).toMatch(c.says);
    expect(existsSync(OUT)).toBe(false);
  });
});
