import { readGitHubEvent } from '../../../src/adapters/github/github-webhook-event';
import { githubWebhookPayload } from '../../../src/adapters/github/webhook-payload';

const SHA = 'b'.repeat(40);
const repository = { full_name: 'acme/webapp' };

function read(event: string, payload: unknown) {
  const parsed = githubWebhookPayload.safeParse(payload);
  if (!parsed.success) throw new Error(`refused: ${parsed.error.message}`);
  return readGitHubEvent(event, parsed.data, 'delivery-1');
}

describe('what push and workflow_run webhooks tell triggers', () => {
  it('a push: branch, SHA, the head commit author, the delivery id', () => {
    const e = read('push', { ref: 'refs/heads/main', before: 'a'.repeat(40), after: SHA, deleted: false, repository, head_commit: { id: SHA, author: { name: 'Alex', email: 'alex@acme.test', username: 'alexa' } } });
    expect(e.trigger).toEqual({ name: 'push', delivery: 'delivery-1', repo: 'acme/webapp', sha: SHA, ref: 'refs/heads/main', author: { name: 'Alex', email: 'alex@acme.test', login: 'alexa' } });
  });

  it('a branch deletion is marked (it fires nothing)', () => {
    expect(read('push', { ref: 'refs/heads/main', after: '0'.repeat(40), deleted: true, repository, head_commit: null }).trigger).toMatchObject({ deleted: true });
  });

  it('a completed workflow run: workflow file, conclusion, head branch and author', () => {
    const e = read('workflow_run', {
      action: 'completed',
      repository,
      workflow_run: { id: 5, head_sha: SHA, html_url: 'https://github.example/run/5', status: 'completed', conclusion: 'success', path: '.github/workflows/build.yml', head_branch: 'main', head_commit: { author: { name: 'Alex', email: 'alex@acme.test' } } },
    });
    expect(e.trigger).toMatchObject({ name: 'workflow_run', sha: SHA, action: 'completed', conclusion: 'success', workflowPath: '.github/workflows/build.yml', ref: 'main', runUrl: 'https://github.example/run/5', author: { email: 'alex@acme.test' } });
    expect(e.workflowRun?.run.id).toBe(5);
  });

  it('fields of other types are left out, never a reason to refuse the webhook', () => {
    const e = read('create', { ref: 42, after: { x: 1 }, head_commit: 'nope', repository });
    expect(e.trigger).toBeUndefined();
    expect(read('workflow_run', { action: 'completed', repository, workflow_run: { id: 6, head_sha: SHA, path: 7, head_commit: 'x' } }).trigger).toMatchObject({ sha: SHA });
  });

  it('no repository: nothing to trigger', () => {
    expect(read('push', { ref: 'refs/heads/main', after: SHA }).trigger).toBeUndefined();
  });
});
