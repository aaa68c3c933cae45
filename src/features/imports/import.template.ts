import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Executor } from '../../db/database.js';
import type { Locale } from '../../db/schema.js';
import { DEFAULT_ORDER } from '../directory/directory.queries.js';
import { departmentPath, escapeItem } from '../exports/exports.columns.js';
import { GRANTABLE_BUILT_IN } from '../members/members.assign.js';
import { listCustomRoles } from '../roles/roles.queries.js';
import { builtInRoleName, byName } from '../roles/roles.service.js';
import { neutralizeCell, TEXT_FORMAT } from '../spreadsheets/cells.js';
import {
  headerOf,
  type ImportColumn,
  type ImportKey,
  type ImportMode,
  templateColumns,
} from './import.columns.js';
import { FILE_LIMITS } from './import.read.js';
import { FREE_IMPORT_ROWS } from './import.service.js';
import { CLEAR_TOKENS } from './import.update.js';

/**
 * The import templates (issue 12): a CSV of the header row and an example row, or an XLSX with the
 * header in the admin's language (required columns marked `*`), a note on each header saying its
 * format, every column typed text (so Excel keeps `008613812345678` and leading zeros), drop-downs of
 * the org's department paths, roles and user groups from a hidden list sheet, the directory order
 * checked as 1–10000, and a Precautions sheet: required columns, formats, limits and the plan's quota.
 * Department, role and group names are the admins' text: in CSV they are neutralised, in XLSX written
 * as string cells, never as formulas.
 */

export type TemplateFormat = 'csv' | 'xlsx';

type Words = { en: string; zh: string };
const say = (words: Words, locale: Locale) => (locale === 'zh-CN' ? words.zh : words.en);

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const LISTS_SHEET = 'Lists';
/**
 * The last row the drop-downs and checks cover (the header is row 1): 10,000 rows, more than anyone types
 * by hand (a paste is never validated by Excel), and little for readers that expand each range cell by cell.
 */
const LAST_ROW = 10_001;

/** The org's departments below the root as the export writes them (`Sales/East`, `\/` in a name), parents first. */
export async function departmentPaths(db: Executor, orgId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('departments')
    .select(['id', 'parent_id', 'name', 'sort_order', 'is_root'])
    .where('org_id', '=', orgId)
    .execute();
  const children = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!row.parent_id) continue;
    const list = children.get(row.parent_id) ?? [];
    list.push(row);
    children.set(row.parent_id, list);
  }
  const paths: string[] = [];
  const walk = (id: string, names: string[]) => {
    const list = (children.get(id) ?? []).sort(
      (a, b) => a.sort_order - b.sort_order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    for (const child of list) {
      const path = [...names, child.name];
      paths.push(departmentPath(path));
      walk(child.id, path);
    }
  };
  for (const root of rows.filter((row) => row.is_root)) walk(root.id, []);
  return paths;
}

/**
 * The roles a template offers — the built-in ones a member can be given, by name in the admin's
 * language, then the org's custom roles — and its user groups, each as a list cell item (`;` escaped).
 */
export async function assignmentNames(
  db: Executor,
  orgId: string,
  locale: Locale,
): Promise<{ roles: string[]; groups: string[] }> {
  const [custom, groups] = await Promise.all([
    listCustomRoles(db, orgId),
    db.selectFrom('user_groups').select('name').where('org_id', '=', orgId).execute(),
  ]);
  const builtIn = [...GRANTABLE_BUILT_IN].map((key) => builtInRoleName(key, locale) ?? key);
  return {
    roles: [...builtIn, ...custom.sort(byName).map((role) => role.name)].map(escapeItem),
    groups: groups.sort(byName).map((group) => escapeItem(group.name)),
  };
}

/** The roles and user groups a template's drop-downs offer (assignmentNames). */
export interface AssignmentNames {
  readonly roles: readonly string[];
  readonly groups: readonly string[];
}

/** Two departments of the org for the example (one and another outside it), or none: the chosen department. */
function exampleDepartments(paths: readonly string[]): string[] {
  const first = paths[0];
  if (first === undefined) return [];
  const second = paths.find((path) => path !== first && !path.startsWith(`${first}/`));
  return second === undefined ? [first] : [first, second];
}

