import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { MemberStatus } from '../../db/schema.js';
import type { Holdings } from '../access/privilege.js';
import { coveredMember } from '../access/privilege.js';
import { contactEmail, contactPhone } from '../members/members.queries.js';
import type { ExportRow } from './exports.columns.js';

/**
 * What turns ids into names for a whole export, read once at its start: the org's departments (a
 * tree holds thousands, not millions) and custom roles. A department made during the export shows
 * by its id; one renamed shows by its name at the start.
 */
export interface ExportNames {
  departments: ReadonlyMap<string, string>;
  rootId: string;
  roles: ReadonlyMap<string, string>;
}

/** The org's department and role names, for ExportRow's paths and roles. */
export async function exportNames(db: Executor, orgId: string): Promise<ExportNames> {
  const [departments, roles] = await Promise.all([
    db.selectFrom('departments').select(['id', 'name', 'is_root']).where('org_id', '=', orgId).execute(),
    db.selectFrom('org_roles').select(['id', 'name']).where('org_id', '=', orgId).execute(),
  ]);
  const root = departments.find((department) => department.is_root);
  if (!root) throw new Error(`organization ${orgId} has no root department`);
  return {
    departments: new Map(departments.map((department) => [department.id, department.name])),
    rootId: root.id,
    roles: new Map(roles.map((role) => [role.id, role.name])),
  };
}

interface RawRow {
  id: string;
  version: number;
  name: string;
  username: string | null;
  email: string | null;
  phone: string | null;
  employee_id: string | null;
  work_location: string | null;
  org_email: string | null;
  status: MemberStatus;
  directory_order: number;
  roles: string[];
  departments: { path: string; position: string | null }[];
  groups: string[];
}

/** A department path of ids (`root/a/b/`) as its names below the root. */
function namesOf(path: string, names: ExportNames): string[] {
  return path
    .split('/')
    .filter((id) => id !== '' && id !== names.rootId)
    .map((id) => names.departments.get(id) ?? id);
}

/**
 * The export's rows for a page of ids, in the order given, in one statement: each member with its
 * departments (primary first, with their positions) and its groups. An id of another org is left out.
 */
export async function exportRows(
  db: Executor,
  orgId: string,
  ids: readonly string[],
  names: ExportNames,
): Promise<ExportRow[]> {
  if (ids.length === 0) return [];
  // The page's ids joined by primary key in their order: faster than `id = any(…)` on the org's index.
  const { rows } = await sql<RawRow>`
    select m.id, m.version, m.name, a.username, ${contactEmail('m', 'a')} as email,
      ${contactPhone('m', 'a')} as phone, m.employee_id, m.work_location, m.org_email, m.status,
      m.directory_order, m.roles,
      coalesce((select json_agg(json_build_object('path', d.path, 'position', md.position)
          order by md.is_primary desc, d.name)
        from member_departments md join departments d on d.id = md.department_id
        where md.member_id = m.id), '[]'::json) as departments,
      coalesce((select array_agg(g.name order by g.name)
        from member_groups mg join user_groups g on g.id = mg.group_id
        where mg.member_id = m.id), '{}'::text[]) as groups
    from unnest(${ids}::uuid[]) with ordinality as page(id, n)
      join members m on m.id = page.id
      left join accounts a on a.id = m.account_id
    where m.org_id = ${orgId}
    order by page.n`.execute(db);
  return rows.map(
    (row): ExportRow => ({
      id: row.id,
      version: row.version,
      name: row.name,
      username: row.username,
      employeeId: row.employee_id,
      departments: row.departments.map((department) => ({
        names: namesOf(department.path, names),
        position: department.position,
      })),
      roles: row.roles.map((role) => names.roles.get(role) ?? role),
      groups: row.groups,
      workLocation: row.work_location,
      orgEmail: row.org_email,
      email: row.email,
      phone: row.phone,
      status: row.status,
      directoryOrder: row.directory_order,
    }),
  );
}

/**
 * The named members of the org that the holder's `members.read` covers (one of their departments under
 * its grants), in directory order: an id of another org, or outside the holder's reach, is left out.
 */
export async function selectedIds(
  db: Executor,
  orgId: string,
  ids: readonly string[],
  holder: Holdings,
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select m.id from members m
    where m.org_id = ${orgId} and m.id = any(${ids}::uuid[]) and ${coveredMember(holder, 'members.read', 'm.id')}
    order by m.directory_order, m.sort_name, m.id`.execute(db);
  return rows.map((row) => row.id);
}
