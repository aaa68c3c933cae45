import type { TFunction } from 'i18next';
import type { MemberGrant } from '../../api-types';

/** Names listed the way the UI language lists them: "A, B" in English, "A、B" in Chinese. */
function listOf(names: readonly string[], t: TFunction): string {
  return names.join(t('grants.listSeparator'));
}

/** A grant's scope in words: "Whole organization", or "研发中心 and sub-departments". */
export function scopeWords(departments: MemberGrant['departments'], t: TFunction): string {
  if (departments === null) return t('grants.wholeOrg');
  return t('grants.overDepartments', {
    departments: listOf(
      departments.map((d) => d.name),
      t,
    ),
  });
}

/** A grant in words: "Department admin · 研发中心 and sub-departments"; `roleName` names the role. */
export function grantWords(grant: MemberGrant, roleName: (role: string) => string, t: TFunction): string {
  return t('grants.entry', { role: roleName(grant.role), scope: scopeWords(grant.departments, t) });
}
