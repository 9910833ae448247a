import { escapeAttr, escapeText, firstLine } from './xml-text.js';

export interface Refusal {
  /** The runbook's name, or its file name when it could not be read. */
  suite: string;
  /** What drillbook printed on stderr: file:line:column and what was expected. */
  reason: string;
  exitCode: number;
  /** Epoch ms. */
  time: number;
}

/**
 * JUnit for a drill that never started (exit 2: invalid runbook, missing secret, bad usage).
 * Without it Jenkins' `junit` step would publish whatever the workspace held from an earlier
 * build (a stale, passing report) or nothing at all; one failing testcase says why instead.
 * Valid against the same schema as a drill's report.
 */
export function renderRefusalJunit(refusal: Refusal): string {
  const suite = escapeAttr(refusal.suite);
  const reason = refusal.reason.trim() === '' ? `drillbook exited ${refusal.exitCode}` : refusal.reason;
  const message = escapeAttr(firstLine(reason));
  const stamp = new Date(refusal.time).toISOString().slice(0, 19);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${suite}" tests="1" failures="1" errors="0" time="0.000">`,
    `  <testsuite name="${suite}" tests="1" failures="1" errors="0" skipped="0" time="0.000" timestamp="${stamp}">`,
    '    <properties>',
    '      <property name="drillbook.status" value="not-started"/>',
    `      <property name="drillbook.exitCode" value="${refusal.exitCode}"/>`,
    '    </properties>',
    `    <testcase classname="${suite}.drill" name="drill not started" time="0.000">`,
    `      <failure message="${message}" type="not-started">${escapeText(`nothing was run: drillbook exited ${refusal.exitCode}\n${reason}`)}</failure>`,
    '    </testcase>',
    `    <system-err>${escapeText(reason)}</system-err>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
