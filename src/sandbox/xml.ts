/** A tiny XML writer: enough for Route 53's flat response documents. */
export type XmlValue = string | number | boolean | XmlElement | (string | XmlElement)[] | undefined;
export interface XmlElement {
  [tag: string]: XmlValue;
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** `{ A: 'x', B: [{ C: 1 }, { C: 2 }] }` -> `<A>x</A><B><C>1</C></B><B><C>2</C></B>`; undefined is skipped. */
export function toXml(element: XmlElement): string {
  return Object.entries(element)
    .map(([tag, value]) => {
      if (value === undefined) return '';
      if (Array.isArray(value)) {
        return value
          .map((v) => `<${tag}>${typeof v === 'string' ? escapeXml(v) : toXml(v)}</${tag}>`)
          .join('');
      }
      if (typeof value === 'object') return `<${tag}>${toXml(value)}</${tag}>`;
      return `<${tag}>${escapeXml(String(value))}</${tag}>`;
    })
    .join('');
}

export function xmlDocument(root: string, namespace: string, body: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${toXml(body)}</${root}>`;
}
