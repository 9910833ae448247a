import { writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { EXIT } from '../exit-codes.js';
import type { CommandIo } from '../io.js';
import { STARTER_MD } from './starter-md.js';
import { STARTER_YAML } from './starter-yaml.js';

export interface InitArgs {
  name: string;
  format: 'md' | 'yaml';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * `drillbook init [--md|--yaml] NAME`: writes a commented starter runbook, NAME.md or
 * NAME.yaml (NAME may already end in .md/.yaml/.yml, or be a path). Never overwrites: the
 * file is created exclusively, so not even a file appearing meanwhile is replaced.
 */
export function initCommand(args: InitArgs, io: CommandIo): number {
  const ext = extname(args.name).toLowerCase();
  const known = ext === '.md' || ext === '.yaml' || ext === '.yml';
  const format = known ? (ext === '.md' ? 'md' : 'yaml') : args.format;
  const file = known ? args.name : `${args.name}.${format}`;
  const name = basename(file, extname(file));
  if (!NAME.test(name)) {
    io.stderr.write(
      `drillbook init: '${name}' cannot name a runbook (expected letters, digits, '.', '_' or '-', starting with a letter or digit)\n`,
    );
    return EXIT.usage;
  }
  const text = (format === 'md' ? STARTER_MD : STARTER_YAML)
    .replaceAll('{name}', name)
    .replaceAll('{file}', file);
  try {
    writeFileSync(resolve(io.cwd, file), text, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' ? 'it already exists; drillbook init never overwrites a file' : String(code ?? error);
    io.stderr.write(`drillbook init: not written: ${file}: ${why}\n`);
    return EXIT.usage;
  }
  io.stdout.write(
    `wrote ${file}\nnext: drillbook validate ${file} && drillbook run ${file} --dry-run\n` +
      '(it drills the local sandbox: start it with drillbook sandbox --detach)\n',
  );
  return EXIT.passed;
}
