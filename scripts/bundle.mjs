// Bundles the compiled CLI (tsc's output in <dist>/) into <dist>/bundle/, which bin/drillbook.js
// loads. Node 20 has no compile cache for ES modules, and resolving, reading and compiling
// ~140 small modules one by one was a third of a one-step `drillbook run` (about 80 ms of
// ~300 on top of Node's own start). Commands, the TUI, reports, SSH and AWS stay in chunks
// of their own that load only when used (esbuild splits at every dynamic import).
//
// Usage: node scripts/bundle.mjs [dist-dir]   (default: dist)
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const dist = resolve(process.argv[2] ?? 'dist');

/**
 * yargs imports its help renderer (cliui, which brings string-width and its Unicode tables)
 * when it loads, though it needs it only to print help or a usage error. string-width builds
 * an Intl.Segmenter at load: ~20 ms and ~5 MB of memory in every run, and memory is not free
 * here: each step's fork copies the parent's page tables, so a bigger drillbook spawns slower.
 * In the bundle, yargs' imports of the two get stand-ins that load the real packages (still
 * bundled) on first call; esbuild evaluates a module reached by require() only then.
 */
const lazyHelpRenderer = {
  name: 'lazy-help-renderer',
  setup(b) {
    // The stand-in resolves the package from yargs' own directory, as yargs' import would.
    b.onResolve({ filter: /^(cliui|string-width)$/ }, (args) =>
      args.importer.includes('/node_modules/yargs/') && args.pluginData !== 'real'
        ? { path: args.path, namespace: 'lazy-help-renderer', pluginData: args.resolveDir }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-help-renderer' }, async (args) => {
      const real = await b.resolve(args.path, {
        kind: 'require-call',
        resolveDir: args.pluginData,
        pluginData: 'real',
      });
      return {
        contents: `export default function lazy(...args) { return require(${JSON.stringify(real.path)}).default(...args); }`,
        resolveDir: args.pluginData,
        loader: 'js',
      };
    });
  },
};
const outdir = join(dist, 'bundle');
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: {
    cli: join(dist, 'cli.js'),
    // The sandbox daemon is started as a script of its own (src/sandbox/detach.ts looks for
    // it beside the module that starts it).
    daemon: join(dist, 'sandbox', 'daemon.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // Loaded only by the steps that use them, and big or native-aware: left as packages.
  // ajv stays too, because the cached standalone validator require()s its runtime.
  external: [
    '@aws-sdk/*',
    'ssh2',
    'cpu-features',
    'ink',
    'react',
    'react/*',
    'react-devtools-core',
    'yoga-layout',
    'ajv',
    'ajv/*',
  ],
  // Bundled CommonJS packages call require(); ES module output has none of its own.
  banner: {
    js: "import { createRequire as __drillbookCreateRequire } from 'node:module'; const require = __drillbookCreateRequire(import.meta.url);",
  },
  plugins: [lazyHelpRenderer],
  logLevel: 'warning',
});
