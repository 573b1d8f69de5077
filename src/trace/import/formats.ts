/** The formats `trace convert --from` reads, in a leaf module so the CLI can list them cheaply. */
export const IMPORT_FORMATS = ['lackey', 'perf', 'pin', 'damon'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
