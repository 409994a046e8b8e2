#!/usr/bin/env node
// node scripts/ci-count.mjs LABEL REPORT STATUS FAILURES
// Reads one run's vitest JSON report and the command's exit status, prints
// "passed failed skipped" for .ci/run, and appends one line per failed test
// (its label, file, name and the first line of its error) to FAILURES, so
// that .ci/run can list them next to its summary: only the end of a CI log
// is sure to be read. Tests that never finished (their test process
// crashed) count as failed; a run that failed with no failed test (no
// report because the build failed, errors outside the tests, or for
// test:asan a sanitizer report) counts as 1 failed.
import { appendFileSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [label, file, statusText, failures] = process.argv.slice(2);
const status = Number(statusText);
const failedLines = [];
const record = (line) => failedLines.push(`${label}: ${line}`);
const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim()
    .slice(0, 300) ?? '';

function judge() {
  let r;
  try {
    r = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    const why = `no test report at ${file}: the build or the test run failed before any test ran (exit ${status}): counted as 1 failed`;
    console.error(`ci: ${label}: ${why}`);
    record(why);
    return [0, 1, 0];
  }
  const passed = r.numPassedTests;
  const skipped = r.numPendingTests + r.numTodoTests;
  const unfinished = Math.max(0, r.numTotalTests - passed - r.numFailedTests - skipped);
  if (unfinished > 0) {
    const why = `${unfinished} tests never finished (a test process crashed?): counted as failed`;
    console.error(`ci: ${label}: ${why}`);
    record(why);
  }
  for (const suite of r.testResults ?? []) {
    const where = relative(process.cwd(), suite.name);
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests)
      record(`${where} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    if (failedTests.length === 0 && suite.status === 'failed')
      record(`${where}: ${firstLine(suite.message)}`);
  }
  let failed = r.numFailedTests + unfinished;
  if (failed === 0 && r.numTotalTests === 0) {
    const why = 'the report holds no test: counted as 1 failed';
    console.error(`ci: ${label}: ${why}`);
    record(why);
    failed = 1;
  } else if (failed === 0 && (status !== 0 || r.success === false)) {
    const why =
      `exited ${status} with no failed test: ` +
      (label === 'pnpm test:asan'
        ? 'a sanitizer report (an AddressSanitizer error or a leak allocated by the addon, see its summary above) or an error outside the tests'
        : 'errors outside the tests (see above)') +
      ': counted as 1 failed';
    console.error(`ci: ${label} ${why}`);
    record(why);
    failed = 1;
  }
  return [passed, failed, skipped];
}

const counts = judge();
if (failures && failedLines.length > 0) appendFileSync(failures, `${failedLines.join('\n')}\n`);
console.log(counts.join(' '));
