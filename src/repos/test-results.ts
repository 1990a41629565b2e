export interface TestResults {
  passed: number;
  failed: number;
  total: number;
  success: boolean;
}

/**
 * §10.11's parser for test-runner output: RSpec's "N examples, M failures" gives total, failed and
 * passed = N − M; Jest's summary ("Tests: 1 failed, 5 passed, 6 total") gives what it states, and
 * a bare "N passed" gives passed. Everything else stays 0.
 *
 * @example
 * extractTestResults("12 examples, 2 failures", false); // { passed: 10, failed: 2, total: 12, success: false }
 */
export function extractTestResults(output: string, success: boolean): TestResults {
  const results: TestResults = { passed: 0, failed: 0, total: 0, success };
  const rspec = /(\d+) examples?, (\d+) failures?/.exec(output);
  if (rspec) {
    results.total = Number(rspec[1]);
    results.failed = Number(rspec[2]);
    results.passed = results.total - results.failed;
    return results;
  }
  const jestSummary = /Tests:\s+([^\n]*?)(\d+) total/.exec(output);
  if (jestSummary) {
    results.total = Number(jestSummary[2]);
    results.failed = Number(/(\d+) failed/.exec(jestSummary[1] ?? "")?.[1] ?? 0);
    results.passed = Number(/(\d+) passed/.exec(jestSummary[1] ?? "")?.[1] ?? 0);
    return results;
  }
  const passed = /(\d+) passed/.exec(output);
  if (passed) results.passed = Number(passed[1]);
  return results;
}
