import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/xmllint.ts). */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Jenkins' JUnit schema (xunit-plugin's junit-10.xsd, MIT), kept in the repository. */
export const JUNIT_XSD = resolve(REPO_ROOT, 'test', 'fixtures', 'junit', 'jenkins-junit.xsd');

/** CI sets DRILLBOOK_REQUIRE_XMLLINT=1 so a missing xmllint fails instead of skipping. */
const requireXmllint = process.env['DRILLBOOK_REQUIRE_XMLLINT'] === '1';
let warnedMissing = false;

/**
 * Throws unless `xmlOrPath` (XML text, or a path to a file) is valid against the Jenkins JUnit
 * schema, with xmllint's own message. A missing xmllint is a failure too, never a silent pass:
 * CI installs it (apt package libxml2-utils).
 */
export function assertValidJunit(xmlOrPath: string): void {
  if (!existsSync(JUNIT_XSD)) {
    throw new Error(`JUnit schema not found at ${JUNIT_XSD}`);
  }
  const isXml = xmlOrPath.trimStart().startsWith('<');
  const dir = isXml ? mkdtempSync(join(tmpdir(), 'drillbook-junit-')) : undefined;
  const file = dir ? join(dir, 'junit.xml') : xmlOrPath;
  try {
    if (dir) writeFileSync(file, xmlOrPath, 'utf8');
    const result = spawnSync('xmllint', ['--noout', '--schema', JUNIT_XSD, file], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (result.error) {
      const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
      if (missing && !requireXmllint) {
        // Skip loudly: the schema check needs xmllint; everything else the test asserts still runs.
        if (!warnedMissing) {
          process.stderr.write(
            '\n!!! xmllint is not installed: JUnit schema validation is SKIPPED.\n' +
              '!!! Install it (apt-get install -y libxml2-utils) or set DRILLBOOK_REQUIRE_XMLLINT=1 to fail.\n',
          );
          warnedMissing = true;
        }
        return;
      }
      const required =
        process.env['DRILLBOOK_REQUIRE_XMLLINT'] === '1' ? ' (DRILLBOOK_REQUIRE_XMLLINT=1)' : '';
      throw new Error(
        missing
          ? `xmllint is not installed${required}: run \`apt-get install -y libxml2-utils\` (CI installs it)`
          : `xmllint could not run: ${result.error.message}`,
      );
    }
    if (result.status !== 0) {
      const message = `${result.stderr}${result.stdout}`.trim().slice(0, 4000);
      throw new Error(`JUnit XML is not valid against ${JUNIT_XSD}:\n${message}`);
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
