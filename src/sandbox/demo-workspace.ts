/**
 * The sandbox's demo workspace: people, roles, user groups and channels. The IDs match
 * `examples/sandbox/shipgate.yml` (deployers, approvers, emergency and rollback approvers).
 */
import type { SlackChannelSeed, SlackUserSeed } from '../emulators/slack-emulator';

export type DemoRole = 'engineer' | 'release-manager' | 'vp' | 'on-call' | 'data-engineer' | 'business-owner';

export interface DemoUser extends SlackUserSeed {
  realName: string;
  role: DemoRole;
  /** What the person does in the demo, shown in the console and in the startup output. */
  title: string;
  can: string;
  /** Avatar colour in the console. */
  color: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: 'U0RELMGR1',
    name: 'rita.release',
    realName: 'Rita Release',
    email: 'rita.release@acme.example',
    tz: 'Europe/London',
    role: 'release-manager',
    title: 'Release manager',
    can: 'requests and approves prod',
    color: '#2f7d6d',
  },
  {
    id: 'U0RELMGR2',
    name: 'ravi.release',
    realName: 'Ravi Release',
    email: 'ravi.release@acme.example',
    tz: 'Asia/Kolkata',
    role: 'release-manager',
    title: 'Release manager',
    can: 'requests and approves prod',
    color: '#b5542b',
  },
  {
    id: 'U0ENGINEER',
    name: 'erin.engineer',
    realName: 'Erin Engineer',
    email: 'erin.engineer@acme.example',
    tz: 'Europe/London',
    role: 'engineer',
    title: 'Engineer',
    can: 'deploys dev, int and test',
    color: '#3b6fd4',
  },
  {
    id: 'U0VPALICE',
    name: 'vera.vp',
    realName: 'Vera Vance',
    email: 'vera.vance@acme.example',
    tz: 'America/New_York',
    role: 'vp',
    title: 'VP Engineering',
    can: 'approves emergency overrides during a freeze',
    color: '#7b3fa6',
  },
  {
    id: 'U0ONCALL',
    name: 'omar.oncall',
    realName: 'Omar Oncall',
    email: 'omar.oncall@acme.example',
    tz: 'Europe/London',
    role: 'on-call',
    title: 'On-call SRE',
    can: 'approves rollbacks in incident channels',
    color: '#c0392b',
  },
  {
    id: 'U0DATAENG1',
    name: 'dana.data',
    realName: 'Dana Data',
    email: 'dana.data@acme.example',
    tz: 'Europe/London',
    role: 'data-engineer',
    title: 'Data engineer',
    can: 'signs off surveillance-prod for data engineering',
    color: '#1f7a99',
  },
  {
    id: 'U0BIZOWNR1',
    name: 'bianca.business',
    realName: 'Bianca Business',
    email: 'bianca.business@acme.example',
    tz: 'Europe/London',
    role: 'business-owner',
    title: 'Business owner',
    can: 'signs off surveillance-prod for the business (data quality)',
    color: '#a8781a',
  },
];

export interface DemoUsergroup {
  id: string;
  handle: string;
  name: string;
  members: string[];
}

export const DEMO_USERGROUPS: readonly DemoUsergroup[] = [
  { id: 'S0RELEASEMGRS', handle: 'release-managers', name: 'Release managers', members: ['U0RELMGR1', 'U0RELMGR2'] },
  { id: 'S0VPS', handle: 'vps', name: 'VPs (emergency approvers)', members: ['U0VPALICE'] },
  { id: 'S0ONCALL', handle: 'oncall', name: 'On-call', members: ['U0ONCALL'] },
  { id: 'S0PLATFORM', handle: 'platform-eng', name: 'Platform engineering', members: ['U0ENGINEER', 'U0ONCALL'] },
  { id: 'S0DATAENG', handle: 'data-engineering', name: 'Data engineering (sign-off)', members: ['U0DATAENG1', 'U0ENGINEER'] },
  { id: 'S0BIZOWNERS', handle: 'business-owners', name: 'Business owners (sign-off)', members: ['U0BIZOWNR1'] },
];

