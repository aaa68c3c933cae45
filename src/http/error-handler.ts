import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CommonErrors, errorMessage } from '../errors.js';
import { AccountErrors } from '../features/accounts/accounts.errors.js';
import { DepartmentErrors } from '../features/departments/departments.errors.js';
import { MemberErrors } from '../features/members/members.errors.js';
import { OrganizationErrors } from '../features/organizations/organizations.errors.js';
import { GroupErrors, RoleErrors } from '../features/roles/roles.errors.js';
import { localeOf } from './request-meta.js';

/** Unique violations answered by constraint name: a race the service's own check could not see. */
const CONSTRAINT_ERRORS: Record<string, { code: string; field: string }> = {
  accounts_username_key: { code: AccountErrors['account.username_taken'], field: 'username' },
  accounts_email_key: { code: AccountErrors['account.email_taken'], field: 'email' },
  accounts_phone_key: { code: AccountErrors['account.phone_taken'], field: 'phone' },
  organizations_domain_key: { code: OrganizationErrors['organization.domain_taken'], field: 'domain' },
  departments_sibling_name_key: { code: DepartmentErrors['department.name_taken'], field: 'name' },
  members_employee_id_key: { code: MemberErrors['member.employee_id_taken'], field: 'employeeId' },
  org_roles_name_key: { code: RoleErrors['role.name_taken'], field: 'name' },
  user_groups_name_key: { code: GroupErrors['group.name_taken'], field: 'name' },
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
};

interface DatabaseError {
  code?: string;
  constraint?: string;
}

function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
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
    const fields = fastifyError.validation.map((v) => ({
      path: `${fastifyError.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}${
        v.keyword === 'required' ? `.${(v.params as { missingProperty: string }).missingProperty}` : ''
      }${v.keyword === 'additionalProperties' ? `.${(v.params as { additionalProperty: string }).additionalProperty}` : ''}`,
      message: v.message ?? 'is invalid',
    }));
    return new AppError(CommonErrors['request.invalid'], {
      summary: fields.map((f) => `${f.path} ${f.message}`).join('; '),
      fields,
    });
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError(CommonErrors['request.too_large'], { limit: 1_048_576 });
  }
  if (fastifyError.statusCode === 400 || fastifyError.statusCode === 415) {
    // Malformed JSON, a wrong content type, an empty body where one is required.
    return new AppError(CommonErrors['request.invalid'], { summary: fastifyError.message });
  }
  return null;
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
  if (appError.code === CommonErrors.rate_limited) {
    reply.header('retry-after', String(appError.details.retryAfterSeconds ?? 60));
  }
  return reply.status(appError.status).send({
    error: {
      code: appError.code,
      message: errorMessage(appError.code, locale, appError.details),
      details: appError.details,
    },
  });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return errorHandler(new AppError(CommonErrors['request.not_found']), request, reply);
}
