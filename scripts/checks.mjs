// `npm run checks`: the typecheck and the lint at once (each is one single-threaded process,
// so on two cores together they take the time of the longer one), each one's output printed
// whole when it ends; exits 1 if either failed. Both keep caches in node_modules/.cache/tiersim
// (tsc's incremental build info, eslint's and prettier's per-file results): a clean clone has
// none and checks everything.
import { spawn } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      process.stdout.write(`> ${script}: ${code === 0 ? 'ok' : `failed (exit ${code})`}\n${out}`);
      resolve(code ?? 1);
    });
  });
}

const codes = await Promise.all([run('typecheck'), run('lint')]);
process.exitCode = codes.some((c) => c !== 0) ? 1 : 0;