/** The demo user groups as a membership map (user group ID → members). */
export function demoGroupMembers(): Record<string, readonly string[]> {
  return Object.fromEntries(DEMO_USERGROUPS.map((g) => [g.id, g.members]));
}

export interface DemoChannel extends SlackChannelSeed {
  topic: string;
  incident?: boolean;
}

export const RELEASES_CHANNEL = 'C0RELEASES';
export const INCIDENT_CHANNEL = 'C0INC2231';

export const DEMO_CHANNELS: readonly DemoChannel[] = [
  {
    id: RELEASES_CHANNEL,
    name: 'releases',
    topic: 'Promotions of every demo service (/promote help lists them and their pipelines)',
    purpose: 'Change-controlled promotions',
  },
  {
    id: INCIDENT_CHANNEL,
    name: 'inc-2231-markets-latency',
    topic: 'INC0012231 · P3 · markets-pipeline latency up since the last prod deploy · IC: @omar.oncall',
    purpose: 'Incident channel',
    incident: true,
  },
];

/** Who to act as by default in the console (the first step of the main demo). */
export const DEFAULT_CONSOLE_USER = 'U0RELMGR1';

export interface TryCommand {
  as: string;
  channel: string;
  command: string;
  then?: string;
}

/** The things to try, printed at startup and shown in the console's guide. */
export const TRY_COMMANDS: readonly TryCommand[] = [
  { as: 'U0ENGINEER', channel: RELEASES_CHANNEL, command: '/promote help', then: 'services, environments, who approves what' },
  {
    as: 'U0RELMGR1',
    channel: RELEASES_CHANNEL,
    command: '/promote markets-pipeline prod cr=CHG0030001 reason="weekly release"',
    then: 'switch to Ravi Release, click Approve and confirm; the run, SHA and outcome arrive in the thread',
  },
  {
    as: 'U0RELMGR1',
    channel: INCIDENT_CHANNEL,
    command: '/rollback markets-pipeline reason="EOD latency since the last deploy"',
    then: 'switch to Omar Oncall (on-call approves rollbacks) and approve; the previous known-good build goes back to prod',
  },
  {
    as: 'U0ENGINEER',
    channel: RELEASES_CHANNEL,
    command: '/promote risk-models staging',
    then: 'blocked: the new build runs in perf but not in security (a parallel stage); /promote risk-models security, Deploy, then staging is allowed',
  },
  {
    as: 'U0RELMGR1',
    channel: RELEASES_CHANNEL,
    command: '/promote risk-models prod hotfix=INC0012345 cr=CHG0030005',
    then: 'INC0012345 is open on risk-models: prod soak 24h → 1h (the build in staging has run there for 3h, unless step 4 replaced it); Ravi still approves. hotfix=INC0012301 (resolved) is not applied',
  },
  {
    as: 'U0RELMGR1',
    channel: RELEASES_CHANNEL,
    command: '/promote markets-infra prod cr=CHG0030001 reason="terraform prod workspace"',
    then: 'the terraform plan runs first: its plan.md lands in the thread and "Plan: 3 to add, 1 to change, 0 to destroy" on the card; as Ravi Release approve that plan (Re-plan voids approvals); the apply run gets the reviewed plan artifact',
  },
];

/**
 * The sign-off demo (shown in the console's guide): an environment with three approval rules
 * (release manager, data engineering, business owner) and a checklist the requester ticks first.
 */
export const SIGN_OFF_DEMO: TryCommand & { steps: readonly string[] } = {
  as: 'U0RELMGR1',
  channel: RELEASES_CHANNEL,
  command: '/promote surveillance-pipeline surveillance-prod reason="EOD surveillance models"',
  then: 'a checklist form opens before the request exists',
  steps: [
    'Tick every item and type the rollback plan, then Request (an unticked item or an empty text is refused, naming the item).',
    'The card shows each rule: release manager 0/1, data engineering 0/1, business owner 0/1, and who attested the checklist.',
    'Approve as Ravi Release (release manager): not enough on its own.',
    'Approve as Dana Data (data engineering) and Bianca Business (business owner): fully approved, the deploy runs; the checklist is in the audit record and the evidence pack.',
  ],
};

export function demoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.id === id);
}
