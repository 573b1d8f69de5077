/**
 * Goal: every command's --help says what a user needs without the README: the exit codes (with
 * the numbers the code returns), an example that uses `npx tiersim` (bare `tiersim` is not on
 * the PATH after `npm ci`), and for the commands that take a config the `--set` syntax and where
 * the keys are (configs/schema.json, a file that exists).
 * Method: each --help in process; the exit-code lines checked against the constants the
 * commands return.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT_CONFIG, EXIT_FAILURE, EXIT_OK } from '../../src/cli/exit-codes.js';
import { tiersim } from '../helpers/cli.js';

const COMMANDS: { args: string[]; takesConfig: boolean }[] = [
  { args: [], takesConfig: true },
  { args: ['run'], takesConfig: true },
  { args: ['sweep'], takesConfig: true },
  { args: ['validate'], takesConfig: true },
  { args: ['topology'], takesConfig: true },
  { args: ['merge'], takesConfig: false },
  { args: ['report'], takesConfig: false },
  { args: ['configs'], takesConfig: false },
  { args: ['trace'], takesConfig: false },
  { args: ['trace', 'convert'], takesConfig: false },
  { args: ['trace', 'info'], takesConfig: false },
];

describe('--help of every command', () => {
  for (const { args, takesConfig } of COMMANDS) {
    const name = ['tiersim', ...args].join(' ');

    it(`${name}: exit codes, an npx example${takesConfig ? ', the --set syntax and the schema' : ''}`, async () => {
      const r = await tiersim(...args, '--help');
      expect(r.code).toBe(0);
      const help = r.stdout;
      expect(help).toContain('Exit codes:');
      expect(help).toMatch(new RegExp(`^  ${EXIT_OK} +success$`, 'm'));
      expect(help).toMatch(new RegExp(`^  ${EXIT_FAILURE} +a run failed`, 'm'));
      expect(help).toMatch(new RegExp(`^  ${EXIT_CONFIG} +bad config or usage`, 'm'));
      expect(help).toMatch(/^ {2}129, 130, 143 +stopped by SIGHUP, SIGINT \(Ctrl-C\) or SIGTERM/m);
      expect(help).toMatch(/^Examples?:$/m);
      const examples = help.slice(help.search(/^Examples?:$/m));
      expect(examples).toMatch(new RegExp(`^  npx tiersim ${args.join(' ')}`, 'm'));
      // No example line starts a command with a bare `tiersim` (or pipes into one).
      expect(examples).not.toMatch(/(^ {2}|&& |\| )tiersim /m);
      if (takesConfig) {
        expect(help).toContain('--set PATH=VALUE: PATH is a config key in YAML path form');
        expect(help).toContain('topology.nodes.0.memory or topology.nodes[0].memory');
        expect(help).toContain('configs/schema.json');
      }
    });
  }

  it('names a schema file that exists', () => {
    expect(existsSync('configs/schema.json')).toBe(true);
  });
});
