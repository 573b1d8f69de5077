#!/usr/bin/env node
// Entry point of the `tiersim` command: runs the bundled CLI from dist/bundle/ (built by `npm ci`
// through the `prepare` script).
import { main } from '../dist/bundle/src/cli/main.js';

// `tiersim run ... | head` closes the pipe early: stop quietly instead of crashing.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// 0: the command started with the process (performance.now()'s origin), so the rate `run`
// prints covers start-up too.
process.exitCode = await main(process.argv.slice(2), 0);
