import { distance } from 'fastest-levenshtein';

/** The known names closest to `input` (edit distance ≤ 3 or a prefix/substring match), best first. */
export function closestNames(input: string, known: readonly string[], max = 3): string[] {
  const needle = input.toLowerCase();
  return known
    .map((name) => {
      const n = name.toLowerCase();
      const d = n.includes(needle) || needle.includes(n) ? 0.5 : distance(needle, n);
      return { name, d };
    })
    .filter((x) => x.d <= Math.max(2, Math.min(3, Math.floor(input.length / 3))))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((x) => x.name);
}
