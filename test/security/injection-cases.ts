// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell text, not JS templates
/**
 * The injection matrix's two axes: shell contexts a template can stand in, and hostile
 * values. A context is a snippet of shell text with `{{V}}` where the template goes and
 * `@OUT@` where it writes what the shell received; `expect` says what that file must hold
 * (undefined: the context cannot carry this value whole, only nothing-ran is checked).
 */

export interface ShellContextCase {
  name: string;
  snippet: string;
  expect(value: string): string | undefined;
}

const same = (v: string) => v;
/** `$( ... )` drops trailing newlines of what the command printed. */
const substituted = (v: string) => v.replace(/\n+$/, '');

export const CONTEXTS: ShellContextCase[] = [
  { name: 'plain word', snippet: "printf '%s' {{V}} > @OUT@", expect: same },
  { name: 'double quotes', snippet: 'printf \'%s\' "{{V}}" > @OUT@', expect: same },
  { name: 'single quotes', snippet: "printf '%s' '{{V}}' > @OUT@", expect: same },
  { name: 'glued to text', snippet: "printf '%s' pre{{V}}post > @OUT@", expect: (v) => `pre${v}post` },
  { name: 'glued inside "…"', snippet: 'printf \'%s\' "a{{V}}b" > @OUT@', expect: (v) => `a${v}b` },
  { name: "glued inside '…'", snippet: "printf '%s' 'a{{V}}b' > @OUT@", expect: (v) => `a${v}b` },
  { name: 'comment', snippet: ': > @OUT@ # note: {{V}}', expect: () => '' },
  { name: 'unquoted here-doc', snippet: 'cat > @OUT@ <<EOF\n{{V}}\nEOF', expect: (v) => `${v}\n` },
  {
    name: 'two holes in one here-doc',
    snippet: 'cat > @OUT@ <<EOF\n{{V}}\n[{{V}}]\nEOF',
    expect: (v) => `${v}\n[${v}]\n`,
  },
  { name: 'here-doc <<-', snippet: 'cat > @OUT@ <<-EOF\n\t{{V}}\n\tEOF', expect: (v) => `${v}\n` },
  {
    name: '$( ) inside "…"',
    snippet: "printf '%s' \"$(printf '%s' {{V}})\" > @OUT@",
    expect: substituted,
  },
  {
    name: 'case inside "$( )"',
    snippet: "printf '%s' \"$(case a in a) printf '%s' {{V}};; esac)\" > @OUT@",
    expect: substituted,
  },
  {
    name: 'case word and pattern',
    snippet: "case {{V}} in {{V}}) printf '%s' matched > @OUT@;; *) printf '%s' other > @OUT@;; esac",
    expect: () => 'matched',
  },
  { name: 'for list', snippet: 'for x in {{V}}; do printf \'%s\' "$x"; done > @OUT@', expect: same },
  { name: 'assignment', snippet: 'x={{V}}; printf \'%s\' "$x" > @OUT@', expect: same },
  { name: 'export', snippet: 'export X={{V}}; printf \'%s\' "$X" > @OUT@', expect: same },
  {
    name: '[ ] test',
    snippet: "if [ {{V}} = {{V}} ]; then printf '%s' ok > @OUT@; else printf '%s' no > @OUT@; fi",
    expect: () => 'ok',
  },
  {
    name: 'redirection target',
    snippet: "mkdir -p @OUT@.d && printf '%s' x > @OUT@.d/f{{V}} 2>/dev/null; ls -A @OUT@.d > @OUT@",
    // A name with `/` points into a directory that does not exist: the write fails, harmlessly.
    expect: (v) => (v.includes('/') || v.includes('\n') ? undefined : `f${v}\n`),
  },
  { name: 'subshell', snippet: "( printf '%s' {{V}} ) > @OUT@", expect: same },
  { name: 'brace group', snippet: "{ printf '%s' {{V}}; } > @OUT@", expect: same },
  { name: 'pipeline', snippet: "printf '%s' {{V}} | cat > @OUT@", expect: same },
  { name: 'and-list', snippet: "true && printf '%s' {{V}} > @OUT@", expect: same },
  { name: 'function argument', snippet: 'f() { printf \'%s\' "$1"; }; f {{V}} > @OUT@', expect: same },
  {
    name: 'command substitution in assignment',
    snippet: 'x=$(printf \'%s\' "{{V}}"); printf \'%s\' "$x" > @OUT@',
    expect: substituted,
  },
];

/** Contexts where no value can go safely: validation refuses them, naming the position. */
export const REFUSED_CONTEXTS: Array<{ name: string; snippet: string; why: RegExp }> = [
  { name: 'backticks', snippet: 'echo `echo {{V}}`', why: /backticks/ },
  { name: 'parameter expansion', snippet: 'echo "${X:-{{V}}}"', why: /\$\{ \.\.\. \}/ },
  { name: 'arithmetic $(( ))', snippet: 'echo $(( 1 + {{V}} ))', why: /arithmetic/ },
  { name: 'arithmetic (( ))', snippet: '(( x = {{V}} ))', why: /arithmetic/ },
  { name: '$[ ]', snippet: 'echo $[ 1 + {{V}} ]', why: /\$\[/ },
  { name: '[[ ]]', snippet: '[[ {{V}} -eq 1 ]] && echo one', why: /\[\[ \.\.\. \]\]/ },
  { name: 'quoted here-doc', snippet: "cat <<'EOF'\n{{V}}\nEOF", why: /quoted delimiter/ },
  { name: 'here-doc delimiter', snippet: 'cat <<{{V}}\nx\n', why: /here-document delimiter/ },
  { name: 'after a backslash', snippet: 'echo \\{{V}}', why: /after a backslash/ },
  { name: 'after a bare $', snippet: 'echo ${{V}}', why: /after a \$/ },
];

/** Hostile values; `@CANARY@` is a file that exists only if a value ran as a command. */
export const VALUES: string[] = [
  '$(touch @CANARY@)',
  '`touch @CANARY@`',
  '; touch @CANARY@',
  '&& touch @CANARY@',
  '| touch @CANARY@',
  "'; touch @CANARY@; echo '",
  '"; touch @CANARY@; echo "',
  '\\"; touch @CANARY@; echo \\"',
  'x\ntouch @CANARY@',
  'x\r\ntouch @CANARY@\r\n',
  'trailing backslash\\',
  '*',
  '/* ?[a-z]*',
  '-n',
  '-e touch @CANARY@',
  'EOF',
  'EOF\ntouch @CANARY@\nEOF',
  '\tEOF\ntouch @CANARY@\n\tEOF',
  '}}{{ env.HOME }}',
  '{{ secrets.DB_TOKEN }}',
  '${IFS}touch${IFS}@CANARY@',
  '$HOME',
  ')"; touch @CANARY@; #',
  ';; esac; touch @CANARY@; case x in x)',
  'done; touch @CANARY@; for x in y; do :',
  '# touch @CANARY@',
  '',
  ' spaces  around ',
  'ünïcødé ✓ 🚀',
  '!',
];
