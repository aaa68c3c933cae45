/**
 * The shapes the console reads from and sends to `/api/v1`, taken from the server's own response
 * schemas (type-only imports: nothing of the server reaches the bundle), so the two cannot drift apart.
 */
import type { Static } from 'typebox';
import type { Me as ServerMe } from '../../src/features/accounts/accounts.schemas.js';
import type {
  ApiTokenList as ServerApiTokenList,
  CreatedApiToken as ServerCreatedApiToken,
} from '../../src/features/api-tokens/api-tokens.schemas.js';
import type { AuditPage as ServerAuditPage } from '../../src/features/audit/audit.schemas.js';
import type {
  Department as ServerDepartment,
  DepartmentSearchHit as ServerDepartmentSearchHit,
} from '../../src/features/departments/departments.schemas.js';
import type { ContactPage as ServerContactPage } from '../../src/features/invitations/invitations.contacts.schemas.js';
import type {
  BatchResponse as ServerBatchResponse,
  InvitationLink as ServerInvitationLink,
  InvitationPage as ServerInvitationPage,
  InvitationPreview as ServerInvitationPreview,
  InvitationView as ServerInvitationView,
  InviteRequestBody as ServerInviteBody,
  InviteResponse as ServerInviteResponse,
  JoinLinkView as ServerJoinLinkView,
  JoinOutcome as ServerJoinOutcome,
  JoinPreview as ServerJoinPreview,
  JoinRequestPage as ServerJoinRequestPage,
  JoinRequestView as ServerJoinRequestView,
  JoinRulesBody as ServerJoinRulesBody,
  JoinRulesView as ServerJoinRulesView,
  LinkInvitationResponse as ServerLinkInvitationResponse,
} from '../../src/features/invitations/invitations.schemas.js';
import type { BatchMemberResponse as ServerMemberBatchResponse } from '../../src/features/members/members.batch.schemas.js';
import type {
  CreateMemberBody as ServerCreateMemberBody,
  CreateMemberResponse as ServerCreateMemberResponse,
  DirectoryEntry as ServerDirectoryEntry,
  GrantInput as ServerGrantInput,
  MemberCard as ServerMemberCard,
  MemberCounts as ServerMemberCounts,
  MemberDetails as ServerMemberDetails,
  MemberGrant as ServerMemberGrant,
  MemberPage as ServerMemberPage,
  MemberSummary as ServerMemberSummary,
  ResetPasswordResponse as ServerResetPasswordResponse,
  StatusTab as ServerStatusTab,
  UpdateMemberBody as ServerUpdateMemberBody,
} from '../../src/features/members/members.schemas.js';
import type {
  MailSettingsBody,
  DeliverySettings as ServerDeliverySettings,
} from '../../src/features/operators/delivery-settings.schemas.js';
import type {
  MailboxPage,
  OutboxPage as ServerOutboxPage,
  OperationsStatus as ServerStatus,
} from '../../src/features/operators/operators.schemas.js';
import type {
  MeWithOrgsResponse,
  Organization,
  OrganizationProfile,
  OrgSummary as ServerOrgSummary,
  SetupResponse as ServerSetupResponse,
} from '../../src/features/organizations/organizations.schemas.js';
import type {
  AddGroupMembersResponse as ServerAddGroupMembersResponse,
  GroupView as ServerGroupView,
  RoleHolders as ServerRoleHolders,
  RoleView as ServerRoleView,
} from '../../src/features/roles/roles.schemas.js';
import type {
  ScimSettingsBody as ServerScimSettingsBody,
  ScimSettingsView as ServerScimSettingsView,
} from '../../src/features/scim/scim.settings.schemas.js';
import type {
  TaskDetails as ServerTaskDetails,
  TaskPage as ServerTaskPage,
  TaskView as ServerTaskView,
} from '../../src/features/tasks/tasks.schemas.js';
import type {
  DeliveryList as ServerWebhookDeliveryList,
  DeliveryResponse as ServerWebhookDeliveryResponse,
  EventCatalogue as ServerWebhookEventCatalogue,
  WebhookList as ServerWebhookList,
  WebhookWithSecret as ServerWebhookWithSecret,
} from '../../src/features/webhooks/webhooks.schemas.js';

/** The signed-in account (`Me` in the API). */
export type Me = ServerMe;

export type Locale = Me['locale'];

/**
 * An organization as listed for the signed-in account: its org-wide roles, the permissions it holds
 * org-wide, and (`scopes`) those it holds only over departments, each with its granted departments.
 */
export type OrgSummary = ServerOrgSummary;

export type MeResponse = Static<typeof MeWithOrgsResponse>;

