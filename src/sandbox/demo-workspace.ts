/**
 * The sandbox's demo workspace: people, roles, user groups and channels. The IDs match
 * `examples/sandbox/shipgate.yml` (deployers, approvers, emergency and rollback approvers).
 */
import type { SlackChannelSeed, SlackUserSeed } from '../emulators/slack-emulator';

export type DemoRole = 'engineer' | 'release-manager' | 'vp' | 'on-call';

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
];

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
    topic: 'Promotions dev → test → prod and int → prod · type /promote help',
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
    as: 'U0RELMGR1',
    channel: RELEASES_CHANNEL,
    command: '/promote markets-infra prod cr=CHG0030001 reason="terraform prod workspace"',
    then: 'the terraform plan runs first: its plan.md lands in the thread and "Plan: 3 to add, 1 to change, 0 to destroy" on the card; as Ravi Release approve that plan (Re-plan voids approvals); the apply run gets the reviewed plan artifact',
  },
];

export function demoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.id === id);
}
