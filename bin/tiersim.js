#!/usr/bin/env node
// Entry point of the `tiersim` command: runs the compiled CLI from dist/ (built by `npm ci`
// through the `prepare` script).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