/** The example row of a mode, in the admin's language, naming the org's own departments. */
function exampleRow(
  mode: ImportMode,
  locale: Locale,
  paths: readonly string[],
): Partial<Record<ImportKey, string>> {
  const zh = locale === 'zh-CN';
  if (mode === 'update') {
    // Find the member by employee ID, move them to another place, empty the organization email.
    return {
      employeeId: 'E0001',
      workLocation: zh ? '北京' : 'Beijing',
      orgEmail: zh ? (CLEAR_TOKENS[1] as string) : (CLEAR_TOKENS[0] as string),
    };
  }
  const departments = exampleDepartments(paths);
  const positions = (zh ? ['经理', '顾问'] : ['Manager', 'Advisor']).slice(
    0,
    Math.max(departments.length, 1),
  );
  return {
    name: zh ? '张三' : 'Zhang San',
    accountName: mode === 'create' ? 'zhangsan' : '',
    email: 'zhangsan@example.com',
    phone: '+8613812345678',
    departments: departments.join(';'),
    positions: positions.join(';'),
    roles: builtInRoleName('member', locale) ?? 'member',
    employeeId: 'E0001',
    workLocation: zh ? '上海' : 'Shanghai',
    directoryOrder: '100',
  };
}

/** A header as the template writes it: required columns of the mode marked ` *`. */
const headerText = (column: ImportColumn, mode: ImportMode, locale: Locale) =>
  `${headerOf(column, locale)}${column.requiredIn.includes(mode) ? ' *' : ''}`;

const isRequired = (column: ImportColumn, mode: ImportMode) => column.requiredIn.includes(mode);

/** How a mobile number is written, for the region numbers without a country code are read in. */
function phoneWords(region: string): Words {
  const national =
    region === 'CN'
      ? {
          en: 'or an 11-digit Chinese mobile number (13812345678)',
          zh: '或 11 位中国大陆手机号（13812345678）',
        }
      : { en: `or a national number of region ${region}`, zh: `或地区 ${region} 的本地号码` };
  return {
    en: `Mobile number with its country code: +8613812345678 or 008613812345678, ${national.en}.`,
    zh: `带国家码的手机号：+8613812345678 或 008613812345678，${national.zh}。`,
  };
}

