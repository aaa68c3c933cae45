import { defineErrors } from '../../errors.js';
import { MAX_DEPTH, MAX_NAME_LENGTH } from './departments.tree.js';

export const DepartmentErrors = defineErrors({
  'department.not_found': {
    status: 404,
    en: 'There is no such department in this organization. Reload the department tree and pick it again.',
    zh: '该组织中没有这个部门。请刷新部门树后重新选择。',
  },
  'department.invalid_name': {
    status: 400,
    en: `A department name has 1 to ${MAX_NAME_LENGTH} characters, not counting spaces at either end. Enter a shorter or non-empty name.`,
    zh: `部门名称为1到${MAX_NAME_LENGTH}个字符（不含首尾空格）。请输入非空且更短的名称。`,
  },
  'department.name_taken': {
    status: 409,
    en: 'Another department at the same level is already called "{name}". Choose a different name.',
    zh: '同一级已有名为"{name}"的部门。请换一个名称。',
  },
  'department.root_locked': {
    status: 409,
    en: 'The root department cannot be moved, reordered or deleted. Choose a sub-department instead.',
    zh: '根部门不能移动、排序或删除。请选择一个子部门。',
  },
  'department.cycle': {
    status: 409,
    en: 'A department cannot be moved under itself or one of its own sub-departments. Pick a target outside it.',
    zh: '部门不能移动到它自己或它的子部门之下。请选择它以外的目标部门。',
  },
  'department.too_deep': {
    status: 409,
    en: `Departments can be at most ${MAX_DEPTH} levels below the root; this would make {depth}. Choose a higher target.`,
    zh: `部门最多位于根部门以下${MAX_DEPTH}级；此操作将达到{depth}级。请选择更高一级的目标部门。`,
  },
  'department.not_empty': {
    status: 409,
    en: 'This department still has {members, plural, one {# member} other {# members}} and {subDepartments, plural, one {# sub-department} other {# sub-departments}}. Move or delete them first, then delete it.',
    zh: '该部门下仍有{members}名成员和{subDepartments}个子部门。请先移走或删除它们，再删除该部门。',
  },
  'department.has_grants': {
    status: 409,
    en: 'Roles are held over this department ({holders, plural, one {# member} other {# members}}). Take those grants away on the role page first, then delete it.',
    zh: '仍有{holders}名成员在该部门范围内持有角色。请先在角色页面撤销这些授权，再删除该部门。',
  },
  'department.order_mismatch': {
    status: 409,
    en: 'The order must list every sub-department of the parent exactly once ({expected} of them). Reload the tree and try again.',
    zh: '排序必须恰好列出该上级部门的全部子部门各一次（共{expected}个）。请刷新部门树后重试。',
  },
  'department.not_sibling': {
    status: 409,
    en: 'The department to place it before is not a sub-department of the new parent. Reload the tree and try again.',
    zh: '要排在其前面的部门不是新上级部门的子部门。请刷新部门树后重试。',
  },
  'department.head_not_active': {
    status: 422,
    en: 'Department heads must be active members of this organization; {count, plural, one {# of those chosen is not} other {# of those chosen are not}}. Pick active members.',
    zh: '部门负责人必须是该组织的在职成员；所选人员中有{count}人不是。请选择在职成员。',
  },
});
