// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Groovy (Jenkinsfile) text, not JS templates
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultBudget } from '../../src/engine/deadline.js';
import { toDuration } from '../../src/runbook/duration.js';
import { loadRunbook } from '../../src/runbook/load.js';
import type { Step } from '../../src/runbook/model.js';
import { REPO_ROOT } from '../support/cli.js';
import { actions } from '../support/registry.js';

/**
 * runbooks/Jenkinsfile without a Jenkins: its Groovy must at least lex (every bracket and
 * string closed), compile with groovyc where one is installed (Debian's `groovy` is 2.4, the
 * Groovy Jenkins pipelines run on), and keep the contract the README promises.
 */
const FILE = join(REPO_ROOT, 'runbooks', 'Jenkinsfile');
const text = readFileSync(FILE, 'utf8');
const code = groovyCode(text);

describe('runbooks/Jenkinsfile', () => {
  it('closes every bracket and string', () => {
    expect(unbalanced(text)).toBeUndefined();
  });

  it('the lexer check catches what it claims to', () => {
    expect(unbalanced('pipeline { stages { }')).toMatch(/unclosed \{ at line 1/);
    expect(unbalanced("sh 'echo }\n")).toMatch(/unclosed string/);
    expect(unbalanced('a(]')).toMatch(/\] at line 1 closes \(/);
    expect(unbalanced(`sh '''\n  echo \${x} }\n'''\n// } in a comment\n`)).toBeUndefined();
  });

  const groovyc = findGroovyc();
  it.runIf(groovyc)(
    'compiles with groovyc',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'drillbook-jenkinsfile-'));
      try {
        copyFileSync(FILE, join(dir, 'Jenkinsfile.groovy'));
        const r = spawnSync(groovyc!.bin, ['-d', join(dir, 'out'), 'Jenkinsfile.groovy'], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, JAVA_HOME: groovyc!.javaHome },
          timeout: 60_000,
        });
        expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    70_000,
  );

  it('runs the drill headless with a JUnit report, and its exit code fails the stage', () => {
    expect(code).toContain(
      "sh 'drillbook run runbooks/bookstore-stage4.md --headless --deadline 105m --junit reports/drill.xml --json reports/drill.json --html reports/drill.html'",
    );
    // `sh` fails the stage on a non-zero exit unless told otherwise; nothing may tell it.
    const stages = block(code, 'stages');
    expect(stages).not.toMatch(/returnStatus|\|\|\s*true'|catchError|warnError/);
    expect(code).not.toMatch(/catchError|warnError/);
    expect(stageNames(code)).toEqual(['Deploy', 'Drill']);
  });

  it('builds drillbook from the checked-out repository, never installs it by name', () => {
    const deploy = block(code, "stage('Deploy')");
    expect(deploy).toContain("sh 'npm ci --no-audit --no-fund'");
    // The repository's own bin is the command every stage puts on PATH.
    expect(deploy).toContain('ln -sf ../bin/drillbook.js .drillbook-bin/drillbook');
    const paths = [...code.matchAll(/PATH\+DRILLBOOK=([^"]+)"/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThanOrEqual(3);
    expect(new Set(paths)).toEqual(new Set(['${env.WORKSPACE}/.drillbook-bin']));
    expect(code.indexOf("sh 'npm ci")).toBeLessThan(code.indexOf('drillbook validate'));
    // No `npm install drillbook`, `npx drillbook`, `drillbook@x`: an unpublished name would
    // run whoever claims it, with the job's credentials.
    expect(code).not.toMatch(/npm (install|i|add)\b|npx\s|drillbook@|yarn |pnpm /);
  });

  it('runs on a timer', () => {
    const cron = /triggers\s*\{\s*cron\('([^']+)'\)\s*\}/.exec(code)?.[1];
    expect(cron?.split(' ')).toHaveLength(5);
    expect(cron).toMatch(/^H /);
  });

  it("gives each build its own run directory and publishes only this build's run, archive before junit", () => {
    expect(code).toContain('DRILLBOOK_RUN_DIR = "drill-runs/${env.BUILD_NUMBER}"');
    expect(block(code, "stage('Deploy')")).toContain("sh 'rm -rf reports drill-runs'");
    // Nothing reads the default run directories, where earlier builds' runs would be.
    expect(code).not.toMatch(/\.drillbook\/runs|ls -1d|tail -n/);
    // Jenkins runs `cleanup` after every other post condition (`aborted` included, where
    // drillbook finally may rewrite the report), whatever order they are written in.
    const cleanup = block(code, 'cleanup');
    expect(cleanup).toMatch(
      /if \(!fileExists\('reports\/drill\.xml'\) && fileExists\("\$\{env\.DRILLBOOK_RUN_DIR\}\/journal\.jsonl"\)\)[\s\S]*drillbook report "\$DRILLBOOK_RUN_DIR" --junit reports\/drill\.xml/,
    );
    const archive = cleanup.indexOf('archiveArtifacts artifacts: "${env.DRILLBOOK_RUN_DIR}/**, reports/**"');
    const junit = cleanup.indexOf("junit testResults: 'reports/drill.xml', allowEmptyResults: false");
    expect(archive).toBeGreaterThan(0);
    expect(junit).toBeGreaterThan(archive);
    const post = block(code, 'post');
    expect([...post.matchAll(/^\s*(junit|archiveArtifacts) /gm)]).toHaveLength(2);
    // `always` would run before `aborted`, so it must not publish anything either.
    expect(post).not.toMatch(/\balways\s*\{/);
  });

  it("post { aborted } runs drillbook finally on this build's run, with the credentials its steps need", () => {
    const aborted = block(block(code, 'post'), 'aborted');
    expect(aborted).toContain('fileExists("${env.DRILLBOOK_RUN_DIR}/journal.jsonl")');
    expect(aborted).toContain(
      'drillbook finally "$DRILLBOOK_RUN_DIR" --wait 10m --headless --junit reports/drill.xml --json reports/drill.json --html reports/drill.html',
    );
    const credentials = block(aborted, 'withCredentials(', '[');
    expect(credentials).toContain("variable: 'GREMLIN_TEAM_SECRET'");
    expect(credentials).toContain("accessKeyVariable: 'AWS_ACCESS_KEY_ID'");
    expect(block(aborted, 'sshagent(')).toContain('drillbook finally');
    // Bounded by a timeout of its own, and a failing cleanup does not skip the publishing.
    expect(block(aborted, 'timeout(')).toContain('returnStatus: true');
    // The system property Jenkins reads for the SIGTERM-to-kill wait, and how to raise it.
    expect(text).toContain('SoftKillWaitSeconds');
    expect(text).toContain('-DSoftKillWaitSeconds=');
    expect(text).toMatch(/5 seconds by\s*\/\/\s*default/);
  });

  it('passes a deadline that a slow passing drill fits in, and a stage timeout that covers deadline plus finally budget', async () => {
    // From the issue: a slow but passing Stage 4 run takes ~72 minutes.
    const SLOW_PASSING_RUN_MS = 72 * 60_000;
    const minutesOf = (source: string) => {
      const m = /timeout\(time: (\d+), unit: '(MINUTES|HOURS)'\)/.exec(source);
      expect(m, source.slice(0, 200)).not.toBeNull();
      return Number(m![1]) * (m![2] === 'HOURS' ? 60 : 1);
    };
    const deadlineMin = Number(/--deadline (\d+)m /.exec(block(code, "stage('Drill')"))?.[1]);
    expect(deadlineMin).toBeGreaterThan(0);
    const deadlineMs = deadlineMin * 60_000;
    // The budget drillbook keeps: the runbook's finally_budget, or the default it computes.
    const runbook = await loadRunbook(actions, join(REPO_ROOT, 'runbooks', 'bookstore-stage4.md'), {
      env: {},
    });
    const budgetMs = runbook.finallyBudget?.ms ?? defaultBudget(runbook, toDuration(deadlineMs));
    // drillbook stops the drill at deadline - budget: a slow but passing run must fit before.
    expect(deadlineMs - budgetMs).toBeGreaterThanOrEqual(SLOW_PASSING_RUN_MS);
    const stageMin = minutesOf(block(block(code, "stage('Drill')"), 'options'));
    expect(stageMin * 60_000).toBeGreaterThanOrEqual(deadlineMs + budgetMs);
    // No pipeline-wide timeout: it would also cut the post block's drillbook finally short.
    expect(block(code, 'options')).not.toContain('timeout(');
  });

  it('writes the HTML report (also when rebuilt from the journal) and publishes it before junit can stop the block', () => {
    const cleanup = block(code, 'cleanup');
    expect(cleanup).toMatch(/drillbook report "\$DRILLBOOK_RUN_DIR" [^']*--html reports\/drill\.html'/);
    const publish = block(cleanup, 'publishHTML', '(');
    for (const field of [
      "reportDir: 'reports'",
      "reportFiles: 'drill.html'",
      'allowMissing: true',
      'keepAll: true',
      "reportName: 'Drill report'",
    ])
      expect(publish).toContain(field);
    const archive = cleanup.indexOf('archiveArtifacts');
    const html = cleanup.indexOf('publishHTML(');
    expect(html).toBeGreaterThan(archive);
    expect(html).toBeLessThan(cleanup.indexOf('junit testResults'));
  });

  it('binds the Gremlin secret and AWS keys for the drill stage only', () => {
    const drill = block(code, "stage('Drill')");
    const credentials = block(drill, 'withCredentials(', '[');
    expect(credentials).toContain("variable: 'GREMLIN_TEAM_SECRET'");
    expect(credentials).toContain(
      "accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY'",
    );
    expect(block(drill, 'withCredentials(')).toContain('drillbook run');
    expect(block(code, "stage('Deploy')")).not.toContain('withCredentials');
  });

  it("README's Jenkins example says what the Jenkinsfile does", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.split('## Running drills in Jenkins')[1]?.split('\n## ')[0] ?? '';
    const example = /```groovy\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const steps = groovyCode(example)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^(sh[ (]|archiveArtifacts |junit |triggers |timeout\(|DRILLBOOK_)/.test(line));
    expect(steps.length).toBeGreaterThanOrEqual(10);
    // The Jenkinsfile may add options (fingerprint: false), so compare up to the example's end.
    const squeeze = (text: string) => text.replace(/\s+/g, ' ');
    for (const step of steps) expect(squeeze(code), step).toContain(squeeze(step.replace(/\s*\{$/, '')));
  });

  it('approves exactly the gates the runbook has', async () => {
    const runbook = await loadRunbook(actions, join(REPO_ROOT, 'runbooks', 'bookstore-stage4.md'), {
      env: {},
    });
    const gates = [...runbook.steps, ...runbook.finally].flatMap(gated).sort();
    const approved = /DRILLBOOK_APPROVE = '([^']*)'/.exec(code)?.[1]?.split(',').sort();
    expect(gates.length).toBeGreaterThan(0);
    expect(approved).toEqual(gates);
  });
});

function gated(step: Step): string[] {
  const own = step.confirm ? [step.id] : [];
  return step.kind === 'parallel' ? [...own, ...step.steps.flatMap(gated)] : own;
}

/** The Jenkinsfile with comments blanked out (strings kept), so assertions see only code. */
function groovyCode(source: string): string {
  let out = '';
  lex(source, (kind, piece) => {
    out += kind === 'comment' ? piece.replace(/[^\n]/g, ' ') : piece;
  });
  return out;
}

/** The text of the `{...}` (or `[...]` with opener `[`) block that follows the first `marker`. */
function block(source: string, marker: string, opener = '{'): string {
  const at = source.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker} in the Jenkinsfile`);
  const open = source.indexOf(opener, at + marker.length);
  if (open < 0) throw new Error(`no ${opener} after ${marker} in the Jenkinsfile`);
  let depth = 0;
  let offset = open;
  let end: number | undefined;
  lex(source.slice(open), (kind, piece) => {
    for (let i = 0; kind === 'code' && end === undefined && i < piece.length; i++) {
      if ('{[('.includes(piece[i]!)) depth++;
      else if ('}])'.includes(piece[i]!) && --depth === 0) end = offset + i + 1;
    }
    offset += piece.length;
  });
  if (end === undefined) throw new Error(`the block after ${marker} is never closed`);
  return source.slice(open, end);
}

function stageNames(source: string): string[] {
  return [...source.matchAll(/stage\('([^']+)'\)/g)].map((m) => m[1]!);
}

/** Why the brackets or strings do not balance, or undefined when they do. */
function unbalanced(source: string): string | undefined {
  const stack: { char: string; line: number }[] = [];
  const pairs: Record<string, string> = { '}': '{', ']': '[', ')': '(' };
  let line = 1;
  let problem: string | undefined;
  lex(source, (kind, piece) => {
    if (problem) return;
    if (kind === 'unclosed') problem = `unclosed string starting at line ${line}`;
    if (kind === 'code') {
      for (const c of piece) {
        if (c === '\n') line++;
        else if ('{[('.includes(c)) stack.push({ char: c, line });
        else if (c in pairs) {
          const top = stack.pop();
          if (top?.char !== pairs[c]) {
            problem = `${c} at line ${line} closes ${top ? `${top.char} from line ${top.line}` : 'nothing'}`;
            return;
          }
        }
      }
    } else line += piece.split('\n').length - 1;
  });
  const open = stack.pop();
  return problem ?? (open ? `unclosed ${open.char} at line ${open.line}` : undefined);
}

type Piece = 'code' | 'string' | 'comment' | 'unclosed';

/**
 * Splits Groovy source into code, strings ('', "", ''' ''', """ """, with backslash escapes)
 * and comments. GString `${...}` stays inside its string: good enough for a Jenkinsfile,
 * which keeps expressions in GStrings simple.
 */
function lex(source: string, emit: (kind: Piece, piece: string) => void): void {
  let i = 0;
  let code = '';
  const flush = () => {
    if (code) emit('code', code);
    code = '';
  };
  while (i < source.length) {
    const rest = source.slice(i, i + 3);
    if (rest.startsWith('//') || rest.startsWith('/*')) {
      flush();
      const close = rest.startsWith('//') ? source.indexOf('\n', i) : source.indexOf('*/', i + 2) + 2;
      const end = close <= 1 ? source.length : close;
      emit('comment', source.slice(i, end));
      i = end;
      continue;
    }
    const quote = rest === "'''" || rest === '"""' ? rest : rest[0] === "'" || rest[0] === '"' ? rest[0] : '';
    if (!quote) {
      code += source[i++];
      continue;
    }
    flush();
    let j = i + quote.length;
    while (j < source.length && !source.startsWith(quote, j)) {
      if (quote.length === 1 && source[j] === '\n') break;
      j += source[j] === '\\' ? 2 : 1;
    }
    if (!source.startsWith(quote, j)) {
      emit('unclosed', source.slice(i));
      return;
    }
    emit('string', source.slice(i, j + quote.length));
    i = j + quote.length;
  }
  flush();
}

/** groovyc and a JAVA_HOME it accepts, when both are installed. */
function findGroovyc(): { bin: string; javaHome: string } | undefined {
  const which = (name: string) =>
    spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  const bin = which('groovyc');
  const java = which('java');
  if (!bin || !java) {
    console.warn(
      'groovyc or java not found: the Jenkinsfile is only lexed, not compiled (apt-get install groovy)',
    );
    return undefined;
  }
  const javaHome = process.env['JAVA_HOME'] ?? dirname(dirname(realpathSync(java)));
  return existsSync(join(javaHome, 'bin', 'java')) ? { bin, javaHome } : undefined;
}
