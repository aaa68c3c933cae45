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
  'access.approvals_required': {
    status: 403,
    en: 'Approving or rejecting join requests needs the permission "approvals.manage". Ask an admin who holds it.',
    zh: '审批加入申请需要"approvals.manage"权限。请联系拥有该权限的管理员。',
  },
  'access.out_of_scope': {
    status: 403,
    en: 'This is outside the departments you manage ({outside}). You can act only on members and departments under the departments your roles cover; ask an admin whose roles cover it.',
    zh: '这超出了您管理的部门范围（{outside}）。您只能对自己角色所覆盖部门下的成员和部门进行操作；请联系覆盖该范围的管理员。',
  },
  'access.built_in_scoped': {
    status: 422,
    en: 'The built-in role "{role}" is held over the whole organization only. Grant it org-wide, or create a custom role with the permissions you need and grant that over departments.',
    zh: '内置角色"{role}"只能在整个组织范围内授予。请在全组织授予，或创建包含所需权限的自定义角色，再按部门授予。',
  },
  'access.scope_required': {
    status: 422,
    en: 'A role granted over departments needs at least one department. Pick the departments, or grant the role over the whole organization.',
    zh: '按部门授予的角色至少需要一个部门。请选择部门，或在全组织范围内授予该角色。',
  },
  'access.org_role_required': {
    status: 422,
    en: 'A member holds at least one role over the whole organization (usually Member). Keep one org-wide role beside the roles over departments.',
    zh: '成员至少要在整个组织范围内拥有一个角色（通常是"成员"）。请在按部门授予的角色之外保留一个全组织角色。',
  },
});
