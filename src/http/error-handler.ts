import crypto from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/database.js';
import { AppError, CommonErrors, errorMessage } from '../errors.js';
import { AccountErrors } from '../features/accounts/accounts.errors.js';
import { ApiTokenErrors } from '../features/api-tokens/api-tokens.errors.js';
import { DepartmentErrors } from '../features/departments/departments.errors.js';
import { InvitationErrors } from '../features/invitations/invitations.errors.js';
import { MemberErrors } from '../features/members/members.errors.js';
import { OrganizationErrors } from '../features/organizations/organizations.errors.js';
import { GroupErrors, RoleErrors } from '../features/roles/roles.errors.js';
import { problemOf } from '../validation.messages.js';
import { localeOf } from './request-meta.js';
import { refusalOf } from './validation.js';

/** Unique violations answered by constraint name: a race the service's own check could not see. */
const CONSTRAINT_ERRORS: Record<string, { code: string; field: string }> = {
  accounts_username_key: { code: AccountErrors['account.username_taken'], field: 'username' },
  accounts_email_key: { code: AccountErrors['account.email_taken'], field: 'email' },
  accounts_phone_key: { code: AccountErrors['account.phone_taken'], field: 'phone' },
  organizations_domain_key: { code: OrganizationErrors['organization.domain_taken'], field: 'domain' },
  departments_sibling_name_key: { code: DepartmentErrors['department.name_taken'], field: 'name' },
  members_employee_id_key: { code: MemberErrors['member.employee_id_taken'], field: 'employeeId' },
  members_open_invitation_key: { code: InvitationErrors['invitation.already_invited'], field: 'invitees' },
  org_roles_name_key: { code: RoleErrors['role.name_taken'], field: 'name' },
  user_groups_name_key: { code: GroupErrors['group.name_taken'], field: 'name' },
  api_tokens_live_name_key: { code: ApiTokenErrors['api_token.name_taken'], field: 'name' },
};

/**
 * Foreign-key violations answered by constraint name: a row referred to was deleted meanwhile
 * (a department deleted while a member was being put in it).
 */
const FOREIGN_KEY_ERRORS: Record<string, { code: string; field: string }> = {
  member_departments_department_same_org: {
    code: MemberErrors['member.department_not_found'],
    field: 'departments',
  },
  // A grant given over a department deleted meanwhile.
  member_grants_org_id_department_id_fkey: {
    code: DepartmentErrors['department.not_found'],
    field: 'grants',
  },
};

/** Fastify's refusals of a body it could not parse, by the rule they break. */
const UNPARSED_BODY: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'contentType',
};

/** What a client is told to wait before trying again while the database is away (a restart takes seconds). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

interface DatabaseError {
  code?: string;
  constraint?: string;
}

/** What a thrown error means as an AppError (constraint names, schema and body refusals), or null for a 500. */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError(CommonErrors['database.unavailable'], {
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    });
  }
  const dbError = error as DatabaseError;
  if (dbError?.code === '23505' && dbError.constraint && CONSTRAINT_ERRORS[dbError.constraint]) {
    const { code, field } = CONSTRAINT_ERRORS[dbError.constraint] as { code: string; field: string };
    return new AppError(code, { field });
  }
  if (dbError?.code === '23503' && dbError.constraint && FOREIGN_KEY_ERRORS[dbError.constraint]) {
    const { code, field } = FOREIGN_KEY_ERRORS[dbError.constraint] as { code: string; field: string };
    return new AppError(code, { field });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const part = fastifyError.validationContext ?? 'body';
    return new AppError(CommonErrors['request.invalid'], refusalOf(fastifyError.validation, part));
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError(CommonErrors['request.too_large'], { limit: 1_048_576 });
  }
  const unparsed = UNPARSED_BODY[fastifyError.code];
  if (unparsed)
    return new AppError(CommonErrors['request.invalid'], { field: 'body', rule: unparsed, in: 'body' });
  if (fastifyError.statusCode === 400 || fastifyError.statusCode === 415) {
    // A bad URL, a wrong content length: nothing a schema could name.
    return new AppError(CommonErrors['request.invalid'], { rule: 'malformed' });
  }
  return null;
}

/** An error's message in the caller's language; a refused request's names what the rule asks for. */
function messageOf(appError: AppError, locale: 'en' | 'zh-CN'): string {
  const values =
    appError.code === CommonErrors['request.invalid']
      ? { ...appError.details, problem: problemOf(appError.details, locale) }
      : appError.details;
  return errorMessage(appError.code, locale, values);
}

/** The one mapper from anything thrown to the error shape `{ error: { code, message, details } }`. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  const locale = localeOf(request);
  if (!appError) {
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({
      error: {
        code: 'internal',
        message: errorMessage('internal', locale),
        details: { requestId: request.id },
      },
    });
  }
  if (
    appError.code === CommonErrors.rate_limited ||
    appError.code === ApiTokenErrors['auth.token_rate_limited'] ||
    appError.code === CommonErrors['database.unavailable']
  ) {
    reply.header('retry-after', String(appError.details.retryAfterSeconds ?? 60));
  }
  return reply.status(appError.status).send({
    error: { code: appError.code, message: messageOf(appError, locale), details: appError.details },
  });
}

/** Answers a path no route matches, in the error shape. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return errorHandler(new AppError(CommonErrors['request.not_found']), request, reply);
}

/** Headers of a raw answer that the socket writer sets itself, not copied from the app's. */
const OWN_HEADERS = new Set([
  'content-length',
  'content-type',
  'x-request-id',
  'date',
  'connection',
  'keep-alive',
]);

const appHeaders = new WeakMap<FastifyInstance, Promise<Record<string, string>>>();

/** The security headers the app sends on an API error, taken once from its own not-found answer. */
function headersOf(app: FastifyInstance): Promise<Record<string, string>> {
  let headers = appHeaders.get(app);
  if (!headers) {
    headers = app.inject({ method: 'GET', url: '/api/v1/not-routable' }).then((probe) =>
      Object.fromEntries(
        Object.entries(probe.headers)
          .filter(([name]) => !OWN_HEADERS.has(name))
          .map(([name, value]) => [name, String(value)]),
      ),
    );
    appHeaders.set(app, headers);
  }
  return headers;
}

function clientErrorOf(error: ConnectionError): AppError {
  if (error.code === 'HPE_HEADER_OVERFLOW') return new AppError(CommonErrors['request.headers_too_large']);
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AppError(CommonErrors['request.timeout']);
  return new AppError(CommonErrors['request.invalid'], { rule: 'malformed' });
}

/**
 * Answers what Node refuses before Fastify sees a request — a URL or headers over the size limit, a
 * malformed request, a timeout — in the error shape with the app's security headers, where Node and
 * Fastify would answer bare. The request was never parsed, so the message is in English.
 */
export function clientErrorHandler(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const appError = clientErrorOf(error);
  const requestId = crypto.randomUUID();
  this.log.info({ err: error, requestId }, 'refused a request Node could not parse');
  const body = JSON.stringify({
    error: {
      code: appError.code,
      message: messageOf(appError, 'en'),
      details: { ...appError.details, requestId },
    },
  });
  headersOf(this).then(
    (headers) => {
      if (!socket.writable) return socket.destroy();
      const lines = Object.entries({
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        'x-request-id': requestId,
        connection: 'close',
      }).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.end(
        `HTTP/1.1 ${appError.status} ${http.STATUS_CODES[appError.status]}\r\n${lines.join('')}\r\n${body}`,
      );
    },
    () => socket.destroy(),
  );
}
