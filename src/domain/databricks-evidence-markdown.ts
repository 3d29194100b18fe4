import type { DatabricksEvidence, DbtCounts } from './databricks-evidence';
import { mdCell, mdCode, mdLink, mdText } from './markdown';

const countCells = (c: DbtCounts) => `${c.passed} | ${c.failed} | ${c.skipped} | ${c.warned}`;

/** The evidence pack's section of a `strategy: databricks` run: job, run link, parameters, each task's result, dbt's summary. */
export function databricksMarkdown(e: DatabricksEvidence | undefined): string[] {
  if (!e) return [];
  const state = [e.lifeCycleState, e.resultState].filter(Boolean).join('/');
  const run = e.runPageUrl ? mdLink(`run ${e.runId}`, e.runPageUrl) : mdCode(String(e.runId));
  const out = [
    '## Databricks job run',
    '',
    `- Job ${e.jobName ? `${mdText(e.jobName)} ` : ''}(${mdCode(String(e.jobId))}), ${run}${e.numberInJob !== undefined ? ` (#${e.numberInJob} of the job)` : ''}: **${mdText(state)}**${e.stateMessage ? ` — ${mdText(e.stateMessage)}` : ''}`,
    `- Parameters: ${Object.entries(e.parameters).map(([k, v]) => `${mdCode(k)}=${mdCode(v)}`).join(', ') || 'none'}`,
    '',
    '| Task | State | Result | Message |',
    '|---|---|---|---|',
    ...e.tasks.map((t) => `| ${mdCode(t.key, true)} | ${t.lifeCycleState} | ${t.resultState ?? '—'} | ${t.message ? mdCell(mdText(t.message)) : '—'} |`),
    '',
  ];
  const d = e.dbt;
  if (!d) return out;
  if (!d.read) return [...out, `dbt run_results ${mdCode(d.path)}: **not available** (${mdText(d.reason)})`, ''];
  return [
    ...out,
    `dbt run_results ${mdCode(d.path)}${d.invocationId ? ` (invocation ${mdCode(d.invocationId)})` : ''}:`,
    '',
    '| dbt nodes | Passed | Failed | Skipped | Warned |',
    '|---|---|---|---|---|',
    `| models | ${countCells(d.models)} |`,
    `| tests | ${countCells(d.tests)} |`,
    `| other (seeds, snapshots, …) | ${countCells(d.other)} |`,
    '',
    ...(d.failures.length ? ['Failed nodes:', '', ...d.failures.map((f) => `- ${mdCode(f.uniqueId)} ${f.status}${f.message ? `: ${mdText(f.message.slice(0, 300))}` : ''}`), ''] : []),
  ];
}
