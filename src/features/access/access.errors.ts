import { defineErrors } from '../../errors.js';

/** Refusals of the privilege rule (privilege.ts): no one acts above their own privilege. */
export const AccessErrors = defineErrors({
  'access.above_privilege': {
    status: 403,
    en: 'This member holds permissions you do not have ({permissions}), so you cannot change their access, password, roles or contacts. Ask the owner or an admin who holds them.',
    zh: '该成员拥有您没有的权限（{permissions}），因此您不能更改其访问状态、密码、角色或联系方式。请联系拥有这些权限的所有者或管理员。',
  },
  'access.roles_manage_required': {
    status: 403,
    en: 'Giving or taking away roles needs the permission "roles.manage". Leave the roles as they are, or ask an admin to change them.',
    zh: '分配或收回角色需要"roles.manage"权限。请保持角色不变，或请管理员修改。',
  },
  'access.role_above_privilege': {
    status: 403,
    en: 'These roles involve permissions you do not hold ({permissions}); you can only give or take away roles within your own permissions. Ask the owner or an admin.',
    zh: '这些角色涉及您没有的权限（{permissions}）；您只能在自己的权限范围内分配或收回角色。请联系所有者或管理员。',
  },
});
