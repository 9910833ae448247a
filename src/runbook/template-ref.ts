// The reference and error types of templates, apart from template.ts so that the filters
// (template-filters.ts), which template.ts uses, can name them without an import cycle.

export type TemplateRoot = 'vars' | 'env' | 'secrets' | 'hosts' | 'steps';

export interface TemplateRef {
  root: TemplateRoot;
  path: string[];
}

export class TemplateError extends Error {
  readonly offset: number;
  readonly hint?: string;
  /** Set by `renderDeep`: where in the config the string was, e.g. `headers.Authorization`. */
  path?: string;
  constructor(offset: number, message: string, hint?: string) {
    super(message);
    this.name = 'TemplateError';
    this.offset = offset;
    if (hint !== undefined) this.hint = hint;
  }
}
