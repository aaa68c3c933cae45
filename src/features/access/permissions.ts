/**
 * The permission catalogue: every action a role can allow. Built-in roles and custom roles (org_roles)
 * are lists of these keys; routes and services name the one they need.
 */
export const PERMISSIONS = {
  'org.read': { en: 'See the organization profile', zh: '查看组织信息' },
  'org.manage': { en: 'Edit the organization profile and join rules', zh: '编辑组织信息和加入规则' },
  'departments.read': { en: 'See departments', zh: '查看部门' },
  'departments.manage': {
    en: 'Create, rename, move and delete departments',
    zh: '创建、重命名、移动和删除部门',
  },
  'directory.read': {
    en: 'See the directory: names, departments, positions and work contacts of active members',
    zh: '查看通讯录：在职成员的姓名、部门、职位和工作联系方式',
  },
  'members.read': {
    en: 'See every member with their details and admin fields (status, last sign-in, creator, expiry)',
    zh: '查看所有成员及其详情和管理字段（状态、最近登录、创建人、到期时间）',
  },
  'members.manage': { en: 'Add, edit, disable and remove members', zh: '添加、编辑、停用和移除成员' },
  'members.invite': { en: 'Invite people to join', zh: '邀请他人加入' },
  'approvals.manage': { en: 'Approve or reject join requests', zh: '审批加入申请' },
  'roles.manage': { en: 'Create and assign roles and user groups', zh: '创建和分配角色与用户组' },
  'imports.run': { en: 'Import members in bulk', zh: '批量导入成员' },
  'exports.run': { en: 'Export members', zh: '导出成员' },
  'audit.read': { en: 'Read the audit log', zh: '查看审计日志' },
  'tokens.manage': {
    en: 'Create and revoke API tokens for programs',
    zh: '为程序创建和吊销 API 令牌',
  },
  'webhooks.manage': {
    en: 'Register webhooks and read their deliveries',
    zh: '注册 Webhook 并查看其投递记录',
  },
  'scim.provision': {
    en: 'Provision members and user groups over SCIM (for identity providers)',
    zh: '通过 SCIM 同步成员和用户组（供身份提供商使用）',
  },
} as const;

export type Permission = keyof typeof PERMISSIONS;

/**
 * Permission sets a token is commonly made with, offered by the console's token dialog. `scim`: what an
 * identity provider needs — `scim.provision` opens /scim/v2, and each change it makes goes through the
 * member core, which asks for the permission of the same change made in the console (adding and
 * disabling members, departments made on demand, filling user groups).
 */
export const TOKEN_PRESETS = {
  scim: [
    'scim.provision',
    'org.read',
    'departments.read',
    'directory.read',
    'members.read',
    'members.invite',
    'members.manage',
    'departments.manage',
    'roles.manage',
  ],
} as const satisfies Record<string, readonly Permission[]>;

const ALL = Object.keys(PERMISSIONS) as Permission[];

/** The roles every organization has. The owner is also protected by the member rules. */
export const BUILT_IN_ROLES = {
  owner: ALL,
  admin: ALL,
  member: ['org.read', 'departments.read', 'directory.read', 'members.invite'],
} as const satisfies Record<string, readonly Permission[]>;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

/** Whether a role key names a built-in role (the others in members.roles are custom role ids). */
export function isBuiltInRole(role: string): role is BuiltInRole {
  return Object.hasOwn(BUILT_IN_ROLES, role);
}

/** Whether a string is a key of the permission catalogue. */
export function isPermission(key: string): key is Permission {
  return Object.hasOwn(PERMISSIONS, key);
}

/**
 * The permissions a set of role keys grants, plus the permission lists of the member's custom roles
 * (looked up by the caller in the member's own org). Unknown keys grant nothing (fail closed).
 */
export function permissionsOf(
  roles: readonly string[],
  customRoles: readonly (readonly string[])[] = [],
): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) {
    if (!isBuiltInRole(role)) continue;
    for (const permission of BUILT_IN_ROLES[role]) granted.add(permission);
  }
  for (const list of customRoles) {
    for (const key of list) if (isPermission(key)) granted.add(key);
  }
  // Who sees every member's details sees the directory too.
  if (granted.has('members.read')) granted.add('directory.read');
  return granted;
}
