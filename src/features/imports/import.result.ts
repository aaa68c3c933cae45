import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Executor } from '../../db/database.js';
import type { ImportOutcome, Locale, Task } from '../../db/schema.js';
import { neutralizeCell } from '../spreadsheets/cells.js';
import { reasonOf } from '../tasks/tasks.service.js';

const OUTCOME_WORDS: Record<ImportOutcome | 'waiting', { en: string; zh: string }> = {
  created: { en: 'Created', zh: '已创建' },
  invited: { en: 'Invited', zh: '已邀请' },
  updated: { en: 'Updated', zh: '已更新' },
  unchanged: { en: 'Unchanged', zh: '无变化' },
  failed: { en: 'Failed', zh: '失败' },
  waiting: { en: 'Not imported', zh: '未导入' },
};

const word = (words: { en: string; zh: string }, locale: Locale) =>
  locale === 'zh-CN' ? words.zh : words.en;

/** Rows of the result read per statement: the file streams, whatever the import's size. */
const PAGE = 5000;

/**
 * The result file of an import: the original columns, then each row's result and reason, all rows or the
 * failed ones only — which re-import as they are once corrected (the result columns are not read). CSV in
 * UTF-8 with a byte order mark, every cell neutralised; it never holds a password (the rows never did).
 */
export function resultFile(db: Executor, task: Task, locale: Locale, only: 'all' | 'failed'): Readable {
  const header = ((task.options as { header?: string[] }).header ?? []).slice();
  const csv = stringify({ bom: true, record_delimiter: '\r\n' });
  async function* rows() {
    yield [
      ...header,
      word({ en: 'Result', zh: '导入结果' }, locale),
      word({ en: 'Reason', zh: '原因' }, locale),
    ];
    let after = 0;
    for (;;) {
      let query = db
        .selectFrom('import_rows')
        .select(['line', 'cells', 'outcome', 'problem'])
        .where('task_id', '=', task.id)
        .where('line', '>', after)
        .orderBy('line')
        .limit(PAGE);
      if (only === 'failed') {
        query = query.where((eb) => eb.or([eb('outcome', '=', 'failed'), eb('problem', 'is not', null)]));
      }
      const page = await query.execute();
      for (const row of page) {
        const problem = row.problem as { code: string; details: Record<string, unknown> } | null;
        const outcome = row.outcome ?? (problem ? 'failed' : 'waiting');
        const cells = Array.from({ length: header.length }, (_, i) => row.cells[i] ?? '');
        yield [
          ...cells,
          word(OUTCOME_WORDS[outcome], locale),
          problem ? reasonOf(problem.code, problem.details, locale) : '',
        ].map(neutralizeCell);
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE) return;
      after = last.line;
    }
  }
  return Readable.from(rows()).pipe(csv);
}