/** What each column holds, for the header notes and the Precautions sheet. */
function columnWords(key: ImportKey, mode: ImportMode, region: string): Words {
  const update = mode === 'update';
  const unchanged = update ? { en: ' Blank: unchanged.', zh: '留空：不修改。' } : { en: '', zh: '' };
  const clear = update
    ? { en: ` ${CLEAR_TOKENS[0]} empties it.`, zh: `填 ${CLEAR_TOKENS[1]} 清空。` }
    : { en: '', zh: '' };
  const join = (words: Words, ...more: Words[]) => ({
    en: [words.en, ...more.map((one) => one.en)].join(''),
    zh: [words.zh, ...more.map((one) => one.zh)].join(''),
  });
  switch (key) {
    case 'memberId':
      return {
        en: 'From an export: finds the member. Keep it as exported.',
        zh: '来自导出文件：用于找到成员，请保持原样。',
      };
    case 'version':
      return {
        en: 'From an export: the member as exported. A member changed since then is refused unless you choose to overwrite.',
        zh: '来自导出文件：导出时成员的版本。导出后被修改过的成员会被拒绝，除非选择覆盖。',
      };
    case 'name':
      return join({ en: '1–20 characters.', zh: '1–20 个字。' }, unchanged);
    case 'accountName':
      if (mode === 'invite') {
        return {
          en: 'Not read by invitations: the person joins with their own account. Leave it blank.',
          zh: '邀请时不读取：成员用自己的账号加入。请留空。',
        };
      }
      return {
        en: 'The managed account’s name before @: 2–40 letters, digits, dots, dashes or underscores; the organization’s domain is added.',
        zh: '托管账号 @ 前的部分：2–40 位字母、数字、点、短横线或下划线，系统自动加上组织域名。',
      };
    case 'email':
      return mode === 'create'
        ? {
            en: 'Personal email. Email or mobile is required: the temporary password is sent there.',
            zh: '个人邮箱。邮箱和手机号至少填一个：临时密码会发送到这里。',
          }
        : mode === 'invite'
          ? {
              en: 'Email or mobile is required: the invitation is sent there (to the email when both are given).',
              zh: '邮箱和手机号至少填一个：邀请会发送到这里（都填时发到邮箱）。',
            }
          : join({ en: 'Personal email.', zh: '个人邮箱。' }, unchanged, clear);
    case 'phone':
      return join(phoneWords(region), unchanged, clear);
    case 'departments':
      return join(
        {
          en: 'Paths below the department chosen when importing, names separated by / (Sales/East); several separated by ;, the first is the primary department; a / in a name is written \\/. Blank: the chosen department.',
          zh: '所选导入部门之下的路径，名称之间用 / 分隔（销售部/华东）；多个部门用 ; 分隔，第一个为主部门；名称中的 / 写作 \\/。留空：所选部门。',
        },
        update
          ? { en: ' In update mode, blank: unchanged.', zh: '更新模式下留空：不修改。' }
          : { en: '', zh: '' },
      );
    case 'positions':
      return {
        en: 'One position per department, in the same order, separated by ; (Manager;Advisor); an empty item: no position there.',
        zh: '每个部门一个职位，顺序与部门一致，用 ; 分隔（经理;顾问）；某项留空：该部门无职位。',
      };
    case 'roles':
      return join(
        {
          en: 'Role names as on the Roles page (case does not matter), several separated by ; (Admin;Sales lead); a ; in a name is written \\;. Giving roles needs the permission to manage roles, and only roles within your own permissions.',
          zh: '角色名称，与角色页面一致（不区分大小写），多个用 ; 分隔（管理员;销售主管）；名称中的 ; 写作 \\;。分配角色需要管理角色的权限，且只能分配不超出自己权限的角色。',
        },
        update
          ? { en: ' Replaces the member’s roles. Blank: unchanged.', zh: '会替换成员的角色。留空：不修改。' }
          : { en: ' Blank: Member.', zh: '留空：成员。' },
      );
    case 'groups':
      return join(
        {
          en: 'User group names as on the User groups page (case does not matter), several separated by ;.',
          zh: '用户组名称，与用户组页面一致（不区分大小写），多个用 ; 分隔。',
        },
        update
          ? {
              en: ' Replaces the member’s groups. Blank: unchanged.',
              zh: '会替换成员的用户组。留空：不修改。',
            }
          : { en: ' Blank: none.', zh: '留空：不加入用户组。' },
        clear,
      );
    case 'employeeId':
      return join(
        {
          en: 'Up to 40 characters, kept as text (leading zeros stay).',
          zh: '最多 40 个字符，按文本保存（保留前导零）。',
        },
        update
          ? {
              en: ' Finds the member when there is no member ID.',
              zh: '没有成员ID时用工号找到成员。',
            }
          : { en: '', zh: '' },
        clear,
      );
    case 'workLocation':
      return join({ en: 'Up to 100 characters.', zh: '最多 100 个字。' }, unchanged, clear);
    case 'orgEmail':
      return join(
        { en: 'The member’s organization email address.', zh: '成员的企业邮箱地址。' },
        unchanged,
        clear,
      );
    case 'directoryOrder':
      return join(
        {
          en: `A whole number from 1 to ${DEFAULT_ORDER}: lower comes first in the directory.`,
          zh: `1 到 ${DEFAULT_ORDER} 的整数：数字越小在通讯录中越靠前。`,
        },
        update ? unchanged : { en: ` Blank: ${DEFAULT_ORDER}.`, zh: `留空：${DEFAULT_ORDER}。` },
      );
  }
}

const MODE_WORDS: Record<ImportMode, Words> = {
  create: {
    en: 'Create members with managed accounts: each gets a temporary password by email or SMS.',
    zh: '创建托管账号成员：每人通过邮件或短信收到临时密码。',
  },
  invite: {
    en: 'Invite members: each gets an invitation by email or SMS and joins with their own account.',
    zh: '邀请成员：每人通过邮件或短信收到邀请，用自己的账号加入。',
  },
  update: {
    en: 'Update members from an edited export: each row changes the member it finds.',
    zh: '用编辑过的导出文件更新成员：每行修改它找到的成员。',
  },
};

const SHEET_NAMES = {
  members: { en: 'Members', zh: '成员' },
  precautions: { en: 'Precautions', zh: '注意事项' },
} as const;

