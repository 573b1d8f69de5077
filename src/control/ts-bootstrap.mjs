// Worker entry used only when running from TypeScript sources (tests, `tsx`): registers tsx
// inside the worker (Node 20 cannot pass a loader to a Worker through execArgv), then loads the
// real .ts entry named in workerData. Built code (dist/) starts its .js workers directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__tsEntry);
