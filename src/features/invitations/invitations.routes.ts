import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { orgActorOf, principalOf, setSessionCookie } from '../../http/auth.js';
import { metaOf } from '../../http/request-meta.js';
import { errorResponses } from '../../http/schemas.js';
import type { App } from '../../http/types.js';
import { MeResponse } from '../accounts/accounts.schemas.js';
import { MemberParams } from '../members/members.schemas.js';
import { OrgParams } from '../organizations/organizations.schemas.js';
import {
  acceptInvitation,
  declineInvitation,
  previewInvitation,
  registerThroughInvitation,
} from './invitations.accept.js';
import { inviteWithContacts, listContacts } from './invitations.contacts.js';
import { ContactListQuery, ContactPage } from './invitations.contacts.schemas.js';
import { listInvitations, listJoinRequests } from './invitations.queries.js';
import {
  AcceptBody,
  BatchResponse,
  InvitationBatchBody,
  InvitationLink,
  InvitationListQuery,
  InvitationPage,
  InvitationPreview,
  InviteRequestBody,
  InviteResponse,
  JoinLinkView,
  JoinOutcome,
  JoinPreview,
  JoinRequestBatchBody,
  JoinRequestBody,
  JoinRequestListQuery,
  JoinRequestPage,
  JoinRulesBody,
  JoinRulesView,
  JoinTarget,
  LinkInvitationBody,
  LinkInvitationResponse,
  RegisterThroughInvitationBody,
  TokenBody,
} from './invitations.schemas.js';
import { batchInvitations, createLinkInvitation, newInvitationLink } from './invitations.service.js';
import {
  batchJoinRequests,
  getJoinLink,
  getJoinRules,
  joinLinkQr,
  previewJoin,
  requestToJoin,
  rotateJoinLink,
  updateJoinRules,
} from './join-requests.service.js';

const tags = ['invitations'];
const inviter = { access: { kind: 'org', permission: 'members.invite' } } as const;
const reader = { access: { kind: 'org', permission: 'members.read', scoped: true } } as const;
const manager = { access: { kind: 'org', permission: 'members.manage', scoped: true } } as const;
const approver = { access: { kind: 'org', permission: 'approvals.manage', scoped: true } } as const;
const orgReader = { access: { kind: 'org', permission: 'org.read' } } as const;
const orgManager = { access: { kind: 'org', permission: 'org.manage' } } as const;
const everyone = { access: { kind: 'public' } } as const;
const signedIn = { access: { kind: 'session' } } as const;
const QrQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('png'), Type.Literal('svg')], { default: 'png' })) },
  { additionalProperties: false },
);

