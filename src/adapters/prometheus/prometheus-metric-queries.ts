import { z } from 'zod';
import type { MetricReading } from '../../domain/gates/metrics-gate';
import type { MetricQueries } from '../../app/ports/metric-queries';

/**
 * The Prometheus HTTP API, instant queries only (API-NOTES "Prometheus HTTP API"):
 *
 *   GET {PROMETHEUS_URL}/api/v1/query?query=<PromQL>
 *   → {status:"success", data:{resultType:"vector"|"scalar"|…, result}}
 *   | {status:"error", errorType, error}   (400 bad_data, 422 execution, 503 timeout/unavailable)
 *
 * The answer is read through the zod schemas below; anything else (HTML from a proxy, a
 * truncated body) is a failed reading, as are HTTP errors, a timeout and a refused connection:
 * the gate blocks with the reason. No `time` is sent: Prometheus evaluates at its own now.
 * Sample values are strings ("0.004", "NaN", "+Inf"), parsed with Number.
 */

const sampleValue = z.tuple([z.number(), z.string()]);

const vectorData = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })),
});
const scalarData = z.object({ resultType: z.literal('scalar'), result: sampleValue });
/** matrix, string: valid answers, but not one number to compare. */
const otherData = z.object({ resultType: z.string().refine((t) => t !== 'vector' && t !== 'scalar'), result: z.unknown() });

const successBody = z.object({ status: z.literal('success'), data: z.union([vectorData, scalarData, otherData]), warnings: z.array(z.string()).optional() });
const errorBody = z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() });
export const prometheusQueryResponse = z.union([successBody, errorBody]);

/** "NaN", "+Inf", "-Inf", "0.004" → number (NaN for anything unreadable: it blocks). */
function sample(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

function isVector(d: z.output<typeof successBody>['data']): d is z.output<typeof vectorData> {
  return d.resultType === 'vector';
}
function isScalar(d: z.output<typeof successBody>['data']): d is z.output<typeof scalarData> {
  return d.resultType === 'scalar';
}

export interface PrometheusOptions {
  /** PROMETHEUS_URL, e.g. http://prometheus:9090 (a path prefix is kept). */
  baseUrl: string;
  /** Per query; default 5000 ms. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export class PrometheusMetricQueries implements MetricQueries {
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof globalThis.fetch;

  constructor(private readonly o: PrometheusOptions) {
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.fetchFn = o.fetch ?? globalThis.fetch;
  }

  async instantQuery(query: string): Promise<MetricReading> {
    const url = new URL(`${this.o.baseUrl.replace(/\/+$/, '')}/api/v1/query`);
    url.searchParams.set('query', query);
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (e) {
      // the timeout is a DOMException (not always an `Error` of this realm): read its name
      const name = typeof e === 'object' && e !== null && 'name' in e ? String(e.name) : '';
      if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'failed', error: `Prometheus did not answer within ${this.timeoutMs} ms`, transient: true };
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      return { kind: 'failed', error: `Prometheus unreachable at ${url.origin} (${cause})`, transient: true };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'failed', error: `Prometheus answered ${res.status} with a body that is not JSON`, transient: res.status >= 500 };
    }
    const parsed = prometheusQueryResponse.safeParse(json);
    if (!parsed.success) return { kind: 'failed', error: `Prometheus answered ${res.status} with an unexpected body`, transient: res.status >= 500 };
    const body = parsed.data;
    // 400 bad_data / 422 execution: the query's fault; 503 timeout / unavailable: may pass next time
    if (body.status === 'error') return { kind: 'failed', error: `${body.errorType}: ${body.error} (HTTP ${res.status})`, transient: res.status >= 500 };
    if (!res.ok) return { kind: 'failed', error: `Prometheus answered HTTP ${res.status}`, transient: res.status >= 500 };
    const data = body.data;
    if (isVector(data)) return { kind: 'vector', series: data.result.map((r) => ({ labels: r.metric, value: sample(r.value[1]) })) };
    if (isScalar(data)) return { kind: 'scalar', value: sample(data.result[1]) };
    return { kind: 'unsupported', resultType: data.resultType };
  }
}
