/**
 * Suggests the candidate closest to a misspelt `word`, or undefined when nothing is close
 * enough to be a plausible typo. Used for unknown keys, vars, hosts and template roots.
 *
 * Distance is optimal-string-alignment Damerau-Levenshtein (insert, delete, substitute,
 * swap two adjacent characters), compared case-insensitively so `Region` finds `region`.
 * The threshold grows with length: 1 edit for words up to 4 characters, 2 up to 8, then
 * a third of the length — short words with two edits are usually different words.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = maxDistance(word.length);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const c = candidate.toLowerCase();
    if (Math.abs(c.length - w.length) > limit) continue;
    const d = c === w ? 0 : editDistance(w, c);
    // Ties keep the first candidate, so suggestions are stable for a given key order.
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function maxDistance(length: number): number {
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return Math.floor(length / 3);
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}
