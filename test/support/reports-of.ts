import { parse, type TestCase } from 'junit2json';
import type { EngineEvent } from '../../src/engine/events.js';
import { createConsoleReporter } from '../../src/report/console.js';
import { type JsonReportV1, toJsonReport } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { RunReportBuilder } from '../../src/report/run-report.js';
import { assertValidJunit } from './xmllint.js';

/** A JUnit testcase as Jenkins reads it. */
export interface ReadCase {
  name: string;
  failure?: { type: string; message: string };
  skipped?: string;
}

/** Every report drillbook writes for a run, rendered from its events as the CLI does. */
export interface Reports {
  /** The headless console, without colour. */
  console: string;
  junit: string;
  /** The JUnit file validated against Jenkins' schema, then read by junit2json. */
  cases: ReadCase[];
  json: JsonReportV1;
}

export async function reportsOf(events: EngineEvent[]): Promise<Reports> {
  let console = '';
  const reporter = createConsoleReporter({ out: { write: (t: string) => (console += t) }, color: false });
  const builder = new RunReportBuilder();
  for (const e of events) {
    reporter(e);
    builder.add(e);
  }
  const report = builder.build();
  const junit = renderJunit(report);
  assertValidJunit(junit);
  const root = (await parse(junit)) as { testsuite?: { testcase?: TestCase[] }[] };
  const cases = (root.testsuite ?? [])
    .flatMap((s) => s.testcase ?? [])
    .map((c): ReadCase => {
      const failure = c.failure?.[0];
      const skipped = c.skipped?.[0];
      return {
        name: c.name ?? '',
        ...(failure ? { failure: { type: failure.type ?? '', message: failure.message ?? '' } } : {}),
        ...(skipped ? { skipped: skipped.message ?? '' } : {}),
      };
    });
  return { console, junit, cases, json: toJsonReport(report) };
}

export function caseCalled(reports: Reports, name: string): ReadCase {
  const found = reports.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no testcase "${name}" in: ${reports.cases.map((c) => c.name).join(', ')}`);
  return found;
}
