import { holidaySpecIssue } from '../calendar/holidays';
import { approvalRuleIssues } from './approval-rules-issues';
import { hotfixIssues, pipelineIssues } from './pipeline-references';

/**
 * Cross-reference checks of `shipgate.yml` (names that must match across sections). They
 * read the raw document defensively, so they run — and are reported in the same run —
 * even when other parts of the file fail the schema. Each problem carries its YAML path.
 */

export interface CrossReferenceIssue {
  path: Array<string | number>;
  message: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function crossReferenceIssues(raw: unknown): CrossReferenceIssue[] {
  if (!isObj(raw)) return [];
  const issues: CrossReferenceIssue[] = [];
  const add = (path: Array<string | number>, message: string) => issues.push({ path, message });
  const envs = list(raw.environments);
  const envNames = envs.map((e) => (isObj(e) ? str(e.name) : undefined)).filter((n): n is string => n !== undefined);
  const known = `(environments: ${envNames.join(', ')})`;

  const seenEnv = new Set<string>();
  envs.forEach((e, i) => {
    if (!isObj(e)) return;
    const name = str(e.name);
    if (name !== undefined) {
      if (seenEnv.has(name)) add(['environments', i, 'name'], `duplicate environment "${name}"`);
      seenEnv.add(name);
    }
    if (typeof e.requiredApprovals === 'number' && e.requiredApprovals > 0 && list(e.approvers).length === 0) {
      add(['environments', i, 'requiredApprovals'], `requiredApprovals ${e.requiredApprovals} needs approvers`);
    }
    issues.push(...hotfixIssues(e, ['environments', i]));
  });

  const seenSvc = new Set<string>();
  list(raw.services).forEach((s, i) => {
    if (!isObj(s)) return;
    const name = str(s.name);
    if (name !== undefined) {
      if (seenSvc.has(name)) add(['services', i, 'name'], `duplicate service "${name}"`);
      seenSvc.add(name);
    }
    const { envs: pipeline, issues: stageIssues } = pipelineIssues(s.pipeline, ['services', i, 'pipeline'], envNames, isObj(s.strategy) ? s.strategy.type : undefined);
    issues.push(...stageIssues);
    const inPipeline = new Set(pipeline);
    const strategy = s.strategy;
    if (!isObj(strategy)) return;
    const notInPipeline = (key: string) => `"${key}" is not an environment of this service's pipeline (${pipeline.join(' → ')})`;
    const keysOf = (section: string) => {
      const value = strategy[section];
      if (!isObj(value)) return;
      for (const key of Object.keys(value)) if (!inPipeline.has(key)) add(['services', i, 'strategy', section, key], notInPipeline(key));
    };
    if (strategy.type === 'branch') {
      const branches = isObj(strategy.branches) ? strategy.branches : undefined;
      if (branches) for (const env of pipeline) if (!(env in branches)) add(['services', i, 'strategy', 'branches'], `no branch for environment "${env}"`);
      keysOf('branches');
      keysOf('deployWorkflows');
    }
    if (strategy.type === 'databricks') keysOf('jobs');
    keysOf('githubEnvironments');
  });

  const seenRule = new Set<string>();
  list(raw.freezes).forEach((f, i) => {
    if (!isObj(f)) return;
    const name = str(f.name);
    if (name !== undefined) {
      if (seenRule.has(name)) add(['freezes', i, 'name'], `duplicate freeze rule "${name}" (rule names must be unique)`);
      seenRule.add(name);
    }
    list(f.environments).forEach((e, j) => {
      if (typeof e === 'string' && e !== '*' && !envNames.includes(e)) add(['freezes', i, 'environments', j], `unknown environment "${e}" ${known}`);
    });
    holidayIssues(f.holidays, ['freezes', i, 'holidays'], add);
  });
  holidayIssues(raw.businessCalendar, ['businessCalendar'], add);
  issues.push(...approvalRuleIssues(raw));
  return issues;
}

function holidayIssues(spec: unknown, path: Array<string | number>, add: (path: Array<string | number>, message: string) => void): void {
  if (!isObj(spec)) return;
  const country = str(spec.country);
  // A malformed code is the schema's to report.
  if (!country || !/^[A-Z]{2}$/.test(country)) return;
  const region = str(spec.region);
  const state = str(spec.state);
  const issue = holidaySpecIssue({ country, ...(region ? { region } : {}), ...(state ? { state } : {}) });
  if (issue) add([...path, issue.key], issue.message);
}
