import { defineErrors } from '../../errors.js';

export const TaskErrors = defineErrors({
  'task.not_found': {
    status: 404,
    en: 'This task does not exist or was deleted. Open the task center to see the tasks that remain.',
    zh: '该任务不存在或已被删除。请打开任务中心查看现有任务。',
  },
  'task.still_running': {
    status: 409,
    en: 'This task is still running. Cancel it first, then delete it once it stops.',
    zh: '该任务仍在运行。请先取消，停止后再删除。',
  },
  'task.nothing_matches': {
    status: 422,
    en: 'No member matches this filter, so there is nothing to change. Change the tab, the search or the department and try again.',
    zh: '没有成员符合当前筛选条件，无需变更。请更换标签页、搜索词或部门后重试。',
  },
  'task.file_not_ready': {
    status: 409,
    en: 'This task has no file to download yet: its file is ready once the task is done. Wait for it in the task center.',
    zh: '该任务还没有可下载的文件：任务完成后才能下载。请在任务中心等待其完成。',
  },
  'task.import_cancel': {
    status: 409,
    en: 'An import is stopped with “Stop” on its own row (or POST …/imports/{id}/cancel), not here.',
    zh: '导入任务请在其所在行点击“停止”（或调用 POST …/imports/{id}/cancel），而不是在此处停止。',
  },
  'task.no_file': {
    status: 404,
    en: 'This task keeps no file here. An import’s result is downloaded with “Download result” in the task center.',
    zh: '该任务在此处没有文件。导入任务的结果请在任务中心点击“下载结果”获取。',
  },
});
