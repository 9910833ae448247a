/**
 * The values of the templates in one piece of shell text, kept apart from the text itself.
 * Rendering shell text for execution puts a reference (`"${DRILLBOOK_V1}"`) where a template
 * stood and records the value here under that name; the action then hands the values to the
 * shell as data: in the child's environment (local `run`) or on the remote shell's stdin
 * (`ssh`). No value is ever part of the text a shell parses, so a value cannot run as code,
 * whatever it contains and whether or not the context lexer understood the text around it.
 */
export class ShellValues {
  /** Name -> value. Null prototype: a name can never collide with Object.prototype. */
  readonly env: Record<string, string> = Object.create(null) as Record<string, string>;
  private count = 0;

  /** Records `value` and returns the variable name that refers to it. */
  add(value: string): string {
    const name = `${SHELL_VALUE_PREFIX}${++this.count}`;
    this.env[name] = value;
    return name;
  }

  get size(): number {
    return this.count;
  }
}

/** Names of value variables: `DRILLBOOK_V1`, `DRILLBOOK_V2`, ... (one per template). */
export const SHELL_VALUE_PREFIX = 'DRILLBOOK_V';
