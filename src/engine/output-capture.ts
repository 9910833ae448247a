import { HeadText } from './bounded-text.js';

/** Keeps the first `limit` characters of stdout for `save:` and `{{ steps.ID.output }}`. */
export class OutputCapture {
  private readonly head: HeadText;
  truncated = false;

  constructor(limit = 1024 * 1024) {
    this.head = new HeadText(limit);
  }

  add(text: string): void {
    if (this.head.add(text) !== '') this.truncated = true;
  }

  value(): string {
    return this.head.text().trim();
  }
}
