import { defineErrors } from '../../errors.js';
import { MAX_NAME_LENGTH } from '../departments/departments.tree.js';

export const OrganizationErrors = defineErrors({
  'organization.not_found': {
    status: 404,
    en: 'There is no such organization, or you are not an active member of it. Pick one from the organization switcher.',
    zh: '没有该组织，或您不是它的在职成员。请在组织切换器中选择。',
  },
  'organization.domain_taken': {
    status: 409,
    en: 'Another organization already uses this domain. Choose another domain suffix.',
    zh: '该域名已被其他组织使用。请换一个域名后缀。',
  },
  'organization.invalid_domain': {
    status: 400,
    en: 'The domain must look like acme.example: lowercase letters, digits and dashes, with at least one dot.',
    zh: '域名格式应类似 acme.example：小写字母、数字和短横线，至少包含一个点。',
  },
  'organization.invalid_name': {
    status: 400,
    en: `An organization name has 1 to ${MAX_NAME_LENGTH} characters, not counting spaces at either end: it is also the name of its root department. Enter a shorter or non-empty name.`,
    zh: `组织名称为1到${MAX_NAME_LENGTH}个字符（不含首尾空格），它同时是根部门的名称。请输入非空且更短的名称。`,
  },
  'organization.rename_owner_only': {
    status: 403,
    en: 'Only the owner of the organization can rename it (its name is also the root department’s name). Ask the owner to do it.',
    zh: '只有组织的所有者可以重命名组织（组织名称也是根部门的名称）。请联系所有者操作。',
  },
  'organization.creation_operators_only': {
    status: 403,
    en: 'On this server only operators create organizations. Ask an operator to create one for you, or ask an organization’s admin to invite you.',
    zh: '在本服务器上只有运维人员可以创建组织。请联系运维人员为您创建，或请组织管理员邀请您加入。',
  },
  'organization.creation_managed_account': {
    status: 403,
    en: 'An account created by an organization cannot create or own another organization. Sign in with a personal account to create one.',
    zh: '由组织创建的账号不能创建或拥有其他组织。请使用个人账号登录后再创建。',
  },
  'organization.limit_below_seats': {
    status: 409,
    en: 'The member limit cannot be lower than the {seatsUsed, plural, one {# member} other {# members}} the organization already has.',
    zh: '成员上限不能低于该组织已有的{seatsUsed}名成员。',
  },
  'setup.invalid_code': {
    status: 403,
    en: 'The setup code is wrong or was replaced by a newer one. Use the link the server printed most recently.',
    zh: '初始化代码错误或已被更新的代码取代。请使用服务器最近打印的链接。',
  },
  'setup.already_done': {
    status: 409,
    en: 'This installation is already set up. Sign in instead.',
    zh: '该系统已完成初始化。请直接登录。',
  },
});
