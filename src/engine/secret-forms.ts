/**
 * Every form in which drillbook itself may render a secret value: raw, shell-quoted,
 * JSON-, XML- and URL-encoded. The redactor masks each of them, so a secret that reaches a
 * report through a shell command line, a JSON body, a URL or an XML attribute is masked as
 * surely as the raw value. Forms a program chooses on its own (base64, hex, split across
 * two streams) are not guessed at: there are too many to list.
 */
export function renderedForms(value: string): string[] {
  const forms = new Set<string>([value]);
  for (const form of [...shellForms(value), ...jsonForms(value), ...xmlForms(value), ...urlForms(value)])
    forms.add(form);
  return [...forms];
}

/** Inside '…' (`it'\''s`, also `it'"'"'s`), inside "…", in `$'…'`, backslash-escaped, in a comment. */
function shellForms(value: string): string[] {
  return [
    value.replace(/'/g, `'\\''`),
    value.replace(/'/g, `'"'"'`),
    value.replace(/[\\$`"]/g, '\\$&'),
    ansiCQuoted(value),
    value.replace(/[^A-Za-z0-9_\-.,:/@%+=]/g, '\\$&'),
    value.replace(/[\r\n]/g, ' '),
  ];
}

const C_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\', "'": "\\'" };

/** The body of bash's `$'…'`, as `printf %q` writes it. */
function ansiCQuoted(value: string): string {
  return value.replace(
    /[\x00-\x1f\x7f\\']/g,
    (c) => C_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** JSON.stringify's body, and the all-ASCII `\uXXXX` forms other JSON writers use. */
function jsonForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const ascii = (hex: (code: number) => string) =>
    json.replace(/[^\x00-\x7f]/g, (c) => `\\u${hex(c.charCodeAt(0)).padStart(4, '0')}`);
  return [
    json,
    json.replace(/\//g, '\\/'),
    ascii((c) => c.toString(16)),
    ascii((c) => c.toString(16).toUpperCase()),
  ];
}

const XML_NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const decimalRef = (c: string) => `&#${c.codePointAt(0)};`;
const hexRef = (c: string) => `&#x${c.codePointAt(0)!.toString(16)};`;

/**
 * Named entities (`&apos;` or `&#39;` for quotes, or only `&<>` as in element text), all
 * numeric references (decimal, hex), each with non-ASCII kept or written as references.
 */
function xmlForms(value: string): string[] {
  const styles = [
    value.replace(/[&<>"']/g, (c) => XML_NAMED[c]!),
    value.replace(/[&<>"']/g, (c) => (c === '"' || c === "'" ? decimalRef(c) : XML_NAMED[c]!)),
    value.replace(/[&<>"']/g, (c) => (c === '"' || c === "'" ? hexRef(c) : XML_NAMED[c]!)),
    value.replace(/[&<>]/g, (c) => XML_NAMED[c]!),
    value.replace(/[&<>"']/g, decimalRef),
    value.replace(/[&<>"']/g, hexRef),
  ];
  return styles.flatMap((s) => [
    s,
    s.replace(/[^\x00-\x7f]/gu, decimalRef),
    s.replace(/[^\x00-\x7f]/gu, hexRef),
  ]);
}

/** encodeURIComponent, encodeURI, form encoding (`+`), the URL parser's own sets, lower-case hex. */
function urlForms(value: string): string[] {
  const forms: string[] = [];
  const add = (encode: () => string) => {
    try {
      const form = encode();
      forms.push(
        form,
        form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
      );
    } catch {
      // A lone surrogate cannot be percent-encoded: that form cannot occur.
    }
  };
  add(() => encodeURIComponent(value));
  add(() => encodeURI(value));
  add(() => new URLSearchParams({ v: value }).toString().slice(2));
  add(() => {
    const url = new URL('http://h/');
    url.pathname = `/${value}`;
    return url.pathname.slice(1);
  });
  add(() => {
    const url = new URL('http://h/');
    url.search = `?${value}`;
    return url.search.slice(1);
  });
  add(() => {
    const url = new URL('http://h/');
    url.username = value;
    return url.username;
  });
  return forms;
}
