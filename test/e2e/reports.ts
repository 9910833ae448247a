import { readFileSync } from 'node:fs';
import { parse, type TestCase } from 'junit2json';
import { expect } from 'vitest';
import { assertValidJunit } from '../support/xmllint.js';

/** A JUnit testcase as a reader of the Jenkins page sees it. */
export interface Case {
  name: string;
  failure?: string;
  skipped?: string;
  out: string;
}

/** Validates `file` against Jenkins' schema (xmllint), then returns its testcases in order. */
export async function junitCases(file: string): Promise<Case[]> {
  assertValidJunit(file);
  const root = (await parse(readFileSync(file, 'utf8'))) as { testsuite?: { testcase?: TestCase[] }[] };
  const cases = root.testsuite?.flatMap((s) => s.testcase ?? []) ?? [];
  return cases.map((c) => {
    const failure = c.failure?.[0] ?? c.error?.[0];
    const skipped = c.skipped?.[0];
    return {
      name: c.name ?? '',
      ...(failure ? { failure: `${failure.message ?? ''} ${failure.inner ?? ''}` } : {}),
      ...(skipped ? { skipped: skipped.message ?? '' } : {}),
      out: (c['system-out'] ?? []).join('\n'),
    };
  });
}

export function caseNamed(cases: Case[], name: string): Case {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no testcase "${name}" in: ${cases.map((c) => c.name).join(', ')}`);
  return found;
}

export interface JsonStep {
  id: string;
  name: string;
  phase: string;
  status: string;
  reason: string | null;
  gates: { decision: string; by: string; note: string }[];
  [key: string]: unknown;
}

export interface JsonReport {
  status: string;
  exitCode: number;
  reason: string | null;
  complete: boolean;
  steps: JsonStep[];
  stopTripped: unknown[];
  [key: string]: unknown;
}

export function jsonReport(file: string): JsonReport {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
}

export function stepNamed(report: JsonReport, id: string, phase?: string): JsonStep {
  const found = report.steps.find((s) => s.id === id && (phase === undefined || s.phase === phase));
  if (!found)
    throw new Error(`no step ${id} in: ${report.steps.map((s) => `${s.phase}:${s.id}`).join(', ')}`);
  return found;
}

/** Every line is one complete JSON object (what `resume` and `report` rely on). */
export function journalEvents(file: string): { type: string; [key: string]: unknown }[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(lines.at(-1), 'journal ends with a newline').toBe('');
  return lines.slice(0, -1).map((line, i) => {
    try {
      return JSON.parse(line) as { type: string };
    } catch {
      throw new Error(`journal line ${i + 1} is not one JSON object: ${line.slice(0, 200)}`);
    }
  });
}
