/**
 * Global setup when TEST_POSTGRES_URL is unset: one line after vitest's summary saying that the
 * PostgreSQL runs were skipped and how to have them (the last thing on screen is hard to miss).
 */
export default function setup(): () => void {
  return () => {
    process.stdout.write(
      '\n\u001b[33mPostgreSQL: SKIPPED. The database tests ran on SQLite only; test/replicas and test/store/postgres-* were skipped.\n' +
        'Run them too with a PostgreSQL server: TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npm test\u001b[39m\n\n',
    );
  };
}
