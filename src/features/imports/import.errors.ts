import { defineErrors } from '../../errors.js';

export const ImportErrors = defineErrors({
  'import.file_too_large': {
    status: 413,
    en: 'This file is larger than imports take ({limitMb} MB). Split it into smaller files and import each.',
    zh: '文件超过了导入上限（{limitMb} MB）。请拆分成几个较小的文件分别导入。',
  },
  'import.file_missing': {
    status: 400,
    en: 'No file arrived. Send the spreadsheet as multipart/form-data in the field "file".',
    zh: '没有收到文件。请以 multipart/form-data 格式在“file”字段中发送表格文件。',
  },
  'import.unsupported_file': {
    status: 415,
    en: 'Imports take .xlsx and .csv files. Save the sheet as Excel Workbook (.xlsx) or CSV and upload it again.',
    zh: '导入只支持 .xlsx 和 .csv 文件。请将表格另存为 Excel 工作簿（.xlsx）或 CSV 后重新上传。',
  },
  'import.unsafe_archive': {
    status: 400,
    en: 'This .xlsx file does not look like a spreadsheet ({reason}). Open it in Excel, save it again and upload the new file.',
    zh: '这个 .xlsx 文件不像是正常的表格（{reason}）。请用 Excel 打开后重新保存，再上传新文件。',
  },
  'import.invalid_encoding': {
    status: 400,
    en: 'The file is not valid {encoding} text (first bad byte at offset {offset}). Choose the encoding the file was saved in, or save it as CSV UTF-8.',
    zh: '文件不是有效的{encoding}文本（第一个错误字节位于偏移{offset}）。请选择文件保存时的编码，或将其另存为 CSV UTF-8。',
  },
  'import.unreadable_csv': {
    status: 400,
    en: 'The file cannot be read as CSV from row {line} on ({reason}); most often a quote opens a cell there and never closes. Fix that row, or save the sheet as CSV again from your spreadsheet program.',
    zh: '文件从第{line}行起无法按 CSV 读取（{reason}），通常是该行单元格中的引号没有闭合。请修正该行，或用表格软件重新另存为 CSV。',
  },
  'import.too_many_rows': {
    status: 400,
    en: 'The file has {rows} rows; one import takes at most {limit}. Split it into smaller files.',
    zh: '文件有{rows}行；一次最多导入{limit}行。请拆分成较小的文件。',
  },
  'import.too_many_columns': {
    status: 400,
    en: 'The file has {columns} columns; imports read at most {limit}. Remove the columns you do not need.',
    zh: '文件有{columns}列；导入最多读取{limit}列。请删除不需要的列。',
  },
  'import.missing_columns': {
    status: 400,
    en: 'The header row lacks these columns: {columns}. Start from the template, or add them to the first row.',
    zh: '表头缺少以下列：{columns}。请使用导入模板，或在第一行补上这些列。',
  },
  'import.no_rows': {
    status: 400,
    en: 'The file has a header but no rows to import. Fill in one row per member below the header.',
    zh: '文件只有表头，没有可导入的行。请在表头下方每行填写一名成员。',
  },
  'import.not_ready': {
    status: 409,
    en: 'This import cannot start now ({taskStatus}). Wait for its check to finish, or upload the file again.',
    zh: '该导入现在无法开始（{taskStatus}）。请等待检查完成，或重新上传文件。',
  },
  'import.nothing_to_write': {
    status: 409,
    en: 'No row of this file can be imported. Download the result, correct the rows and upload it again.',
    zh: '这个文件中没有可以导入的行。请下载结果文件，修正后重新上传。',
  },
  'import.over_limit': {
    status: 409,
    en: 'The organization has room for {fits} more members; this import adds {rows}. Remove rows or raise the member limit, then start again.',
    zh: '组织还能容纳{fits}名成员；本次导入将新增{rows}名。请删减行数或提高成员上限后重新开始。',
  },
  'import.department_not_found': {
    status: 422,
    en: 'No department "{path}" under the target department. Check the spelling, or choose to create missing departments.',
    zh: '目标部门下没有“{path}”部门。请检查拼写，或选择自动创建缺少的部门。',
  },
  'import.role_not_found': {
    status: 422,
    en: 'The organization has no role "{name}". Use a role name from the template’s drop-down or the Roles page (case does not matter), separate several with ";", or leave the cell blank for Member.',
    zh: '组织中没有“{name}”角色。请使用模板下拉列表或角色页面中的角色名称（不区分大小写），多个用“;”分隔，或留空即为“成员”角色。',
  },
  'import.group_not_found': {
    status: 422,
    en: 'The organization has no user group "{name}". Use a group name from the template’s drop-down or the User groups page (case does not matter), separate several with ";", or create the group first.',
    zh: '组织中没有“{name}”用户组。请使用模板下拉列表或用户组页面中的名称（不区分大小写），多个用“;”分隔，或先创建该用户组。',
  },
  'import.positions_mismatch': {
    status: 422,
    en: 'The row names {positions} positions for {departments} departments. Give one position per department, in the same order, separated by ";".',
    zh: '该行为{departments}个部门填写了{positions}个职位。请按相同顺序为每个部门填写一个职位，用“;”分隔。',
  },
  'import.duplicate_in_file': {
    status: 422,
    en: 'Row {line} has the same {column} already. Each member appears once in a file.',
    zh: '第{line}行已有相同的{column}。每名成员在文件中只能出现一次。',
  },
  'import.number_mangled': {
    status: 422,
    en: 'The {column} "{value}" was turned into a number by the spreadsheet. Format the column as text, type the number again and save.',
    zh: '{column}“{value}”被表格软件转换成了数字。请将该列设置为文本格式，重新输入后保存。',
  },
  'import.contact_required': {
    status: 422,
    en: 'The row has neither an email nor a mobile number. Give at least one, so the person can receive their password.',
    zh: '该行既没有邮箱也没有手机号。请至少填写一项，以便成员接收密码。',
  },
  'import.invalid_order': {
    status: 422,
    en: 'The directory order "{value}" is not a whole number from 1 to 10000.',
    zh: '通讯录排序“{value}”不是 1 到 10000 之间的整数。',
  },
  'import.member_not_found': {
    status: 422,
    en: 'No member of this organization matches the row’s member ID, account or employee ID. Check them against a fresh export.',
    zh: '组织中没有与该行成员ID、账号或工号相符的成员。请对照最新导出的文件检查。',
  },
  'import.match_conflict': {
    status: 422,
    en: 'The row’s member ID, account and employee ID name different members. Correct the one that is wrong.',
    zh: '该行的成员ID、账号和工号指向了不同的成员。请改正其中错误的一项。',
  },
  'import.member_twice': {
    status: 422,
    en: 'An earlier row of the file already changes this member. Keep one row per member.',
    zh: '文件中前面的行已经修改了该成员。每名成员只保留一行。',
  },
  'import.no_match_key': {
    status: 422,
    en: 'The row has no member ID, account or employee ID to find its member by. Start from an export of the members.',
    zh: '该行没有可用于查找成员的成员ID、账号或工号。请从成员导出文件开始编辑。',
  },
  'import.quota_exceeded': {
    status: 429,
    en: 'On the free plan, {limit} rows can be imported per person and per network address in 24 hours; {fits} more fit now and this file has {rows}. Import fewer rows, try again later, or upgrade the plan.',
    zh: '免费版每人、每个网络地址 24 小时内最多导入{limit}行；现在还能导入{fits}行，而该文件有{rows}行。请减少行数、稍后再试，或升级套餐。',
  },
});
