import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/commands/registry.js';
import { settingsBlocks } from '../../src/plugin/declarations.js';

/**
 * The core (engine, runbook, plugin) knows no action by name: every action and its settings
 * block reach it through the registry. Checked on code, not comments: identifiers (split at
 * camelCase and `_`) and the text of string and template literals.
 */
const SRC = resolve(import.meta.dirname, '../../src');
const CORE = ['engine', 'runbook', 'plugin'];

/**
 * Action names that are also the core's own words, so they cannot be told apart from a use of
 * the action: `run` (to run a drill or a step), `wait` (waiting for a child, a gate), `confirm`
 * (the gate every step may carry: `confirm:` is a key of the step, owned by the core; the
 * confirm action is only its bare form).
 */
const CORE_WORDS = new Set(['run', 'wait', 'confirm']);

/**
 * Justified exceptions, each a file and the word found in it:
 * - `http` in the JSON Schema draft URI the published schema names.
 * - Markdown's shell fences: a ```sh block is a `run:` step (run is a core word, above). The
 *   fence languages are a list of shells; `ssh` appears only to refuse ```ssh blocks with a hint.
 */
const ALLOWED: ReadonlyArray<{ file: string; word: string }> = [
  { file: 'runbook/runbook-schema.ts', word: 'http' },
  { file: 'runbook/markdown/shell-block.ts', word: 'ssh' },
  // A URL base for the URL-encoded form of a secret (secret-forms masks %-encoded values).
  { file: 'engine/secret-forms.ts', word: 'http' },
  // hosts: is the core's own block (templates name hosts.NAME.host, ssh_config is resolved for
  // plan); its hover text says what people use it for.
  { file: 'runbook/schema.ts', word: 'ssh' },
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Lower-case words of the code of a file: identifiers split at camelCase and `_`, literal texts split at non-letters. */
function codeWords(file: string): Set<string> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const words = new Set<string>();
  const add = (text: string) => {
    for (const w of text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/))
      if (w) words.add(w.toLowerCase());
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) add(node.text);
    else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) add(node.text);
    // Module specifiers name files, and the import test governs those.
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    ts.forEachChild(node, visit);
  };
  visit(source);
  return words;
}

/** The names the registered actions and their settings blocks go by, and their first word (`cloudwatch` of `cloudwatch_alarm`). */
function pluginNames(): Set<string> {
  const actions = createRegistry();
  const names = [...actions.keys(), ...settingsBlocks(actions).map((b) => b.key)];
  return new Set(names.flatMap((n) => [n, n.split('_')[0] ?? n]).filter((n) => !CORE_WORDS.has(n)));
}

describe('the core names no action', () => {
  const names = pluginNames();

  it('knows what to look for', () => {
    for (const n of ['aws', 'ssh', 'cloudwatch', 'route53', 'http']) expect(names).toContain(n);
  });

  it('engine/, runbook/ and plugin/ use no action or settings-block name in code', () => {
    const found = CORE.flatMap((layer) =>
      files(join(SRC, layer)).flatMap((file) => {
        const rel = relative(SRC, file);
        return [...codeWords(file)]
          .filter((w) => names.has(w) && !ALLOWED.some((a) => a.file === rel && a.word === w))
          .map((w) => `${rel}: ${w}`);
      }),
    );
    expect(found).toEqual([]);
  });
});
