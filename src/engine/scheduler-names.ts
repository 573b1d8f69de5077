/** The schedulers' names, in a leaf module so the CLI can list them without loading an engine. */
export const SCHEDULERS = ['auto', 'per-node', 'every-node', 'inline'] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];
