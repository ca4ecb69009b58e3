/** A mistake in the command line: the usage is printed after the message. */
export class UsageError extends Error {}

/**
 * Runs a command's main and sets its exit code: main's own, or 2 with "<name> failed: <why>"
 * (and the usage when the command line was wrong: ours, or node's parseArgs refusing a flag).
 */
export function runCli(name: string, usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const badUsage =
        error instanceof UsageError ||
        (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${name} failed: ${message}${badUsage ? `\n${usage}` : ''}\n`);
      process.exitCode = 2;
    },
  );
}
