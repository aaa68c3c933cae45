import { defineErrors } from '../../errors.js';

/** Characters a person sees in a custom role's or a user group's name, trimmed. */
export const MAX_NAME_LENGTH = 30;
/** Characters in a custom role's or a user group's description. */
export const MAX_DESCRIPTION_LENGTH = 200;

export const RoleErrors = defineErrors({
  'role.not_found': {
    status: 404,
    en: 'There is no such custom role in this organization. Reload the roles and pick it again.',
    zh: '该组织中没有这个自定义角色。请刷新角色列表后重新选择。',
  },
  'role.invalid_name': {
    status: 400,
    en: `A role name has 1 to ${MAX_NAME_LENGTH} characters, not counting spaces at either end. Enter a shorter or non-empty name.`,
    zh: `角色名称为1到${MAX_NAME_LENGTH}个字符（不含首尾空格）。请输入非空且更短的名称。`,
  },
  'role.name_taken': {
    status: 409,
    en: 'Another role in this organization already has this name (names ignore upper and lower case). Choose a different name.',
    zh: '该组织中已有同名角色（名称不区分大小写）。请换一个名称。',
  },
  'role.name_reserved': {
    status: 409,
    en: '"{name}" is the name of a built-in role. Choose a different name for the custom role.',
    zh: '"{name}"是内置角色的名称。请为自定义角色换一个名称。',
  },
  'role.unknown_permission': {
    status: 400,
    en: 'There is no permission "{permission}". Choose permissions from the catalogue (GET /api/v1/permissions).',
    zh: '不存在权限"{permission}"。请从权限目录（GET /api/v1/permissions）中选择。',
  },
  'role.permission_not_held': {
    status: 403,
    en: 'You can only grant permissions you hold yourself; you do not hold "{permission}". Ask an admin to grant it.',
    zh: '您只能授予自己拥有的权限；您没有"{permission}"权限。请联系管理员授予。',
  },
  'role.in_use': {
    status: 409,
    en: '{members, plural, one {# member still has this role. Take the role away from that member} other {# members still have this role. Take the role away from those members}} first, then delete it.',
    zh: '仍有{members}名成员拥有该角色。请先取消这些成员的该角色，再删除它。',
  },
});

export const GroupErrors = defineErrors({
  'group.not_found': {
    status: 404,
    en: 'There is no such user group in this organization. Reload the user groups and pick it again.',
    zh: '该组织中没有这个用户组。请刷新用户组列表后重新选择。',
  },
  'group.invalid_name': {
    status: 400,
    en: `A user group name has 1 to ${MAX_NAME_LENGTH} characters, not counting spaces at either end. Enter a shorter or non-empty name.`,
    zh: `用户组名称为1到${MAX_NAME_LENGTH}个字符（不含首尾空格）。请输入非空且更短的名称。`,
  },
  'group.name_taken': {
    status: 409,
    en: 'Another user group in this organization already has this name (names ignore upper and lower case). Choose a different name.',
    zh: '该组织中已有同名用户组（名称不区分大小写）。请换一个名称。',
  },
  'group.member_not_found': {
    status: 422,
    en: '{count, plural, one {# of the chosen people is not a member of this organization, or has been removed} other {# of the chosen people are not members of this organization, or have been removed}}. Reload the member list and choose again.',
    zh: '所选人员中有{count}人不是该组织的成员，或已被移除。请刷新成员列表后重新选择。',
  },
});
