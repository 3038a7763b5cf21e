/** Levenshtein distance, bounded: plate texts are short (at most a dozen characters). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Two reads of the same plate: equal but for up to a quarter of their characters (misreads of
 * one or two characters between frames are common; a different car's plate differs in most).
 */
export function sameText(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  if (n === 0) return true;
  return editDistance(a, b) <= Math.max(1, Math.floor(n / 4));
}
