import { canTransition, transition, type Promotion, type PromotionEvent, type PromotionState } from '../../../src/domain/promotion';
import { emptyEvidence } from '../../../src/domain/evidence';
import { ShipgateError } from '../../../src/shared/shipgate-error';

const at = new Date('2026-11-21T10:00:00Z');

function promotion(state: PromotionState): Promotion {
  return {
    id: 'p-20261121-abcdef',
    kind: 'promotion',
    service: 'svc',
    repo: 'acme/svc',
    from: 'int',
    env: 'prod',
    requester: { id: 'U1' },
    channel: 'C1',
    state,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    requiredApprovals: 1,
    approvals: [],
    gates: [],
    steps: {},
    evidence: emptyEvidence(),
    version: 0,
  };
}

const events: Record<PromotionEvent['type'], PromotionEvent> = {
  gates_passed: { type: 'gates_passed' },
  gates_blocked: { type: 'gates_blocked', reason: 'frozen' },
  approved: { type: 'approved' },
  override_requested: { type: 'override_requested', override: { requestedBy: 'U1', at: at.toISOString(), justification: 'fix', windows: [] } },
  queued: { type: 'queued', until: '2026-12-01T00:00:00.000Z' },
  rejected: { type: 'rejected', by: 'U2', reason: 'not today' },
  cancelled: { type: 'cancelled', by: 'U1' },
  expired: { type: 'expired' },
  started: { type: 'started' },
  succeeded: { type: 'succeeded' },
  failed: { type: 'failed', reason: 'run failed' },
  verification_failed: { type: 'verification_failed', reason: 'smoke.yml concluded failure' },
  plan_failed: { type: 'plan_failed', reason: 'plan run failed' },
};

const states: PromotionState[] = ['requested', 'blocked', 'awaiting_approval', 'approved', 'running', 'succeeded', 'failed', 'failed_verification', 'rejected', 'cancelled', 'expired'];

// The whole transition table: [from, event, to | null (refused)]
const table: Array<[PromotionState, PromotionEvent['type'], PromotionState | null]> = [];
const allowed: Record<string, PromotionState> = {
  'requested/gates_passed': 'awaiting_approval',
  'requested/gates_blocked': 'blocked',
  'requested/rejected': 'rejected',
  'requested/cancelled': 'cancelled',
  'blocked/cancelled': 'cancelled',
  'blocked/override_requested': 'awaiting_approval',
  'blocked/queued': 'awaiting_approval',
  'awaiting_approval/approved': 'approved',
  'awaiting_approval/rejected': 'rejected',
  'awaiting_approval/cancelled': 'cancelled',
  'awaiting_approval/expired': 'expired',
  'approved/started': 'running',
  'approved/cancelled': 'cancelled',
  'approved/failed': 'failed',
  'running/succeeded': 'succeeded',
  'running/failed': 'failed',
  'running/verification_failed': 'failed_verification',
  'awaiting_approval/plan_failed': 'blocked',
};
for (const s of states) for (const e of Object.keys(events) as PromotionEvent['type'][]) table.push([s, e, allowed[`${s}/${e}`] ?? null]);

describe('promotion state machine', () => {
  it.each(table)('%s --%s--> %s', (from, event, to) => {
    const p = promotion(from);
    expect(canTransition(from, event)).toBe(to !== null);
    if (to === null) {
      expect(() => transition(p, events[event], at)).toThrow(ShipgateError);
    } else {
      const next = transition(p, events[event], at);
      expect(next.state).toBe(to);
      expect(p.state).toBe(from); // pure: the input is untouched
    }
  });

  it('records who rejected and why', () => {
    const next = transition(promotion('awaiting_approval'), events.rejected, at);
    expect(next.rejection).toEqual({ by: 'U2', reason: 'not today', at: at.toISOString() });
  });

  it('records cancellation and failure reasons', () => {
    expect(transition(promotion('approved'), events.cancelled, at).cancellation?.by).toBe('U1');
    expect(transition(promotion('running'), events.failed, at).stateReason).toBe('run failed');
  });

  it('explains a refused transition', () => {
    expect(() => transition(promotion('running'), events.cancelled, at)).toThrow(/is running; it cannot be cancelled now/);
  });
});