/** The Precautions sheet's rows: a heading and its text. */
export function precautions(
  mode: ImportMode,
  locale: Locale,
  plan: 'free' | 'paid',
  region: string,
): [string, string][] {
  const columns = templateColumns(mode);
  const required = columns.filter((column) => isRequired(column, mode)).map((c) => headerOf(c, locale));
  const mb = FILE_LIMITS.bytes / 1024 / 1024;
  const number = (value: number) => value.toLocaleString('en-US');
  const rows: [Words, Words][] = [
    [{ en: 'Import mode', zh: '导入方式' }, MODE_WORDS[mode]],
    [
      { en: 'How to fill it in', zh: '填写方法' },
      {
        en: `One member per row on the sheet “${SHEET_NAMES.members.en}”, from row 2. Row 2 is an example: overwrite or delete it. Keep the header row; columns may be in any order, headers in English or Chinese are both recognised, other columns are ignored.`,
        zh: `在“${SHEET_NAMES.members.zh}”工作表中每行填写一名成员，从第 2 行开始。第 2 行是示例：请覆盖或删除。保留表头行；列的顺序不限，中文或英文表头都能识别，其他列会被忽略。`,
      },
    ],
    [
      { en: 'Required columns', zh: '必填列' },
      mode === 'update'
        ? {
            en: 'Member ID or Employee ID, to find the member (an export has both). Only the cells you fill in change.',
            zh: '成员ID 或 工号，用于找到成员（导出文件中都有）。只有填写的单元格会被修改。',
          }
        : {
            en: `${required.join(', ')} (marked *), and Email or Mobile: at least one.`,
            zh: `${required.join('、')}（标 * 的列），以及邮箱和手机号至少一个。`,
          },
    ],
    ...columns.map((column): [Words, Words] => [
      { en: column.en, zh: column.zh },
      columnWords(column.key, mode, region),
    ]),
    [
      { en: 'Text cells', zh: '文本格式' },
      {
        en: 'Every column is formatted as text, so Excel keeps 008613812345678 and leading zeros. When pasting from elsewhere, paste values only (Paste Special → Values) to keep the format.',
        zh: '所有列都已设为文本格式，Excel 会保留 008613812345678 和前导零。从别处粘贴时请选择“选择性粘贴 → 值”，以保留格式。',
      },
    ],
    [
      { en: 'Department list', zh: '部门列表' },
      {
        en: 'The Departments drop-down lists every department of the organization as a path below the organization: pick one, or type several separated by ;. Paths are read below the department chosen when importing, so the list fits an import into the whole organization.',
        zh: '“部门”下拉列表列出组织的所有部门，路径从组织之下开始：可选择一个，也可输入多个并用 ; 分隔。路径从导入时所选部门之下读取，因此该列表适用于导入到整个组织。',
      },
    ],
    [
      { en: 'Role and group lists', zh: '角色和用户组列表' },
      {
        en: 'The Roles and User groups drop-downs list the organization’s roles (the owner’s is never given by an import) and user groups as they were when this template was downloaded: pick one, or type several separated by ;. A name the organization does not have is refused with its row; a role or group made later is accepted by its name.',
        zh: '“角色”和“用户组”下拉列表列出下载模板时组织的角色（导入不会授予所有者角色）和用户组：可选择一个，也可输入多个并用 ; 分隔。组织中不存在的名称会连同所在行被拒绝；之后新建的角色或用户组按名称即可识别。',
      },
    ],
    [
      { en: 'Limits', zh: '限制' },
      {
        en: `One .xlsx or .csv file (UTF-8, UTF-16 or GB18030) of at most ${mb} MB, ${number(FILE_LIMITS.rows)} rows and ${FILE_LIMITS.columns} columns.`,
        zh: `一个 .xlsx 或 .csv 文件（UTF-8、UTF-16 或 GB18030），最大 ${mb} MB、${number(FILE_LIMITS.rows)} 行、${FILE_LIMITS.columns} 列。`,
      },
    ],
    [
      { en: 'Quota', zh: '配额' },
      plan === 'free'
        ? {
            en: `This organization is on the free plan: at most ${FREE_IMPORT_ROWS} rows can be imported per person and per network address in 24 hours. Paid plans have no such limit.`,
            zh: `本组织为免费版：每人、每个 IP 地址 24 小时内最多导入 ${FREE_IMPORT_ROWS} 行。付费版不受此限制。`,
          }
        : {
            en: `This organization is on a paid plan: no import quota (the free plan allows ${FREE_IMPORT_ROWS} rows per person and per network address in 24 hours).`,
            zh: `本组织为付费版：导入不限量（免费版每人、每个 IP 地址 24 小时内最多 ${FREE_IMPORT_ROWS} 行）。`,
          },
    ],
  ];
  if (mode === 'update') {
    rows.push([
      { en: 'Blank and [clear]', zh: '留空与清空' },
      {
        en: `A blank cell changes nothing. ${CLEAR_TOKENS[0]} (or ${CLEAR_TOKENS[1]}) empties Email, Mobile, Employee ID, Work location, Organization email or User groups. Roles cannot be emptied: every member holds at least one.`,
        zh: `留空的单元格不做修改。填 ${CLEAR_TOKENS[1]}（或 ${CLEAR_TOKENS[0]}）清空邮箱、手机号、工号、工作地点、企业邮箱或用户组。角色不能清空：每名成员至少有一个角色。`,
      },
    ]);
  }
  return rows.map(([heading, text]) => [say(heading, locale), say(text, locale)]);
}

