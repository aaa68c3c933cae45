import { ApiError } from '../../api';
import type { TaskView } from '../../api-types';
import { i18n } from '../../i18n';
import { refusalOf } from '../Tasks/download';

/** The largest file an import takes (the server's FILE_LIMITS.bytes): checked before sending it. */
export const MAX_FILE_MB = 50;

/** What the import applies to the file's rows. */
export type ImportMode = 'create' | 'invite' | 'update';

/** The choices of the dialog's first step, sent with the file. */
export interface ImportOptions {
  mode: ImportMode;
  departmentId: string;
  createDepartments: boolean;
  passwordDelivery: 'password' | 'link';
}

/** The upload's answer: the task that reads the file, and the earlier task of this very file, if any. */
export interface UploadAnswer {
  task: TaskView;
  sameFile: { number: number; finishedAt: string } | null;
}

/**
 * The query of an upload. Each option is sent only when it differs from what the server does without
 * it (create mode, no new departments, a mailed password), so the default import does not depend on
 * a server that already knows every option.
 */
export function uploadQuery(options: ImportOptions): URLSearchParams {
  const query = new URLSearchParams({ departmentId: options.departmentId });
  if (options.mode !== 'create') query.set('mode', options.mode);
  if (options.createDepartments) query.set('createDepartments', 'true');
  if (options.mode === 'create' && options.passwordDelivery !== 'password')
    query.set('passwordDelivery', options.passwordDelivery);
  return query;
}

/**
 * Sends the file as the multipart field `file`. XMLHttpRequest rather than fetch: a 50 MB file takes a
 * while on a slow line, and only it reports the upload's progress (0–100).
 */
export function uploadImport(
  orgId: string,
  file: File,
  options: ImportOptions,
  onProgress: (percent: number) => void,
): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1/orgs/${encodeURIComponent(orgId)}/imports?${uploadQuery(options)}`);
    request.withCredentials = true;
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('Accept-Language', i18n.language);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    request.onload = () => {
      if (request.status === 202) resolve(JSON.parse(request.responseText) as UploadAnswer);
      else reject(refusalOf(request.status, request.responseText));
    };
    request.onerror = () => reject(new ApiError(0, 'network', i18n.t('errors.network')));
    const body = new FormData();
    body.append('file', file, file.name);
    request.send(body);
  });
}
