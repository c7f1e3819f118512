// Prints the plain closing line CI reads: "N passed, N failed".
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** A test meant to run that did not, because a hook of its file or suite failed (a beforeAll, say). */
function strandedByFailedHook(test: TestCase): boolean {
  if (test.options.mode !== 'run' && test.options.mode !== 'only') return false;
  for (let parent = test.parent; ; parent = parent.parent) {
    if (parent.state() === 'failed') return true;
    if (parent.type === 'module') return false;
  }
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    for (const mod of testModules) {
      const tests = [...mod.children.allTests()];
      // A file that failed to load or run has no tests to count, but it failed.
      if (mod.state() === 'failed' && tests.length === 0) failed++;
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed' || (state === 'skipped' && strandedByFailedHook(test))) failed++;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
