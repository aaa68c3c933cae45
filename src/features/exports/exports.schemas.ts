import type { Readable } from 'node:stream';
import { type Static, Type } from 'typebox';
import { Body, Uuid } from '../../http/schemas.js';
import { MAX_TERM_LENGTH } from '../directory/directory.search.js';
import { StatusTab } from '../members/members.schemas.js';
import { COLUMN_KEYS, DEFAULT_COLUMN_KEYS } from './exports.columns.js';

/** The most members an export of selected rows names (`export.too_many_selected` above it). */
export const MAX_SELECTED = 500;

const ExportScope = Type.Union([
  Body({ kind: Type.Literal('all') }),
  Body({
    kind: Type.Literal('department'),
    departmentId: Uuid,
    includeSubdepartments: Type.Boolean(),
  }),
  Body({
    kind: Type.Literal('filter'),
    departmentId: Type.Optional(Uuid),
    includeSubdepartments: Type.Optional(Type.Boolean({ default: true })),
    status: Type.Optional(StatusTab),
    q: Type.Optional(Type.String({ maxLength: MAX_TERM_LENGTH })),
    orderSet: Type.Optional(Type.Boolean({ description: 'Only members whose directory order is set' })),
  }),
  Body({
    kind: Type.Literal('selected'),
    // Bounded here for the work of reading the body; the service refuses more than MAX_SELECTED.
    ids: Type.Array(Uuid, { minItems: 1, maxItems: 10_000, uniqueItems: true }),
  }),
]);
export type ExportScope = Static<typeof ExportScope>;

export const ExportFormat = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]);
export type ExportFormat = Static<typeof ExportFormat>;

export const ExportEncoding = Type.Union([Type.Literal('utf8'), Type.Literal('gb18030')], {
  description: 'CSV only: UTF-8 with a byte-order mark (the default), or GB18030 for older Excel in Chinese',
});
export type ExportEncoding = Static<typeof ExportEncoding>;

export const ExportBody = Body({
  format: ExportFormat,
  encoding: Type.Optional(ExportEncoding),
  columns: Type.Optional(
    Type.Array(Type.String({ maxLength: 40 }), {
      minItems: 1,
      maxItems: COLUMN_KEYS.length,
      uniqueItems: true,
      description: `Any of ${COLUMN_KEYS.join(', ')}; written in that order. Default: ${DEFAULT_COLUMN_KEYS.join(', ')}`,
    }),
  ),
  scope: ExportScope,
});
export type ExportBody = Static<typeof ExportBody>;

/** A file's bytes, sent as a stream. */
const FileBytes = Type.Unsafe<Readable>({ type: 'string', format: 'binary' });

/** The file itself, for the OpenAPI document: its bytes, as a CSV or an XLSX workbook. */
export const ExportFile = {
  description:
    'The file, streamed as an attachment (Content-Disposition names it): one header row in the language asked for (Accept-Language), then one row per member in directory order',
  content: {
    'text/csv': { schema: FileBytes },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: FileBytes },
  },
} as const;
