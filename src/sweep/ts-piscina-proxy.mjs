// piscina task module used only when running from TypeScript sources (tests, `tsx`): registers
// tsx inside the pool thread (Node 20 cannot pass a loader to a worker through execArgv), then
// loads the real .ts task module named in workerData and re-exports its task function. Built
// code (dist/) gives piscina the compiled .js task module directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(workerData.__tsEntry);
export default mod.default;
