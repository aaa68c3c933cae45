import type { ColumnType, Generated, Selectable } from 'kysely';

/** A timestamp column: read as a Date, written as a Date, an ISO string or an SQL expression. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a default (usually now()). */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** Set once, by its default. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** Member statuses of PRODUCT.md's status table. */
export type MemberStatus =
  | 'invited'
  | 'invitation_expired'
  | 'declined'
  | 'pending'
  | 'rejected'
  | 'active'
  | 'disabled'
  | 'removed';

export type Locale = 'en' | 'zh-CN';

export interface AccountsTable {
  id: Generated<string>;
  kind: 'managed' | 'personal';
  username: string;
  email: string | null;
  phone: string | null;
  name: string;
  password_hash: string;
  password_temporary: Generated<boolean>;
  password_expires_at: Timestamp | null;
  password_changed_at: DefaultTimestamp;
  is_operator: Generated<boolean>;
  disabled_at: Timestamp | null;
  locale: Generated<Locale>;
  last_sign_in_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
}

export interface SessionsTable {
  id_hash: string;
  account_id: string;
  created_at: CreatedAt;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface ThrottlesTable {
  key: string;
  hits: number;
  window_started_at: Timestamp;
}

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  code: string;
  domain: string;
  plan: Generated<'free' | 'paid'>;
  member_limit: Generated<number>;
  seats_used: Generated<number>;
  owner_account_id: string;
  join_rules: ColumnType<Record<string, unknown>, string | undefined, string>;
  join_link_hash: string | null;
  join_link_sealed: string | null;
  /** Default language of messages to members; a managed account starts with it. */
  locale: Generated<Locale>;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
}

export interface DepartmentsTable {
  id: Generated<string>;
  org_id: string;
  parent_id: string | null;
  name: string;
  sort_order: Generated<number>;
  path: string;
  is_root: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
}

export interface MembersTable {
  id: Generated<string>;
  org_id: string;
  /** Null only while the row is an invitation nobody accepted (invited, invitation_expired, declined). */
  account_id: string | null;
  status: MemberStatus;
  status_reason: string | null;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  version: Generated<number>;
  created_by: string | null;
  joined_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
  /** Copied from the account so the directory sorts and searches one table. */
  name: Generated<string>;
  sort_name: Generated<string>;
  search_text: Generated<string>;
  /** The phone number of search_text (E.164) in a column of its own, for its b-tree; null without one. */
  search_phone: string | null;
  employee_id: string | null;
  work_location: string | null;
  org_email: string | null;
  directory_order: Generated<number>;
  expires_at: Timestamp | null;
  invitation_address: string | null;
  status_changed_at: DefaultTimestamp;
  invitation_channel: InvitationChannel | null;
  invited_at: Timestamp | null;
  invitation_expires_at: Timestamp | null;
  reminded_at: Timestamp | null;
  join_fields: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  join_note: string | null;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  invitation_message_id: string | null;
}

/** How a person was asked in: a message, a manual link, or the org's public link / code (a request). */
export type InvitationChannel = 'email' | 'sms' | 'link' | 'public';

/** A short piece of a member's name or pinyin initials, with the directory's sort key. */
export interface MemberSearchGramsTable {
  org_id: string;
  gram: string;
  directory_order: number;
  sort_name: string;
  member_id: string;
}

/** Members per org and status, kept by triggers on members. */
export interface MemberStatusCountsTable {
  org_id: string;
  status: MemberStatus;
  count: number;
}

/** Members per department (every status but removed), kept by triggers; no row means none. */
export interface DepartmentMemberCountsTable {
  department_id: string;
  /** In the department itself. */
  direct_count: number;
  /** In it or any department below it, each person once. */
  subtree_count: number;
}

/** A custom role: permission keys from the catalogue. */
export interface OrgRolesTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  description: Generated<string>;
  permissions: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
}

export interface UserGroupsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  description: Generated<string>;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
}

