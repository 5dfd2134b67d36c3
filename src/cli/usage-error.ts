/** Bad usage of a CLI command: printed with the usage text, exit 2. */
export class UsageError extends Error {}
