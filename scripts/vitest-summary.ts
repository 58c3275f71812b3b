// Sums vitest JSON reports into the plain "N passed, N failed" line CI reads.
// A missing or unreadable report counts as a failure: a run that produced nothing passed nothing.
import { readFileSync } from 'node:fs';

interface VitestJsonReport {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numFailedTestSuites: number;
}

function isReport(value: unknown): value is VitestJsonReport {
  if (typeof value !== 'object' || value === null) return false;
  const report = value as Record<string, unknown>;
  return ['numPassedTests', 'numFailedTests', 'numFailedTestSuites'].every(
    (key) => typeof report[key] === 'number',
  );
}

// `--failed-runs N`: vitest runs that exited non-zero. vitest can fail a run outside any test (an
// unhandled error, a type error in a test file) while its JSON still says success; count those.
const args = process.argv.slice(2);
const flagAt = args.indexOf('--failed-runs');
const failedRuns = flagAt === -1 ? 0 : Number(args.splice(flagAt, 2)[1] ?? 0);

let passed = 0;
let failed = 0;
for (const file of args) {
  try {
    const report: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isReport(report)) throw new Error('not a vitest JSON report');
    passed += report.numPassedTests;
    // A file that failed to load has no failed tests of its own; count it so it cannot hide.
    failed += report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  } catch (error) {
    process.stderr.write(`no usable vitest report at ${file}: ${(error as Error).message}\n`);
    failed += 1;
  }
}
if (failed === 0) failed += failedRuns;
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