export interface MemberGroupsTable {
  org_id: string;
  group_id: string;
  member_id: string;
}

export interface MemberDepartmentsTable {
  org_id: string;
  member_id: string;
  department_id: string;
  is_primary: Generated<boolean>;
  position: string | null;
}

/** A custom role held over a department and everything below it (org-wide roles are members.roles). */
export interface MemberGrantsTable {
  org_id: string;
  member_id: string;
  role_id: string;
  department_id: string;
  created_at: CreatedAt;
}

/** A head of a department (a member of the same org). */
export interface DepartmentHeadsTable {
  org_id: string;
  department_id: string;
  member_id: string;
  created_at: CreatedAt;
}

export type TokenPurpose = 'setup' | 'registration' | 'invitation' | 'password_reset' | 'public_join';

export interface TokensTable {
  id: Generated<string>;
  purpose: TokenPurpose;
  hash: string;
  org_id: string | null;
  account_id: string | null;
  recipient: string | null;
  expires_at: Timestamp | null;
  used_at: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
  member_id: string | null;
  ended: 'used' | 'replaced' | 'revoked' | null;
}

export interface AuditEventsTable {
  id: ColumnType<number, never, never>;
  org_id: string | null;
  actor_account_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** The target's name when the event was written; kept after a rename or a deletion. */
  target_label: string | null;
  outcome: Generated<'success' | 'failure'>;
  ip: string | null;
  request_id: string | null;
  before: unknown;
  after: unknown;
  created_at: CreatedAt;
  /** The API token the actor acted through, when the request used one. */
  actor_token_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  permissions: string[];
  /** SHA-256 of the raw token; the raw token is never stored. */
  hash: string;
  /** The raw token's first characters, not secret. */
  prefix: string;
  /** Whose access the token acts with: the creator, or a removed creator's successor. */
  account_id: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'kept' | 'failed';

export interface OutboxMessagesTable {
  id: Generated<string>;
  dedupe_key: string;
  org_id: string | null;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  claimed_at: Timestamp | null;
  sent_at: Timestamp | null;
  created_at: CreatedAt;
}

/** How SMTP connects: plain, STARTTLS required, or TLS from the start. */
export type SmtpSecurity = 'none' | 'starttls' | 'tls';

export interface DeliverySettingsTable {
  id: Generated<number>;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: SmtpSecurity | null;
  smtp_user: string | null;
  smtp_password_sealed: string | null;
  mail_from: string | null;
  sms_webhook_url: string | null;
  sms_secret_sealed: string | null;
  version: Generated<number>;
  updated_by: string | null;
  updated_at: DefaultTimestamp;
}

/** A jsonb column: read as parsed JSON, written as JSON text (pg would turn a bare array into a Postgres array). */
type Json = ColumnType<unknown, string, string>;

export type TaskKind = 'import' | 'export' | 'bulk';
export type TaskStatus = 'pending' | 'preparing' | 'ready' | 'running' | 'done' | 'failed' | 'cancelled';
export type ImportOutcome = 'created' | 'invited' | 'updated' | 'unchanged' | 'failed';

export interface TasksTable {
  id: Generated<string>;
  number: Generated<string>;
  org_id: string;
  kind: TaskKind;
  mode: string | null;
  options: ColumnType<unknown, string | undefined, string>;
  created_by: string | null;
  /** The API token the task was started with: its jobs act within it. */
  actor_token_id: ColumnType<string | null, string | null | undefined, never>;
  file_name: string | null;
  file_digest: string | null;
  status: Generated<TaskStatus>;
  confirmed: Generated<boolean>;
  cancel_requested: Generated<boolean>;
  rows_total: Generated<number>;
  rows_done: Generated<number>;
  counts: ColumnType<unknown, string | undefined, string>;
  seats_reserved: Generated<number>;
  quota_reserved: Generated<number>;
  requester_ip: string | null;
  confirmed_at: Date | null;
  heartbeat_at: Date | null;
  error: ColumnType<unknown, string | null, string | null>;
  created_at: DefaultTimestamp;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: DefaultTimestamp;
  cursor: ColumnType<unknown, string | null | undefined, string | null>;
  chunks_done: Generated<number>;
}

export interface TaskFilesTable {
  task_id: string;
  purpose: 'upload' | 'result' | 'rows';
  seq: number;
  data: Buffer;
}

export interface ImportRowsTable {
  task_id: string;
  line: number;
  cells: string[];
  input: Json | null;
  problem: Json | null;
  outcome: ImportOutcome | null;
  member_id: string | null;
}

export interface TaskMembersTable {
  task_id: string;
  seq: number;
  member_id: string;
  name: string;
  ok: boolean;
  code: string | null;
  message: string | null;
}

/** An org's SCIM provisioning choices (0015-scim); no row: the defaults. */
export interface ScimSettingsTable {
  org_id: string;
  create_departments: Generated<boolean>;
  send_password_link: Generated<boolean>;
  updated_at: DefaultTimestamp;
}

/** What an identity provider sent about a member that the member core does not keep. */
export interface ScimUsersTable {
  member_id: string;
  org_id: string;
  external_id: string | null;
  given_name: string | null;
  family_name: string | null;
  manager_id: string | null;
  created_at: CreatedAt;
}

/** The identity provider's id of a user group it provisioned. */
export interface ScimGroupsTable {
  group_id: string;
  org_id: string;
  external_id: string | null;
}

/** The database as Kysely sees it. */
/** An org's webhook endpoint (0016-webhooks); its secrets are sealed. */
export interface WebhookEndpointsTable {
  id: Generated<string>;
  org_id: string;
  url: string;
  description: Generated<string>;
  /** The event types it wants; empty: every type. */
  events: Generated<string[]>;
  enabled: Generated<boolean>;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Timestamp | null;
  failing_since: Timestamp | null;
  disabled_reason: 'manual' | 'failing' | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
}

/** One change an org's endpoints hear about, recorded in the change's transaction. */
export interface WebhookEventsTable {
  id: Generated<string>;
  org_id: string;
  type: string;
  resource_type: string;
  resource_id: string | null;
  snapshot: unknown;
  /** The JSON body, rendered once at the first dispatch. */
  payload: string | null;
  /** A test ping's one endpoint; null: every subscribed endpoint. */
  endpoint_id: string | null;
  created_at: CreatedAt;
  dispatched_at: Timestamp | null;
}

/** One attempt to deliver an event to an endpoint. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  event_id: string;
  endpoint_id: string;
  attempt: number;
  succeeded: boolean;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_body: string | null;
  created_at: CreatedAt;
}

export interface DB {
  accounts: AccountsTable;
  sessions: SessionsTable;
  throttles: ThrottlesTable;
  organizations: OrganizationsTable;
  departments: DepartmentsTable;
  members: MembersTable;
  member_departments: MemberDepartmentsTable;
  member_grants: MemberGrantsTable;
  department_heads: DepartmentHeadsTable;
  member_search_grams: MemberSearchGramsTable;
  member_status_counts: MemberStatusCountsTable;
  department_member_counts: DepartmentMemberCountsTable;
  org_roles: OrgRolesTable;
  user_groups: UserGroupsTable;
  member_groups: MemberGroupsTable;
  tokens: TokensTable;
  audit_events: AuditEventsTable;
  outbox_messages: OutboxMessagesTable;
  delivery_settings: DeliverySettingsTable;
  tasks: TasksTable;
  task_files: TaskFilesTable;
  import_rows: ImportRowsTable;
  task_members: TaskMembersTable;
  api_tokens: ApiTokensTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  scim_settings: ScimSettingsTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
}

export type Task = Selectable<TasksTable>;

export type Account = Selectable<AccountsTable>;
export type Organization = Selectable<OrganizationsTable>;
export type Department = Selectable<DepartmentsTable>;
export type Member = Selectable<MembersTable>;
