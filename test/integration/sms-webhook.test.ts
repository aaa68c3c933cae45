import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverMessageJob } from '../../src/notify/outbox.js';
import { type Harness, startHarness } from '../support/harness.js';

const SECRET = 'sms-webhook-secret-for-tests';

interface Received {
  body: string;
  signature: string | undefined;
}

describe('SMS through the HTTP-webhook provider', () => {
  let h: Harness;
  let receiver: http.Server;
  const received: Received[] = [];
  let failNext = 0;

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        if (failNext > 0) {
          failNext--;
          response.writeHead(502).end();
          return;
        }
        received.push({ body, signature: request.headers['x-roster-signature'] as string | undefined });
        response.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    h = await startHarness('pglite', {
      env: { SMS_WEBHOOK_URL: `http://127.0.0.1:${port}/sms`, SMS_WEBHOOK_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await h?.close();
    receiver?.close();
  });

  it('posts each SMS once, signed with the shared secret, after a failed attempt is retried', async () => {
    failNext = 1;
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/registrations',
      payload: { phone: '+86 139 0000 1111', locale: 'zh-CN' },
    });
    expect(response.statusCode).toBe(202);

    const row = await h.ctx.db.selectFrom('outbox_messages').selectAll().executeTakeFirstOrThrow();
    await expect(
      deliverMessageJob.handle(h.ctx, { id: row.id }, { retryCount: 0, retryLimit: 8 }),
    ).rejects.toThrow(/502/);
    await deliverMessageJob.handle(h.ctx, { id: row.id }, { retryCount: 1, retryLimit: 8 });
    await deliverMessageJob.handle(h.ctx, { id: row.id }, { retryCount: 2, retryLimit: 8 });

    expect(received).toHaveLength(1);
    const [message] = received as [Received];
    const payload = JSON.parse(message.body);
    expect(payload.to).toBe('+8613900001111');
    expect(payload.text).toMatch(/#token=/);
    const expected = `sha256=${crypto.createHmac('sha256', SECRET).update(message.body).digest('hex')}`;
    expect(message.signature).toBe(expected);
    const after = await h.ctx.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('sent');
  });
});