export interface AccountResponse {
  account: Me;
}

export type Plan = Organization['plan'];

export interface OrganizationResponse {
  organization: Organization;
}

/** GET /orgs/:orgId: the profile and the country assumed for mobile numbers without a country code. */
export type OrganizationProfileResponse = Static<typeof OrganizationProfile>;

export interface SetupStatus {
  needed: boolean;
}

export type SetupResponse = Static<typeof ServerSetupResponse>;

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A page of the audit log, with names for the ids its changes mention. */
export type AuditPage = Static<typeof ServerAuditPage>;
export type AuditEvent = AuditPage['items'][number];

export type OperationsStatus = Static<typeof ServerStatus>;

/** An organization's full profile: what GET /orgs/:orgId and the operators' list answer. */
export type { Organization };

export type OutboxMessage = Static<typeof MailboxPage>['items'][number];

/** The mail server and SMS gateway set in the console (no secret: only whether one is stored). */
export type DeliverySettings = Static<typeof ServerDeliverySettings>;
export type MailSettingsInput = Static<typeof MailSettingsBody>;

/** A message as the operators' outbox lists it: its delivery, never its body. */
export type OutboxEntry = Static<typeof ServerOutboxPage>['items'][number];
export type OutboxStatus = OutboxEntry['status'];

/** A department as the tree lists it: parent, depth below the root, direct member count and heads. */
export type Department = ServerDepartment;

export type DepartmentSearchHit = ServerDepartmentSearchHit;

/** The permission that lets someone see the department tree. */
export const DEPARTMENTS_READ = 'departments.read';

/** The permission that lets someone create, rename, move and delete departments. */
export const DEPARTMENTS_MANAGE = 'departments.manage';

/** The permission that lets someone read the organization's audit log. */
export const AUDIT_READ = 'audit.read';

/** The permission that lets someone edit the organization's profile (its language for messages). */
export const ORG_MANAGE = 'org.manage';

/** A row of the member table. */
export type MemberSummary = ServerMemberSummary;

/** A page of the member table, with the installation's phone region its numbers are read in. */
export type MemberPage = ServerMemberPage;

/** A row of the directory (GET /directory): an active member's departments and work contacts, no admin field. */
export type DirectoryEntry = ServerDirectoryEntry;

/** What any member may see of another: the profile card, primary department only. */
export type MemberCard = Static<typeof ServerMemberCard>;

/** A role a member holds, over the whole organization (`departments: null`) or over departments. */
export type MemberGrant = ServerMemberGrant;

/** Every field of a member: the details drawer and the edit dialog, with the member's grants. */
export type MemberDetails = ServerMemberDetails;

/** A grant as the edit dialog sends it: a role over the whole organization (null) or departments. */
export type GrantInput = ServerGrantInput;

export type MemberStatus = MemberSummary['status'];

/** A status tab of the member table (`all` is everyone but removed members). */
export type StatusTab = ServerStatusTab;

export type MemberCounts = Static<typeof ServerMemberCounts>;

export type CreateMemberBody = ServerCreateMemberBody;

export type CreateMemberResponse = Static<typeof ServerCreateMemberResponse>;

/** An edit: `grants` (the member's whole set) replaces `roles`; send one or the other. */
export type UpdateMemberBody = ServerUpdateMemberBody;

export type ResetPasswordResponse = Static<typeof ServerResetPasswordResponse>;

/** The permission that lets someone see the directory: active members' departments and work contacts. */
export const DIRECTORY_READ = 'directory.read';

/** The permission that lets someone see the member table and a member's details. */
export const MEMBERS_READ = 'members.read';

/** The permission that lets someone add, edit, disable and remove members. */
export const MEMBERS_MANAGE = 'members.manage';

/** A role as the roles page lists it: `id` is what a member's roles hold (a built-in key or a custom role id). */
export type RoleView = ServerRoleView;

/** A user group with its member count. */
export type GroupView = ServerGroupView;

export type AddGroupMembersResponse = Static<typeof ServerAddGroupMembersResponse>;

/** GET /permissions: the permission catalogue with both languages' labels, and the built-in roles. */
export interface PermissionCatalogue {
  permissions: { key: string; en: string; zh: string }[];
  roles: { key: string; permissions: string[] }[];
  /** Permission sets the token dialog offers (`scim`: an identity provider's). */
  tokenPresets: { key: string; permissions: string[] }[];
}

/** The permission that lets someone create, edit and delete custom roles and user groups. */
export const ROLES_MANAGE = 'roles.manage';

