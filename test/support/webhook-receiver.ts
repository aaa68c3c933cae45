import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test receiver got. */
export interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: keeps every request and answers each with the
 * next status of `answers` (200 once they run out). `redirectTo` answers 302 to that address instead.
 */
export async function startReceiver(options: { answers?: number[]; redirectTo?: string } = {}) {
  const received: Received[] = [];
  const answers = [...(options.answers ?? [])];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        ),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (options.redirectTo) {
        response.writeHead(302, { location: options.redirectTo }).end();
        return;
      }
      const status = answers.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'text/html' }).end(`<b>answer ${status}</b>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
