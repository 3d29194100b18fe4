import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { waitUntil } from './wait-until';

/** Debian's package (`apt-get install -y prometheus`); its own service on :9090 is never used. */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/**
 * A tiny exporter: serves `/metrics` in the Prometheus text exposition format with gauges the
 * test sets (`set('shipgate_test_error_ratio', {env: 'int'}, 0.004)`).
 */
export class TestExporter {
  private readonly values = new Map<string, { name: string; labels: Record<string, string>; value: number }>();
  private readonly server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const names = new Set([...this.values.values()].map((v) => v.name));
    const lines: string[] = [];
    for (const name of names) {
      lines.push(`# HELP ${name} set by the test`, `# TYPE ${name} gauge`);
      for (const v of this.values.values()) {
        if (v.name !== name) continue;
        const labels = Object.entries(v.labels).map(([k, x]) => `${k}="${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
        lines.push(`${name}${labels.length ? `{${labels.join(',')}}` : ''} ${Number.isNaN(v.value) ? 'NaN' : String(v.value)}`);
      }
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  port = 0;

  set(name: string, labels: Record<string, string>, value: number): void {
    this.values.set(`${name}${JSON.stringify(labels)}`, { name, labels, value });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * A real Prometheus for one test file: its own free port, a temp `--storage.tsdb.path`, and a
 * generated config scraping the test's exporter every second. `start` resolves once the
 * exporter's series are queryable.
 */
export class PrometheusServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly exporter: TestExporter,
  ) {}

  static async start(exporter: TestExporter): Promise<PrometheusServer> {
    if (!fs.existsSync(PROMETHEUS_BIN)) throw new Error(`prometheus is not installed at ${PROMETHEUS_BIN}: sudo apt-get install -y prometheus (the tests never download it)`);
    const s = new PrometheusServer(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'sg-prom-')), exporter);
    await s.launch();
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  private async launch(): Promise<void> {
    const config = path.join(this.dir, 'prometheus.yml');
    fs.writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: shipgate-test',
        '    static_configs:',
        `      - targets: ["127.0.0.1:${this.exporter.port}"]`,
        '',
      ].join('\n'),
    );
    const args = [`--config.file=${config}`, `--storage.tsdb.path=${path.join(this.dir, 'data')}`, `--web.listen-address=127.0.0.1:${this.port}`, '--log.level=warn'];
    const child = spawn(PROMETHEUS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += String(d)));
    child.stderr!.on('data', (d) => (this.output += String(d)));
    child.on('error', (e) => (this.output += `spawn failed: ${e.message}`));
    await waitUntil(
      `prometheus on port ${this.port} to scrape the test exporter`,
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${this.output}`);
        const r = await this.query('up{job="shipgate-test"}');
        return r.status === 'success' && r.data.result.some((x) => x.value?.[1] === '1');
      },
      30_000,
      100,
    );
  }

  /** An instant query as the test reads it (to wait for a new value to be scraped). */
  async query(q: string): Promise<{ status: string; data: { resultType: string; result: Array<{ metric?: Record<string, string>; value?: [number, string] }> } }> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(q)}`);
    return (await res.json()) as { status: string; data: { resultType: string; result: Array<{ metric?: Record<string, string>; value?: [number, string] }> } };
  }

  /** Waits (bounded) until `q` returns exactly `value` (one series): the exporter's change was scraped. */
  async waitForValue(q: string, value: string): Promise<void> {
    await waitUntil(`prometheus to return ${value} for ${q}`, async () => {
      const r = await this.query(q);
      return r.data.result.length === 1 && r.data.result[0]?.value?.[1] === value;
    }, 15_000, 100);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
