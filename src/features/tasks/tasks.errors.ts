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
});
