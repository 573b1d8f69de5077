// `npm run build`, second step (after tsc has type-checked and emitted dist/src): bundles the
// CLI entry and the two worker entries, with their dependencies, into dist/bundle/. Why: loading
// ~150 separate ES modules (ours + commander, yaml, zod) costs about 40 % of `tiersim validate`;
// three entry files plus shared chunks load in a few milliseconds (0.30 s → 0.18 s whole process).
//
// Layout: dist/bundle/src/cli/main.js, dist/bundle/workers/*.worker.js and every shared chunk in
// dist/bundle/src/chunks/. The chunks sit two folders below the bundle's root, as every source
// module that resolves a path from its own import.meta.url does (src/control/spawn.ts and
// src/sweep/pool.ts: '../../workers/…'; src/util/package-root.ts walks up), so those relative
// URLs land on the bundled worker files unchanged. Lazy `await import()`s stay separate chunks,
// so `validate` still does not load the engine, the sweep pool or the chart libraries.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

// Dependencies that every command or the node workers load are bundled; the rest stay
// ordinary imports from node_modules: piscina starts its own worker file found next to itself,
// and vega/vega-lite (reports only) gain nothing from being copied into a chunk.
const BUNDLED = new Set(['cli-progress', 'comlink', 'commander', 'yaml', 'zod']);
const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys(dependencies).filter((name) => !BUNDLED.has(name));

// zod re-exports its 48 message locales as `z.locales` (≈ 500 KB of the 845 KB zod chunk, all
// parsed at start-up); tiersim uses only the English one, which zod installs by default.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: path.join(path.dirname(args.importer), '../locales/index.js'), namespace: 'zod-en' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

const outdir = 'dist/bundle';
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts', 'workers/numa-node.worker.ts', 'workers/experiment.worker.ts'],
  outbase: '.',
  outdir,
  bundle: true,
  external,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'src/chunks/[name]-[hash]',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [zodEnglishOnly],
  // CommonJS dependencies (commander) call require() for Node's built-ins; an ES module has none.
  banner: {
    js: "import { createRequire as __tiersimRequire } from 'node:module'; const require = __tiersimRequire(import.meta.url);",
  },
});
