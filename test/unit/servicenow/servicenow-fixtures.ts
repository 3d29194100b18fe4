import { parseConfig } from '../../../src/config/load-config';
import type { ShipgateConfig } from '../../../src/config/config-schema';
import { emptyEvidence } from '../../../src/domain/evidence';
import type { Promotion } from '../../../src/domain/promotion';

/** Environments for each changeRecord mode; services with and without a CI. */
export const SN_CONFIG_YAML = `
timezone: Europe/London
environments:
  - name: int
  - name: uat
    changeRecord: optional
  - name: prod
    approvers: [S0RELEASEMGRS]
    changeRecord: required
    blockOnIncidents: [1, 2]
  - name: preprod
    changeRecord: create
    blockOnIncidents: [1]
services:
  - name: markets-pipeline
    repo: acme/markets
    pipeline: [int, uat, preprod, prod]
    requiredChecks: [unit-tests, ci-test]
    servicenow:
      ci: markets-pipeline
      closeOnSuccess: true
      changeTemplate:
        assignmentGroup: Markets Platform
        shortDescription: "Promote {{service}} {{sha}} to {{env}}"
        backoutPlan: "Re-deploy the previous release with /rollback"
        risk: low
        windowDuration: 8h
    strategy:
      type: workflow
      workflow: deploy.yml
      inputs: { environment: "{{env}}", sha: "{{sha}}" }
  - name: no-ci
    repo: acme/other
    pipeline: [int, prod]
    strategy: { type: workflow, workflow: deploy.yml }
`;

export function snConfig(): ShipgateConfig {
  return parseConfig(SN_CONFIG_YAML);
}

export const SHA = '3f2a9c1d4e5b6a7980716253443526170819aabb';

export function promotion(patch: Partial<Promotion> = {}): Promotion {
  return {
    id: 'p-20260302-abc123',
    kind: 'promotion',
    service: 'markets-pipeline',
    repo: 'acme/markets',
    from: 'preprod',
    env: 'prod',
    sha: SHA,
    requester: { id: 'U0ENGINEER', name: 'erin.engineer' },
    channel: 'C0RELEASES',
    messageTs: '1700000000.000100',
    state: 'approved',
    createdAt: '2026-03-02T09:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    requiredApprovals: 1,
    approvals: [{ userId: 'U0RELMGR1', at: '2026-03-02T09:30:00.000Z' }],
    gates: [],
    steps: {},
    evidence: emptyEvidence(),
    version: 1,
    ...patch,
  };
}
