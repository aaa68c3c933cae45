import { defineErrors } from '../../errors.js';

/** The export's refusals: each says what to change and try again. */
export const ExportErrors = defineErrors({
  'export.too_many_selected': {
    status: 400,
    en: 'An export of selected rows takes at most {max} members. Select fewer, or export the current filter or a department instead.',
    zh: '按所选行导出最多{max}名成员。请少选一些，或改为导出当前筛选结果或某个部门。',
  },
  'export.unknown_column': {
    status: 400,
    en: 'There is no export column "{column}". Choose columns from: {known}.',
    zh: '没有名为"{column}"的导出列。请从以下列中选择：{known}。',
  },
  'export.encoding_csv_only': {
    status: 400,
    en: 'An encoding can be chosen for CSV files only; an XLSX file is always Unicode. Leave the encoding out, or choose CSV.',
    zh: '只有 CSV 文件可以选择编码；XLSX 文件总是 Unicode。请不要指定编码，或选择 CSV 格式。',
  },
  'export.department_path_not_found': {
    status: 404,
    en: 'There is no department "{path}" in this organization. Write the path from below the organization, names joined by "/" (Engineering/Frontend).',
    zh: '该组织中没有部门"{path}"。请从组织下一级开始填写路径，名称之间用"/"连接（如"研发部/前端组"）。',
  },
  'export.organization_not_found': {
    status: 404,
    en: 'There is no organization with the id or code "{org}". Check it with the organization list in Operations.',
    zh: '没有 ID 或编号为"{org}"的组织。请对照运维页面中的组织列表检查。',
  },
});
