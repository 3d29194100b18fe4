import net from 'node:net';

/**
 * A TCP server that accepts connections, reads what it is sent and never answers: what a
 * Slack or GitHub behind a dead proxy or a dropped firewall rule looks like to a client.
 * `requests` holds the first line of every HTTP request it received (e.g. `POST /api/auth.test HTTP/1.1`).
 */
export class BlackHole {
  readonly requests: string[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      // one socket may carry several requests when the client pipelines; record each request line
      for (const m of head.matchAll(/(?:^|\r\n)((?:GET|POST|PUT|PATCH|DELETE) \S+ HTTP\/1\.[01])/g)) if (!this.requests.includes(m[1]!)) this.requests.push(m[1]!);
      if (head.length > 65_536) head = head.slice(-4096);
    });
  });
  url = '';

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A port nothing listens on (connections are refused at once). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}
