/** `tiersim configs`: the bundled configs (config/bundled.ts), by kind, with how to run each. */
import { listBundled, type BundledKind } from '../config/bundled.js';
import { EXIT_OK } from './exit-codes.js';

const COMMAND: Record<BundledKind, string> = {
  experiments: 'tiersim run',
  sweeps: 'tiersim sweep',
  topologies: 'tiersim topology',
};

export function configsCommand(options: { paths: boolean }): number {
  const configs = listBundled();
  const lines: string[] = [];
  let kind: BundledKind | undefined;
  const width = Math.max(0, ...configs.map((c) => c.name.length));
  for (const c of configs) {
    if (c.kind !== kind) {
      kind = c.kind;
      lines.push(`${lines.length > 0 ? '\n' : ''}${kind} (${COMMAND[kind]} NAME):`);
    }
    lines.push(`  ${c.name.padEnd(width)}  ${options.paths ? c.file : c.summary}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT_OK;
}