/** Invitations, the invitee's side of them, join rules, the public link and join requests. */
export function invitationRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/api/v1/orgs/:orgId/invitations',
    {
      config: inviter,
      schema: {
        tags,
        summary:
          'Invite people by email or mobile, or picked from contacts by id (up to 1,000, one placement): a result per person; over the member limit, nothing is sent',
        params: OrgParams,
        body: InviteRequestBody,
        response: { 200: InviteResponse, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request) => inviteWithContacts(ctx, metaOf(request), orgActorOf(request), request.body),
  );

  app.get(
    '/api/v1/orgs/:orgId/invitations/contacts',
    {
      config: inviter,
      schema: {
        tags,
        summary:
          'People to invite without typing: active members of your other organizations where you see every member, by name or pinyin, addresses masked, with where each stands here',
        params: OrgParams,
        querystring: ContactListQuery,
        response: { 200: ContactPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listContacts(ctx, orgActorOf(request), request.query),
  );

  app.post(
    '/api/v1/orgs/:orgId/invitations/link',
    {
      config: inviter,
      schema: {
        tags,
        summary:
          'Make a manual invitation link (seed 003): shown once, any personal account may use it within 3 days',
        params: OrgParams,
        body: LinkInvitationBody,
        response: { 201: LinkInvitationResponse, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createLinkInvitation(ctx, metaOf(request), orgActorOf(request), request.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/invitations',
    {
      config: reader,
      schema: {
        tags,
        summary:
          'Invitations nobody accepted yet, newest first, with the delivery status of their last message',
        params: OrgParams,
        querystring: InvitationListQuery,
        response: { 200: InvitationPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listInvitations(ctx.db, orgActorOf(request), request.query),
  );

  app.post(
    '/api/v1/orgs/:orgId/invitations/batch',
    {
      config: manager,
      schema: {
        tags,
        summary: 'Resend, revoke or re-invite many invitations; each is done or refused on its own',
        params: OrgParams,
        body: InvitationBatchBody,
        response: { 200: BatchResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => batchInvitations(ctx, metaOf(request), orgActorOf(request), request.body),
  );

  app.post(
    '/api/v1/orgs/:orgId/invitations/:memberId/link',
    {
      config: manager,
      schema: {
        tags,
        summary: 'A new link for an open invitation, good for 3 days; the link sent before stops working',
        params: MemberParams,
        response: { 200: InvitationLink, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => newInvitationLink(ctx, metaOf(request), orgActorOf(request), request.params.memberId),
  );

  app.post(
    '/api/v1/invitations/preview',
    {
      config: everyone,
      schema: {
        tags,
        summary:
          'What an invitation link offers: who invites whom to which organization. Never uses the link up (mail scanners open links too)',
        body: TokenBody,
        response: { 200: InvitationPreview, ...errorResponses(400, 403, 404, 410) },
      },
    },
    async (request) => previewInvitation(ctx, request.body.token),
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      config: signedIn,
      schema: {
        tags,
        summary:
          'Accept an invitation with the signed-in account: active, or pending where an approver decides (PRODUCT.md, who needs approval)',
        body: AcceptBody,
        response: { 200: JoinOutcome, ...errorResponses(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request) => acceptInvitation(ctx, metaOf(request), principalOf(request).accountId, request.body),
  );

  app.post(
    '/api/v1/invitations/decline',
    {
      config: everyone,
      schema: {
        tags,
        summary: 'Decline an invitation: the organization sees it declined and may invite again',
        body: TokenBody,
        response: { 204: Type.Null(), ...errorResponses(400, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      await declineInvitation(ctx, metaOf(request), request.body.token);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/invitations/register',
    {
      config: everyone,
      schema: {
        tags,
        summary:
          'Register a personal account with the invited address in one step (the link proves it) and sign in; accept next',
        body: RegisterThroughInvitationBody,
        response: { 201: MeResponse, ...errorResponses(400, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const { token, account } = await registerThroughInvitation(ctx, metaOf(request), request.body);
      setSessionCookie(ctx, reply, token);
      return reply.status(201).send({ account });
    },
  );

  app.get(
    '/api/v1/orgs/:orgId/join-rules',
    {
      config: orgReader,
      schema: {
        tags,
        summary: 'The join rules: enrollment approval, required fields, public link, reminders',
        params: OrgParams,
        response: { 200: JoinRulesView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getJoinRules(ctx, orgActorOf(request).orgId),
  );

  app.patch(
    '/api/v1/orgs/:orgId/join-rules',
    {
      config: orgManager,
      schema: {
        tags,
        summary:
          'Change the join rules; turning the public link off refuses link, QR code and org code alike',
        params: OrgParams,
        body: JoinRulesBody,
        response: { 200: JoinRulesView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => updateJoinRules(ctx, metaOf(request), orgActorOf(request), request.body),
  );

  app.get(
    '/api/v1/orgs/:orgId/join-link',
    {
      config: orgManager,
      schema: {
        tags,
        summary:
          'The public link (kept so admins can show it again), whether it takes requests, and the org code',
        params: OrgParams,
        response: { 200: JoinLinkView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => getJoinLink(ctx, orgActorOf(request).orgId),
  );

  app.post(
    '/api/v1/orgs/:orgId/join-link/rotate',
    {
      config: orgManager,
      schema: {
        tags,
        summary: 'A new public link: the old one (and its QR code) stops working at once',
        params: OrgParams,
        response: { 200: JoinLinkView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => rotateJoinLink(ctx, metaOf(request), orgActorOf(request)),
  );

  app.get(
    '/api/v1/orgs/:orgId/join-link/qr',
    {
      config: orgManager,
      schema: {
        tags,
        summary: 'The public link as a QR code, PNG or SVG, to print or share',
        params: OrgParams,
        querystring: QrQuery,
        response: {
          200: Type.Unknown({ description: 'image/png or image/svg+xml' }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { orgId } = orgActorOf(request);
      const format = request.query.format ?? 'png';
      const image = await joinLinkQr(ctx, orgId, format);
      return reply
        .type(format === 'svg' ? 'image/svg+xml' : 'image/png')
        .header('content-disposition', `attachment; filename="join-${orgId}.${format}"`)
        .send(image);
    },
  );

  app.post(
    '/api/v1/join/preview',
    {
      config: everyone,
      schema: {
        tags,
        summary:
          'Where a public link or an org code leads: the organization’s name only, and what it asks joiners',
        body: JoinTarget,
        response: { 200: JoinPreview, ...errorResponses(400, 403, 404, 429) },
      },
    },
    async (request) => previewJoin(ctx, metaOf(request), request.body),
  );

  app.post(
    '/api/v1/join/requests',
    {
      config: signedIn,
      schema: {
        tags,
        summary: 'Ask to join through the public link or the org code: always a request an approver decides',
        body: JoinRequestBody,
        response: { 201: JoinOutcome, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await requestToJoin(ctx, metaOf(request), principalOf(request).accountId, request.body)),
  );

  app.get(
    '/api/v1/orgs/:orgId/join-requests',
    {
      config: approver,
      schema: {
        tags,
        summary: 'Pending or rejected requests to join, newest first, with what each person filled in',
        params: OrgParams,
        querystring: JoinRequestListQuery,
        response: { 200: JoinRequestPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => listJoinRequests(ctx.db, orgActorOf(request), request.query),
  );

  app.post(
    '/api/v1/orgs/:orgId/join-requests/batch',
    {
      config: approver,
      schema: {
        tags,
        summary:
          'Approve (with a placement), reject (with a reason) or re-approve many requests; each is done or refused on its own',
        params: OrgParams,
        body: JoinRequestBatchBody,
        response: { 200: BatchResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => batchJoinRequests(ctx, metaOf(request), orgActorOf(request), request.body),
  );
}
