import { sql } from 'kysely';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import type { App } from '../../http/types.js';

export function systemRoutes(app: App, ctx: AppContext): void {
  // From the moment shutdown starts (SIGTERM), readiness says no, so a load balancer stops sending here
  // while the requests already on their way are still served.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.get(
    '/healthz',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['system'],
        summary: 'The process is up',
        response: { 200: Type.Object({ ok: Type.Boolean() }) },
      },
    },
    async () => ({ ok: true }),
  );

  app.get(
    '/readyz',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['system'],
        summary: 'The database answers and the process is not shutting down',
        response: {
          200: Type.Object({ ok: Type.Boolean(), database: Type.String() }),
          503: Type.Object({ ok: Type.Boolean(), database: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      if (closing) return reply.status(503).send({ ok: false, database: ctx.database.backend });
      try {
        await sql`select 1`.execute(ctx.db);
        return { ok: true, database: ctx.database.backend };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply.status(503).send({ ok: false, database: ctx.database.backend });
      }
    },
  );
}
