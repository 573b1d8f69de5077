/** The Slurm script's defaults (slurm.ts), in a leaf module so the CLI's help can name them. */

/** Slurm's default MaxArraySize (slurm.conf): array indices 0 .. 1000. */
export const SLURM_MAX_ARRAY_SIZE = 1001;
/** The script's --time when none is given (Slurm's format: [D-]HH:MM:SS, MM, ...). */
export const DEFAULT_TIME = '01:00:00';
