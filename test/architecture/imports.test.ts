import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering as a test. Every import counts, type-only ones too: a type import does not
 * run at load time, but it still ties the two files' meanings together (a change to one
 * recompiles and may break the other), and a layer that may not import a module's values
 * should not need its types either. `import type` cycles are how value cycles start.
 */

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative module specifiers of a file: static imports, re-exports and `import()` with a literal. */
function specifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
      found.push((node.moduleSpecifier as ts.StringLiteral).text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      found.push(node.arguments[0].text);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      found.push((node.argument.literal as ts.StringLiteral).text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith('.'));
}

/** The import graph of src/: file (relative to src) to the src files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const targets = specifiersOf(file).map((s) => {
      const abs = resolve(dirname(file), s).replace(/\.js$/, '');
      const candidates = [`${abs}.ts`, `${abs}.tsx`, join(abs, 'index.ts')];
      const hit = candidates.find((c) => graph.has(relative(SRC, c)) || sourceFiles(dirname(c)).includes(c));
      return relative(SRC, hit ?? `${abs}.ts`);
    });
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** Every cycle, each as the files along it (Tarjan's strongly connected components of size > 1). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return components;
}

const layer = (file: string): string => file.split('/')[0] ?? '';

/** Plug-ins and the consumers of engine events: the core (engine, runbook) never imports them. */
const OUTSIDE_THE_CORE = ['actions', 'aws', 'ssh', 'ui', 'report'];
const CORE = ['engine', 'runbook'];

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('has no cycles (value or type imports)', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('engine/ and runbook/ never import actions/, aws/, ssh/, ui/ or report/', () => {
    const wrong = [...graph].flatMap(([file, targets]) =>
      CORE.includes(layer(file))
        ? targets.filter((t) => OUTSIDE_THE_CORE.includes(layer(t))).map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });

  it('library code in aws/ and ssh/ imports nothing from actions/', () => {
    const wrong = [...graph].flatMap(([file, targets]) =>
      ['aws', 'ssh'].includes(layer(file))
        ? targets.filter((t) => layer(t) === 'actions').map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });

  it('plugin/ imports only runbook/model and its own files', () => {
    const wrong = [...graph].flatMap(([file, targets]) =>
      layer(file) === 'plugin'
        ? targets
            .filter((t) => layer(t) !== 'plugin' && t !== 'runbook/model.ts')
            .map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });

  it('finds the cycles and wrong-way imports it is meant to find', () => {
    const planted = new Map(graph);
    planted.set('plugin/contract.ts', [...(graph.get('plugin/contract.ts') ?? []), 'engine/runner.ts']);
    planted.set('engine/runner.ts', [...(graph.get('engine/runner.ts') ?? []), 'plugin/contract.ts']);
    expect(
      cycles(planted).some((c) => c.includes('plugin/contract.ts') && c.includes('engine/runner.ts')),
    ).toBe(true);
    expect(graph.get('engine/runner.ts')?.length ?? 0).toBeGreaterThan(3);
    // The graph resolves real imports: the CLI reaches the engine and an action.
    expect(graph.get('commands/registry.ts')).toContain('actions/run.ts');
  });
});
