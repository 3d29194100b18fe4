import type { Promotion } from './promotion';

/** What the evidence pack records of `hotfix=INC…`: the incident, whether its overrides applied, which, or why not. */
export interface HotfixEvidence {
  incident: string;
  applied: boolean;
  code: string | null;
  overrides: Record<string, { normal?: string; hotfix: string }>;
}

export function hotfixEvidence(p: Pick<Promotion, 'hotfix' | 'gates'>): HotfixEvidence {
  const g = p.gates.find((r) => r.gate === 'hotfix');
  const overrides = g?.code === 'hotfix_applied' ? (g.details?.overrides ?? {}) : {};
  return { incident: p.hotfix ?? '', applied: g?.code === 'hotfix_applied', code: g?.code ?? null, overrides };
}

/** "INC0012345: soak 24h → 1h" or "INC0012345: not applied (hotfix_incident_not_open)". */
export function hotfixLine(p: Pick<Promotion, 'hotfix' | 'gates'>): string {
  const h = hotfixEvidence(p);
  if (!h.applied) return `${h.incident}: not applied (${h.code ?? 'not checked'})`;
  const list = Object.entries(h.overrides).map(([k, v]) => `${k} ${v.normal ?? 'none'} → ${v.hotfix}`);
  return `${h.incident}: ${list.join(', ')}`;
}
