import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { orgActorOf } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses, Uuid } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import { TaskDetails, TaskParams, TaskView } from '../tasks/tasks.schemas.js';
import { getTask } from '../tasks/tasks.service.js';
import { ImportErrors } from './import.errors.js';
import { FILE_LIMITS } from './import.read.js';
import { resultFile } from './import.result.js';
import { cancelImport, rereadImport, startImport, uploadImport } from './import.service.js';
import { importTemplate } from './import.template.js';

const tags = ['imports'];
const manage = { access: { kind: 'org', permission: 'members.manage', scoped: true } } as const;
const Encoding = Type.Enum(['utf8', 'utf16le', 'utf16be', 'gb18030']);
const Delimiter = Type.Enum([',', '\t', ';']);
const ReadChoice = { encoding: Type.Optional(Encoding), delimiter: Type.Optional(Delimiter) };
const Mode = Type.Enum(['create', 'invite', 'update'], {
  description:
    'create: managed accounts with a temporary password by email or SMS; invite: invitations by email or SMS; update: edit members from an edited export',
});
const csvResponse = {
  200: {
    description: 'CSV, UTF-8 with a byte order mark, streamed as an attachment',
    content: { 'text/csv': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) } },
  },
};

/** A download's headers: a CSV whose name is ASCII, plus the UTF-8 name for browsers that read it. */
function csvDownload(name: string) {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  };
}

/** Import: upload (the preview is read by a job), re-read, confirm, cancel, the result file and the template. */
export function importRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/api/v1/orgs/:orgId/imports/template',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'The import template of a mode, CSV (the default) or XLSX: headers in the caller’s language (required ones marked *) and an example row; the XLSX adds a note on each header, text-typed columns, a drop-down of the org’s departments and a Precautions sheet (formats, limits, the plan’s quota)',
        params: OrgParams,
        querystring: Type.Object(
          { mode: Type.Optional(Mode), format: Type.Optional(Type.Enum(['csv', 'xlsx'])) },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'The template as an attachment: CSV in UTF-8 with a byte order mark, or XLSX',
            content: {
              'text/csv': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
              },
            },
          },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const file = await importTemplate(ctx.db, orgActorOf(request).orgId, {
        locale: metaOf(request).locale,
        mode: request.query.mode ?? 'create',
        format: request.query.format ?? 'csv',
        region: ctx.config.defaultPhoneRegion,
      });
      return reply.headers({ ...csvDownload(file.name), 'content-type': file.contentType }).send(file.body);
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/imports',
    {
      config: manage,
      bodyLimit: FILE_LIMITS.bytes + 64 * 1024,
      schema: {
        tags,
        summary: `Upload a member file (.csv or .xlsx, multipart field "file", at most ${FILE_LIMITS.bytes / 1024 / 1024} MB) into a department; its rows are checked by a job: poll the task for the preview`,
        params: OrgParams,
        querystring: Type.Object(
          {
            departmentId: Uuid,
            mode: Type.Optional(Mode),
            createDepartments: Type.Optional(
              Type.Boolean({
                description: 'Make the departments the file names that do not exist yet, below the target',
              }),
            ),
            passwordDelivery: Type.Optional(
              Type.Enum(['password', 'link'], {
                description:
                  'Create mode: a generated temporary password by email or SMS, or a 72-hour link to choose one',
              }),
            ),
            overwriteStale: Type.Optional(
              Type.Boolean({ description: 'Update mode: apply rows whose member changed since the export' }),
            ),
            ...ReadChoice,
          },
          { additionalProperties: false },
        ),
        consumes: ['multipart/form-data'],
        response: {
          202: Type.Object({
            task: TaskView,
            sameFile: Type.Union(
              [Type.Object({ number: Type.Integer(), finishedAt: Type.String() }), Type.Null()],
              {
                description: 'This very file was imported before, as this task',
              },
            ),
          }),
          ...errorResponses(400, 401, 403, 404, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const actor = orgActorOf(request);
      const meta = metaOf(request);
      // A body that is not a form with a file (JSON, nothing) is the caller's mistake, not a failure here.
      const part = request.isMultipart()
        ? await request.file({ limits: { fileSize: FILE_LIMITS.bytes, files: 1 } })
        : undefined;
      if (!part) throw new AppError(ImportErrors['import.file_missing']);
      let bytes: Buffer;
      try {
        bytes = await part.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new AppError(ImportErrors['import.file_too_large'], {
            limitMb: FILE_LIMITS.bytes / 1024 / 1024,
          });
        }
        throw error;
      }
      const { task, sameFile } = await uploadImport(
        ctx,
        meta,
        actor,
        { name: part.filename, bytes },
        request.query,
      );
      const { task: view } = await getTask(ctx, actor, meta.locale, task.id);
      return reply.status(202).send({
        task: view,
        sameFile: sameFile?.finished_at
          ? { number: Number(sameFile.number), finishedAt: sameFile.finished_at.toISOString() }
          : null,
      });
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/imports/:taskId/reread',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Read the file again with another encoding or delimiter than the one found',
        params: TaskParams,
        body: Type.Object(ReadChoice, { additionalProperties: false }),
        response: { 202: TaskDetails, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = orgActorOf(request);
      await rereadImport(ctx, actor, request.params.taskId, request.body);
      return reply.status(202).send(await getTask(ctx, actor, metaOf(request).locale, request.params.taskId));
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/imports/:taskId/start',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Confirm the preview: the seats of every row to write are reserved, and the import runs (or waits for the org’s running one)',
        params: TaskParams,
        response: { 200: TaskDetails, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = orgActorOf(request);
      const meta = metaOf(request);
      await startImport(ctx, meta, actor, request.params.taskId);
      return getTask(ctx, actor, meta.locale, request.params.taskId);
    },
  );

  app.post(
    '/api/v1/orgs/:orgId/imports/:taskId/cancel',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Stop an import after its current chunk; rows already written stay',
        params: TaskParams,
        response: { 200: TaskDetails, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = orgActorOf(request);
      const meta = metaOf(request);
      await cancelImport(ctx, meta, actor, request.params.taskId);
      return getTask(ctx, actor, meta.locale, request.params.taskId);
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/imports/:taskId/result',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'The result file: the original columns with each row’s result and reason, all rows or the failed ones',
        params: TaskParams,
        querystring: Type.Object(
          { rows: Type.Optional(Type.Enum(['all', 'failed'])) },
          { additionalProperties: false },
        ),
        response: { ...csvResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = orgActorOf(request);
      const meta = metaOf(request);
      const { task } = await getTask(ctx, actor, meta.locale, request.params.taskId);
      const row = await ctx.db
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', task.id)
        .executeTakeFirstOrThrow();
      const only = request.query.rows ?? 'all';
      const name = `${(task.fileName ?? 'import').replace(/\.(csv|xlsx)$/i, '')}-${only === 'failed' ? 'failed' : 'result'}-${task.number}.csv`;
      return reply.headers(csvDownload(name)).send(resultFile(ctx.db, row, meta.locale, only));
    },
  );
}