/** The CSV template of a mode: the headers in the admin's language (required ones marked *) and an example row. */
export function templateCsv(locale: Locale, mode: ImportMode, paths: readonly string[] = []): Readable {
  const example = exampleRow(mode, locale, paths);
  const csv = stringify({ bom: true, record_delimiter: '\r\n' });
  const columns = templateColumns(mode);
  csv.write(columns.map((column) => neutralizeCell(headerText(column, mode, locale))));
  csv.end(columns.map((column) => neutralizeCell(example[column.key] ?? '')));
  return csv;
}

const REQUIRED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFCE4D6' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
const WIDTHS: Partial<Record<ImportKey, number>> = {
  memberId: 38,
  departments: 36,
  positions: 24,
  roles: 24,
  groups: 24,
  email: 28,
  orgEmail: 28,
  phone: 20,
};

/** A range's data validation: exceljs has `dataValidations.add` on every worksheet, its typings do not. */
function validate(sheet: ExcelJS.Worksheet, range: string, validation: ExcelJS.DataValidation): void {
  (
    sheet as unknown as { dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void } }
  ).dataValidations.add(range, validation);
}

/** A string cell typed text: its value is never read as a formula or a number. */
function textCell(cell: ExcelJS.Cell, value: string): void {
  if (value !== '') cell.value = value;
  cell.numFmt = TEXT_FORMAT;
}

/**
 * The XLSX template of a mode for an org: members, precautions and the hidden lists of its department
 * paths and of `names`' roles and groups (none: no drop-down of them).
 */
