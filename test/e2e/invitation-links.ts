import { expect } from 'vitest';
import { openBodies } from '../../src/notify/outbox.js';
import type { TestServer } from './fixtures.js';

/** The invitation links sent to `to`, oldest first, once `count` of them have gone out. */
export async function linksSentTo(server: TestServer, to: string, count = 1): Promise<string[]> {
  let links: string[] = [];
  await expect
    .poll(
      async () => {
        const rows = await server.ctx.db
          .selectFrom('outbox_messages')
          .selectAll()
          .where('recipient', '=', to)
          .orderBy('created_at', 'asc')
          .execute();
        links = rows
          .map(
            (row) =>
              /https?:\/\/\S+\/invite#token=[\w-]+/.exec(openBodies(server.ctx.secretKey, row).text)?.[0],
          )
          .filter((link): link is string => link !== undefined);
        return links.length;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return links;
}

/** The newest invitation link sent to `to`. */
export async function linkSentTo(server: TestServer, to: string, count = 1): Promise<string> {
  const links = await linksSentTo(server, to, count);
  const link = links[links.length - 1];
  if (!link) throw new Error(`No invitation link went to ${to}`);
  return link;
}
