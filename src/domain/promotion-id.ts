/** `p-YYYYMMDD-xxxxxx` (or `r-…` for rollbacks): readable, sortable by day, never all digits, no ':'. */
export function promotionId(kind: 'promotion' | 'rollback', at: Date, random: () => number): string {
  const day = at.toISOString().slice(0, 10).replace(/-/g, '');
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += alphabet[Math.floor(random() * alphabet.length)];
  return `${kind === 'rollback' ? 'r' : 'p'}-${day}-${suffix}`;
}