export async function templateXlsx(
  locale: Locale,
  mode: ImportMode,
  paths: readonly string[],
  plan: 'free' | 'paid',
  region: string,
  names: AssignmentNames = { roles: [], groups: [] },
): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const columns = templateColumns(mode);
  const example = exampleRow(mode, locale, paths);

  const members = workbook.addWorksheet(say(SHEET_NAMES.members, locale), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  // A column's style is what Excel gives every cell typed into it: text, in all rows, at no cost in size.
  members.columns = columns.map((column) => ({
    key: column.key,
    width: WIDTHS[column.key] ?? 16,
    style: { numFmt: TEXT_FORMAT },
  }));
  const header = members.getRow(1);
  columns.forEach((column, i) => {
    const cell = header.getCell(i + 1);
    textCell(cell, headerText(column, mode, locale));
    const required = isRequired(column, mode);
    cell.font = { bold: true, color: { argb: required ? 'FFC00000' : 'FF000000' } };
    cell.fill = required ? REQUIRED_FILL : HEADER_FILL;
    cell.alignment = { vertical: 'middle' };
    cell.note = say(columnWords(column.key, mode, region), locale);
  });
  header.height = 20;
  header.commit();
  const exampleCells = members.getRow(2);
  columns.forEach((column, i) => {
    textCell(exampleCells.getCell(i + 1), example[column.key] ?? '');
  });
  exampleCells.commit();

  const letterOf = (key: ImportKey) => {
    const index = columns.findIndex((column) => column.key === key);
    return index < 0 ? null : members.getColumn(index + 1).letter;
  };
  // Each drop-down is a column of the hidden list sheet. Several items in one cell are not one item of
  // the list: they must stay possible, so a value off the list is not refused.
  const dropDown = (key: ImportKey, list: string, items: readonly unknown[], title: Words, prompt: Words) => {
    const letter = letterOf(key);
    if (!letter || items.length === 0) return;
    validate(members, `${letter}2:${letter}${LAST_ROW}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`${LISTS_SHEET}!$${list}$1:$${list}$${items.length}`],
      showInputMessage: true,
      promptTitle: say(title, locale),
      prompt: say(prompt, locale),
      showErrorMessage: false,
    });
  };
  dropDown(
    'departments',
    'A',
    paths,
    { en: 'Departments', zh: '部门' },
    {
      en: 'Pick a department, or type several separated by ; (the first is the primary).',
      zh: '选择一个部门，或输入多个并用 ; 分隔（第一个为主部门）。',
    },
  );
  dropDown(
    'roles',
    'B',
    names.roles,
    { en: 'Roles', zh: '角色' },
    { en: 'Pick a role, or type several separated by ;.', zh: '选择一个角色，或输入多个并用 ; 分隔。' },
  );
  dropDown(
    'groups',
    'C',
    names.groups,
    { en: 'User groups', zh: '用户组' },
    {
      en: 'Pick a user group, or type several separated by ;.',
      zh: '选择一个用户组，或输入多个并用 ; 分隔。',
    },
  );
  const order = letterOf('directoryOrder');
  if (order) {
    validate(members, `${order}2:${order}${LAST_ROW}`, {
      type: 'whole',
      operator: 'between',
      allowBlank: true,
      formulae: [1, DEFAULT_ORDER],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: say({ en: 'Directory order', zh: '通讯录排序' }, locale),
      error: say(
        {
          en: `Enter a whole number from 1 to ${DEFAULT_ORDER}.`,
          zh: `请输入 1 到 ${DEFAULT_ORDER} 之间的整数。`,
        },
        locale,
      ),
    });
  }
  members.commit();

  const notes = workbook.addWorksheet(say(SHEET_NAMES.precautions, locale));
  notes.columns = [
    { width: 24, style: { numFmt: TEXT_FORMAT, alignment: { vertical: 'top', wrapText: true } } },
    { width: 100, style: { numFmt: TEXT_FORMAT, alignment: { vertical: 'top', wrapText: true } } },
  ];
  precautions(mode, locale, plan, region).forEach(([heading, text], i) => {
    const row = notes.getRow(i + 1);
    textCell(row.getCell(1), heading);
    textCell(row.getCell(2), text);
    row.getCell(1).font = { bold: true };
    row.commit();
  });
  notes.commit();

  // The lists an inline drop-down cannot hold (255 characters): department paths in A, roles in B and
  // groups in C, one a row, typed text.
  const sheet = workbook.addWorksheet(LISTS_SHEET, { state: 'veryHidden' });
  const columnsOfLists = [paths, names.roles, names.groups];
  sheet.columns = columnsOfLists.map(() => ({ width: 40, style: { numFmt: TEXT_FORMAT } }));
  const rows = Math.max(...columnsOfLists.map((list) => list.length));
  for (let i = 0; i < rows; i++) {
    const row = sheet.getRow(i + 1);
    columnsOfLists.forEach((list, column) => {
      const item = list[i];
      if (item !== undefined) textCell(row.getCell(column + 1), item);
    });
    row.commit();
  }
  sheet.commit();

  await workbook.commit();
  await ended;
  return Buffer.concat(chunks);
}

/** A template download: its file name, type and content. */
export interface TemplateFile {
  readonly name: string;
  readonly contentType: string;
  readonly body: Readable | Buffer;
}

/** The template of a mode for an org, in the admin's language, as CSV or XLSX. */
export async function importTemplate(
  db: Executor,
  orgId: string,
  options: { locale: Locale; mode: ImportMode; format: TemplateFormat; region: string },
): Promise<TemplateFile> {
  const { locale, mode, format, region } = options;
  const [paths, assignments, org] = await Promise.all([
    departmentPaths(db, orgId),
    assignmentNames(db, orgId, locale),
    db.selectFrom('organizations').select('plan').where('id', '=', orgId).executeTakeFirstOrThrow(),
  ]);
  const name = `${locale === 'zh-CN' ? '成员导入模板' : 'member-import-template'}.${format}`;
  if (format === 'csv') {
    return { name, contentType: 'text/csv; charset=utf-8', body: templateCsv(locale, mode, paths) };
  }
  return {
    name,
    contentType: XLSX_TYPE,
    body: await templateXlsx(locale, mode, paths, org.plan, region, assignments),
  };
}
