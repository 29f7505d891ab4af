/**
 * Skips the running test, or every test of the suite whose hook is running, and puts the reason in each
 * skipped test's title: mocha itself prints a skipped test as a bare title.
 */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
  const running = ctx.test;
  const skipped = running?.type === 'hook' ? (running.parent?.tests ?? []) : running ? [running] : [];
  for (const test of skipped) test.title += ` (skipped: ${reason})`;
  ctx.skip();
}
