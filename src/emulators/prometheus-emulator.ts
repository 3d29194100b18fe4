/**
 * A Prometheus HTTP API emulator for the sandbox: instant queries only,
 * `GET|POST /api/v1/query?query=…` answered in the documented shape (API-NOTES "Prometheus HTTP
 * API"): `{status:"success", data:{resultType:"vector"|"scalar", result}}`, values as strings,
 * timestamps in unix seconds on the emulator clock. It evaluates no PromQL: each query string
 * the demo uses is given its answer (`setVector`, `setScalar`); any other query returns an empty
 * vector, and a query with unbalanced brackets or quotes is answered like Prometheus's parser
 * error (400, `errorType: bad_data`). Tests of the metrics gate use a real Prometheus.
 */
import { EmulatorBase, sendJson, sendText, type EmulatorOptions, type RequestContext } from './emulator-base';

type Answer = { resultType: 'vector'; series: Array<{ labels: Record<string, string>; value: number }> } | { resultType: 'scalar'; value: number };

/** Prometheus's text for a sample value ("0.004", "NaN", "+Inf"). */
function sampleText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The first unbalanced bracket or unterminated string, as a parse error message; undefined when balanced. */
function syntaxError(q: string): string | undefined {
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let quote: string | undefined;
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (c in pairs) {
      if (open.pop() !== pairs[c]) return `1:${i + 1}: parse error: unexpected "${c}"`;
    }
  }
  if (quote) return `1:${q.length}: parse error: unterminated quoted string`;
  if (open.length) return `1:${q.length + 1}: parse error: unclosed "${open[open.length - 1]}"`;
  if (!q.trim()) return 'unknown position: parse error: no expression found in input';
  return undefined;
}

export class PrometheusEmulator extends EmulatorBase {
  private readonly answers = new Map<string, Answer>();

  constructor(options: EmulatorOptions = {}) {
    super(options);
  }

  /** The answer to exactly this query string: one series per entry. */
  setVector(query: string, series: Array<{ labels?: Record<string, string>; value: number }>): void {
    this.answers.set(query, { resultType: 'vector', series: series.map((s) => ({ labels: s.labels ?? {}, value: s.value })) });
  }

  setScalar(query: string, value: number): void {
    this.answers.set(query, { resultType: 'scalar', value });
  }

  protected handle(ctx: RequestContext): void {
    if (ctx.path === '/-/ready' || ctx.path === '/-/healthy') {
      sendText(ctx.res, 200, 'Prometheus Server is Ready.\n');
      return;
    }
    if (ctx.path !== '/api/v1/query' || (ctx.method !== 'GET' && ctx.method !== 'POST')) {
      sendText(ctx.res, 404, '404 page not found\n');
      return;
    }
    const form = ctx.method === 'POST' ? new URLSearchParams(ctx.raw.toString('utf8')) : undefined;
    const query = ctx.query.query ?? form?.get('query') ?? undefined;
    if (query === undefined) {
      sendJson(ctx.res, 400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": unknown position: parse error: no expression found in input' });
      return;
    }
    const bad = syntaxError(query);
    if (bad) {
      sendJson(ctx.res, 400, { status: 'error', errorType: 'bad_data', error: `invalid parameter "query": ${bad}` });
      return;
    }
    const t = this.now() / 1000;
    const a = this.answers.get(query);
    if (a?.resultType === 'scalar') {
      sendJson(ctx.res, 200, { status: 'success', data: { resultType: 'scalar', result: [t, sampleText(a.value)] } });
      return;
    }
    const result = (a?.series ?? []).map((s) => ({ metric: s.labels, value: [t, sampleText(s.value)] }));
    sendJson(ctx.res, 200, { status: 'success', data: { resultType: 'vector', result } });
  }
}
