/**
 * `tiersim trace convert` and `tiersim trace info` end to end, in process: output, exit codes, a
 * malformed input named by line and column with nothing written, and the bundled example
 * (configs/experiments/trace-replay.yaml) validating and running.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tiersim } from '../helpers/cli.js';
import { lackeyText, readAll, syntheticRecords, tempDir } from './helpers.js';

const dir = tempDir('tiersim-trace-cli-');
const at = (name: string) => path.join(dir, name);
const records = syntheticRecords(5000, 32);
writeFileSync(at('t.lackey'), lackeyText(records));

describe('tiersim trace', () => {
  it('convert writes a binary trace with the same records and says how many', async () => {
    const r = await tiersim('trace', 'convert', at('t.lackey'), at('t.tstrace'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\(lackey, [\d.]+ KiB\) -> .*t\.tstrace: 5,000 records, [\d,]+ bytes \([\d.]+ bytes\/record\)\n$/,
    );
    expect(readAll(at('t.tstrace'), 'tiersim')).toEqual(records);
  });

  it('info prints the figures, as text and as JSON, for either format', async () => {
    const text = await tiersim('trace', 'info', at('t.lackey'));
    expect(text.code).toBe(0);
    const counts = { I: 0, L: 0, S: 0, M: 0 };
    for (const r of records) counts[r.kind]++;
    expect(text.stdout).toContain(
      `records         5,000  (I ${counts.I.toLocaleString('en-US')}, L ${counts.L}, S ${counts.S}, M ${counts.M})`,
    );
    expect(text.stdout).toMatch(/distinct pages {2}\d+ of 4 KiB/);
    await tiersim('trace', 'convert', at('t.lackey'), at('t2.tstrace'), '--page-size', '8KiB', '-q');
    const json = await tiersim('trace', 'info', at('t2.tstrace'), '--json');
    const info = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      format: 'tiersim',
      records: 5000,
      kinds: counts,
      pageSize: 8192,
      pageSizeHint: 8192,
    });
    const lackeyInfo = JSON.parse(
      (await tiersim('trace', 'info', at('t.lackey'), '--json', '--page-size', '8KiB')).stdout,
    ) as Record<string, unknown>;
    expect(lackeyInfo).toEqual({
      ...info,
      file: at('t.lackey'),
      format: 'lackey',
      bytes: lackeyInfo['bytes'],
      pageSizeHint: 0,
    });
  });

  it('a malformed line: exit 2, the line and column, nothing written', async () => {
    const lines = lackeyText(records).split('\n');
    lines[1234] = ' Q 1000,4';
    writeFileSync(at('bad.lackey'), lines.join('\n'));
    const before = readdirSync(dir).sort();
    const r = await tiersim('trace', 'convert', at('bad.lackey'), at('bad.tstrace'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `tiersim: ${at('bad.lackey')}:1235:2: expected L, S or M after the leading space, found "Q"\ntiersim: nothing was written (${at('bad.tstrace')} is unchanged)\n`,
    );
    expect(existsSync(at('bad.tstrace'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('a missing input, a bad page size', async () => {
    const missing = await tiersim('trace', 'info', at('nope.lackey'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `${at('nope.lackey')}: cannot read the trace: no such file or directory (ENOENT)`,
    );
    const bad = await tiersim('trace', 'convert', at('t.lackey'), at('x.tstrace'), '--page-size', '1000');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--page-size: expected a power of two from 4KiB');
  });

  it('the bundled example validates and runs', async () => {
    const config = 'configs/experiments/trace-replay.yaml';
    const v = await tiersim('validate', config);
    expect(v.code).toBe(0);
    const r = await tiersim(
      'run',
      config,
      '--threads',
      'inline',
      '--set',
      'run.duration=30ms',
      '--json',
      '-q',
    );
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { tasks: { name: string; accesses: number }[] };
    expect(result.tasks[0]).toMatchObject({ name: 'kv' });
    expect(result.tasks[0].accesses).toBeGreaterThan(227_775); // more than one pass of the trace
  });
});
