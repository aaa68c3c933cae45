import { passwordResetRequestJob } from '../features/accounts/password-reset.request.js';
import { exportChunkJob } from '../features/exports/exports.task.js';
import { importChunkJob, importPrepareJob, importSweepJob } from '../features/imports/import.jobs.js';
import { invitationExpiryJob } from '../features/invitations/invitations.expiry.job.js';
import { memberExpiryJob } from '../features/members/lifecycle/members.expiry.job.js';
import { bulkChunkJob } from '../features/members/members.batch.task.js';
import { sweepJob } from '../features/system/maintenance.job.js';
import { taskSweepJob } from '../features/tasks/tasks.jobs.js';
import { deliverJob, dispatchJob } from '../features/webhooks/webhooks.jobs.js';
import { deliverMessageJob } from '../notify/outbox.js';
import type { JobDefinition } from './jobs.js';

/** Every job Roster runs; a feature's job is added here to get a queue, a worker and its schedule. */
export const allJobs: readonly JobDefinition<never>[] = [
  deliverMessageJob as JobDefinition<never>,
  sweepJob as JobDefinition<never>,
  memberExpiryJob as JobDefinition<never>,
  invitationExpiryJob as JobDefinition<never>,
  passwordResetRequestJob as JobDefinition<never>,
  importPrepareJob as JobDefinition<never>,
  importChunkJob as JobDefinition<never>,
  importSweepJob as JobDefinition<never>,
  bulkChunkJob as JobDefinition<never>,
  exportChunkJob as JobDefinition<never>,
  taskSweepJob as JobDefinition<never>,
  dispatchJob as JobDefinition<never>,
  deliverJob as JobDefinition<never>,
];
