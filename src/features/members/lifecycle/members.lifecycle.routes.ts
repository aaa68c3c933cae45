import { Type } from 'typebox';
import type { AppContext } from '../../../context.js';
import { orgActorOf } from '../../../http/auth.js';
import { metaOf } from '../../../http/request-meta.js';
import { errorResponses } from '../../../http/schemas.js';
import type { App } from '../../../http/types.js';
import {
  DeleteMemberQuery,
  MemberParams,
  MemberResponse,
  RemoveBody,
  RenewBody,
  ResetPasswordBody,
  ResetPasswordResponse,
  RestoreBody,
  VersionBody,
} from '../members.schemas.js';
import { deleteMember, disableMember, enableMember, renewMember } from './members.lifecycle.js';
import { resetMemberPassword } from './members.password.js';
import { disableAndRemoveMember, removeMember, restoreMember } from './members.removal.js';

const tags = ['members'];
const manage = { access: { kind: 'org', permission: 'members.manage', scoped: true } } as const;
const path = '/api/v1/orgs/:orgId/members/:memberId';

/** The status changes of PRODUCT.md's table, and the admin's password reset. */
export function memberLifecycleRoutes(app: App, ctx: AppContext): void {
  app.post(
    `${path}/disable`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Disable an active member: its access to this organization ends at once',
        params: MemberParams,
        body: VersionBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      member: await disableMember(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.body,
      ),
    }),
  );

  app.post(
    `${path}/enable`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Enable a disabled member (one whose expiration time passed must be renewed instead)',
        params: MemberParams,
        body: VersionBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      member: await enableMember(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.body,
      ),
    }),
  );

  app.post(
    `${path}/renew`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Give an active or disabled member a new expiration time (or none) and make it active',
        params: MemberParams,
        body: RenewBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      member: await renewMember(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.body,
      ),
    }),
  );

  app.post(
    `${path}/remove`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Remove a disabled member, handing the departments it heads over to another member',
        params: MemberParams,
        body: RemoveBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => ({
      member: await removeMember(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.body,
      ),
    }),
  );

  app.post(
    `${path}/disable-and-remove`,
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Disable an active member and remove it in one step (both or neither), handing the departments ' +
          'it heads over to another member',
        params: MemberParams,
        body: RemoveBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => ({
      member: await disableAndRemoveMember(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.body,
      ),
    }),
  );

  app.post(
    `${path}/restore`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Restore a removed member to active, in its departments (or the root department)',
        params: MemberParams,
        body: RestoreBody,
        response: { 200: MemberResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      member: await restoreMember(
        ctx,
        metaOf(request),
        orgActorOf(request),
        request.params.memberId,
        request.body,
      ),
    }),
  );

  app.delete(
    path,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Delete someone who never joined (invited, expired, declined, pending, rejected)',
        params: MemberParams,
        querystring: DeleteMemberQuery,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteMember(ctx, metaOf(request), orgActorOf(request), request.params.memberId, request.query);
      return reply.status(204).send(null);
    },
  );

  app.post(
    `${path}/password`,
    {
      config: manage,
      schema: {
        tags,
        summary: "Reset an active member's password: set or generate a temporary one, or send a reset link",
        params: MemberParams,
        body: ResetPasswordBody,
        response: { 200: ResetPasswordResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      resetMemberPassword(ctx, metaOf(request), orgActorOf(request), request.params.memberId, request.body),
  );
}