/** GET /roles/:roleId/grants: who holds a custom role, and over what. */
export type RoleHolder = Static<typeof ServerRoleHolders>['items'][number];

/** An API token as Settings → API tokens lists it: never the raw token. */
export type ApiTokenList = Static<typeof ServerApiTokenList>;
export type ApiTokenView = ApiTokenList['items'][number];
/** A token just created: the raw token, shown this once. */
export type CreatedApiToken = Static<typeof ServerCreatedApiToken>;

/** The permission that lets someone create, list and revoke API tokens (and set how SCIM provisions). */
export const TOKENS_MANAGE = 'tokens.manage';

export type ScimSettingsView = Static<typeof ServerScimSettingsView>;
export type ScimSettingsBody = Static<typeof ServerScimSettingsBody>;

/** The refusal of an action on a member or department outside the actor's departments. */
export const OUT_OF_SCOPE = 'access.out_of_scope';

/** The permission that lets someone invite people by email, mobile or a manual link. */
export const MEMBERS_INVITE = 'members.invite';

/** The permission that lets someone approve and reject join requests. */
export const APPROVALS_MANAGE = 'approvals.manage';

/** POST /orgs/:orgId/invitations: names and addresses or contact ids, one placement for all of them. */
export type InviteBody = ServerInviteBody;

/** GET /orgs/:orgId/invitations/contacts: people to invite without typing, their addresses masked. */
export type ContactPage = Static<typeof ServerContactPage>;

export type ContactView = ContactPage['items'][number];

/** The answer to an invitation request: one result per address, in the order sent. */
export type InviteResponse = Static<typeof ServerInviteResponse>;

/** A manual invitation link: shown once, a key for whoever holds it until it expires or is replaced. */
export type LinkInvitationResponse = Static<typeof ServerLinkInvitationResponse>;

/** A fresh link for an open invitation (the old one stops working). */
export type InvitationLink = Static<typeof ServerInvitationLink>;

/** A row of the invitations page: who was invited where, by whom, and how the last message went. */
export type InvitationView = ServerInvitationView;

export type InvitationPage = Static<typeof ServerInvitationPage>;

/** A batch's answer: one result per member, in the order sent. */
export type BatchResponse = Static<typeof ServerBatchResponse>;

/** The bulk bar's answer (members/batch/status and /placement): done or refused, one per member. */
export type MemberBatchResponse = Static<typeof ServerMemberBatchResponse>;

/** A row of the join requests page. */
export type JoinRequestView = ServerJoinRequestView;

export type JoinRequestPage = Static<typeof ServerJoinRequestPage>;

/** The org's join rules (seed 004), as Settings reads them. */
export type JoinRulesView = ServerJoinRulesView;

export type JoinRulesBody = ServerJoinRulesBody;

/** A field a joiner fills in. */
export type JoinField = JoinRulesView['requiredFields'][number];

/** The public link (null until first turned on) and the org code. */
export type JoinLinkView = Static<typeof ServerJoinLinkView>;

/** What an invitation link says to the person opening it. */
export type InvitationPreview = Static<typeof ServerInvitationPreview>;

/** What a public link or org code says to the person opening it. */
export type JoinPreview = Static<typeof ServerJoinPreview>;

/** Where accepting or requesting led: active, or pending an approver's decision. */
export type JoinOutcome = Static<typeof ServerJoinOutcome>;

/** A task of the task center (an import, later an export or a bulk change) with its progress. */
export type TaskView = ServerTaskView;

export type TaskStatus = TaskView['status'];

/** One task with the first 100 rows of its import that cannot be written. */
export type TaskDetails = Static<typeof ServerTaskDetails>;

export type TaskPage = Static<typeof ServerTaskPage>;

/** Settings → Webhooks: the endpoints, each with its last delivery. */
export type WebhookList = Static<typeof ServerWebhookList>;
export type WebhookView = WebhookList['items'][number];
/** A webhook just registered or rotated: its signing secret, shown this once. */
export type WebhookWithSecret = Static<typeof ServerWebhookWithSecret>;
/** One webhook's delivery log, newest first. */
export type WebhookDeliveryList = Static<typeof ServerWebhookDeliveryList>;
export type WebhookDelivery = WebhookDeliveryList['items'][number];
/** A test ping's logged attempt. */
export type WebhookDeliveryResponse = Static<typeof ServerWebhookDeliveryResponse>;
/** The event types a webhook can subscribe to, by group. */
export type WebhookEventCatalogue = Static<typeof ServerWebhookEventCatalogue>;

/** The permission that lets someone register webhooks and read their deliveries. */
export const WEBHOOKS_MANAGE = 'webhooks.manage';
