/** The command's exit codes (main.ts's help text says what each means); a leaf module so that
 * every command, and main.ts before it has loaded any command, can name them. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 2;
export const EXIT_INTERRUPTED = 130;
