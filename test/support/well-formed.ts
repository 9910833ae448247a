import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let warned = false;

/**
 * Throws unless `text` is well-formed XML (xmllint --noout): the HTML report is written as
 * XHTML-compatible markup, so an unescaped `<` or `&` from a step name shows up here. A
 * missing xmllint skips loudly, or fails with DRILLBOOK_REQUIRE_XMLLINT=1 (as CI sets).
 */
export function assertWellFormed(text: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-xml-'));
  try {
    writeFileSync(join(dir, 'page.xml'), text);
    const r = spawnSync('xmllint', ['--noout', '--nonet', join(dir, 'page.xml')], { encoding: 'utf8' });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (process.env['DRILLBOOK_REQUIRE_XMLLINT'] === '1') throw new Error('xmllint is not installed');
      if (!warned)
        process.stderr.write('\n!!! xmllint is not installed: HTML well-formedness is NOT checked.\n');
      warned = true;
      return;
    }
    if (r.status !== 0) throw new Error(`not well-formed:\n${r.stderr.slice(0, 3000)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every place a page could reach the network: none may appear in a self-contained report. */
export const EXTERNAL =
  /https?:|\/\/|url\(|<script|<link|<img|<iframe|<object|<embed|\bsrc=|\bhref=|@import/i;

/**
 * The markup of a page: its tags with their attribute names, without the text between them or
 * the (escaped) attribute values, where hostile words are only words.
 */
export function tagsOf(page: string): string {
  return (page.match(/<[^>]*>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""')).join('\n');
}
