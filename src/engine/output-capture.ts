/** Keeps the first `limit` characters of stdout for `save:` and `{{ steps.ID.output }}`. */
export class OutputCapture {
  private parts: string[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly limit = 1024 * 1024) {}

  add(text: string): void {
    if (this.size >= this.limit) {
      this.truncated ||= text.length > 0;
      return;
    }
    const room = this.limit - this.size;
    const kept = text.length > room ? text.slice(0, room) : text;
    this.truncated ||= kept.length < text.length;
    this.parts.push(kept);
    this.size += kept.length;
  }

  value(): string {
    return this.parts.join('').trim();
  }
}
