import { type Static, Type } from 'typebox';
import { Cursor, NullableTimestamp, Timestamp, Uuid } from '../../http/schemas.js';

export const TaskStatus = Type.Enum([
  'pending',
  'preparing',
  'ready',
  'running',
  'done',
  'failed',
  'cancelled',
]);
export const TaskKind = Type.Enum(['import', 'export', 'bulk']);

/** A row of an import that cannot be written, as the preview and the result show it. */
export const RowProblem = Type.Object({
  line: Type.Integer({ description: 'The row in the file (the header is row 1)' }),
  column: Type.Union([Type.String(), Type.Null()], { description: 'The column’s key, when one is at fault' }),
  code: Type.String(),
  message: Type.String({ description: 'The reason, in the language asked for' }),
});

export const TaskView = Type.Object({
  id: Uuid,
  number: Type.Integer({ description: 'Quoted as "task #n"' }),
  kind: TaskKind,
  mode: Type.Union([Type.String(), Type.Null()]),
  status: TaskStatus,
  confirmed: Type.Boolean({
    description: 'An import confirmed by its admin: running, or waiting for the org’s running import',
  }),
  cancelRequested: Type.Boolean(),
  fileName: Type.Union([Type.String(), Type.Null()]),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Null()]),
  encoding: Type.Union([Type.String(), Type.Null()], { description: 'The encoding the CSV was read in' }),
  delimiter: Type.Union([Type.String(), Type.Null()], { description: 'The CSV’s delimiter as read' }),
  rowsTotal: Type.Integer(),
  rowsDone: Type.Integer(),
  counts: Type.Record(Type.String(), Type.Integer(), {
    description: 'Preview: ready and problems; once written: created and failed',
  }),
  seatsReserved: Type.Integer(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  createdBy: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
  createdAt: Timestamp,
  startedAt: NullableTimestamp,
  finishedAt: NullableTimestamp,
});
export type TaskView = Static<typeof TaskView>;

export const TaskDetails = Type.Object({
  task: TaskView,
  problems: Type.Array(RowProblem, {
    description: 'The first 100 rows that cannot be written, in file order',
  }),
});

export const TaskParams = Type.Object({ orgId: Uuid, taskId: Uuid }, { additionalProperties: false });

export const TaskListQuery = Type.Object(
  {
    kind: Type.Optional(TaskKind),
    status: Type.Optional(TaskStatus),
    mine: Type.Optional(Type.Boolean({ description: 'Only the tasks the caller started' })),
    createdBy: Type.Optional(
      Type.String({ format: 'uuid', maxLength: 36, description: 'Only the tasks this account started' }),
    ),
    from: Type.Optional(
      Type.String({
        format: 'date-time',
        maxLength: 40,
        description: 'Only the tasks started at or after this moment',
      }),
    ),
    to: Type.Optional(
      Type.String({
        format: 'date-time',
        maxLength: 40,
        description: 'Only the tasks started before this moment',
      }),
    ),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type TaskListQuery = Static<typeof TaskListQuery>;

export const TaskPage = Type.Object({
  items: Type.Array(TaskView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

/** Who started the tasks the caller may see: the task center's creator filter. */
export const TaskCreators = Type.Object({
  items: Type.Array(Type.Object({ id: Uuid, name: Type.String() }), { description: 'By name' }),
});
export type TaskCreators = Static<typeof TaskCreators>;
