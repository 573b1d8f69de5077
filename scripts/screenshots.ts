/**
 * `npm run screenshots [-- OUT]`: renders three HTML reports in headless Chromium (Debian's
 * package: `apt-get install chromium`) to PNG at 1400 px and 800 px wide, for a person to look
 * at: the quickstart run, the promotion config's variants (3 s each: promotion starts after the
 * 1 s scan delay), and the quickstart-dram sweep (1.5 s per point: demotion starts at ~1.3 s).
 * Each page is cut into tiles of 1200 px height (a whole report in one PNG is too tall to read). Reports already in OUT are reused: delete OUT to rerun them.
 * Prints, per page and width, whether anything is wider than the page (a table that neither
 * fits nor scrolls).
 *
 * Default OUT: out/screenshots. Runs the built CLI (npm run build first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromiumPath } from './chromium.js';

const out = path.resolve(process.argv[2] ?? 'out/screenshots');
const bin = path.resolve('bin/tiersim.js');

const REPORTS: { name: string; args: string[] }[] = [
  { name: 'quickstart', args: ['run', 'quickstart', '--report'] },
  { name: 'variants', args: ['run', 'promotion', '--report', '--set', 'run.duration=3s'] },
  { name: 'sweep', args: ['sweep', 'quickstart-dram', '--report', '--set', 'run.duration=1500ms'] },
];

function ensureReport(name: string, args: string[]): string {
  const dir = path.join(out, name);
  const html = path.join(dir, 'report.html');
  if (existsSync(html)) return html;
  process.stdout.write(`tiersim ${args.join(' ')} --out ${dir}\n`);
  const r = spawnSync(process.execPath, [bin, ...args, '--out', dir, '--quiet'], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(html))
    throw new Error(`tiersim ${args.join(' ')} exited with ${r.status}`);
  return html;
}

async function main(): Promise<void> {
  const executable = chromiumPath();
  if (executable === undefined) {
    process.stderr.write('no chromium: apt-get install -y chromium (or set CHROMIUM=/path/to/chrome)\n');
    process.exit(1);
  }
  mkdirSync(out, { recursive: true });
  const pages = REPORTS.map((r) => ({ name: r.name, html: ensureReport(r.name, r.args) }));
  const browser = await Browser.launch(executable);
  try {
    for (const p of pages) {
      for (const width of [1400, 800]) {
        await browser.open(p.html, width);
        const overflow = await browser.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        const tiles = await browser.screenshotTiles(1200);
        tiles.forEach((png, i) => writeFileSync(path.join(out, `${p.name}-${width}-${i}.png`), png));
        process.stdout.write(
          `${p.name} at ${width} px: ${tiles.length} tile(s) ${path.join(out, `${p.name}-${width}-*.png`)}` +
            `${overflow > 0 ? `; the page is ${overflow} px wider than the window` : ''}\n`,
        );
      }
    }
  } finally {
    await browser.close();
  }
}

await main();
