import { expect } from 'vitest';
import { prepareImport } from '../../src/features/imports/import.service.js';
import { runImportChunk } from '../../src/features/imports/import.write.js';
import type { Harness } from './harness.js';
import type { Api } from './member-org.js';

/** A multipart request body holding one file in the field "file", as a browser's form sends it. */
export function multipart(name: string, bytes: Buffer) {
  const boundary = '----roster-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A task as GET /tasks/:id answers it, the parts these tests read. */
export interface TaskAnswer {
  task: {
    id: string;
    status: string;
    rowsTotal: number;
    counts: Record<string, number>;
    error: { code: string; message: string } | null;
  };
  problems: { line: number; column: string | null; code: string; message: string }[];
}

/**
 * An org's import steps as the jobs would run them: upload (202), the preview read, the start, and the
 * chunks run one after another until the import ends.
 */
export function importSteps(h: Harness, orgId: string, departmentId: string, api: Api) {
  const base = `/api/v1/orgs/${orgId}`;
  const upload = (name: string, bytes: Buffer, query = '') => {
    const { body, contentType } = multipart(name, bytes);
    return api.send('POST', `${base}/imports?departmentId=${departmentId}${query}`, body, {
      'content-type': contentType,
    });
  };
  const task = async (id: string) => {
    const response = await api.get(`${base}/tasks/${id}`, { 'accept-language': 'en' });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as TaskAnswer;
  };
  const preview = async (name: string, bytes: Buffer, query = '') => {
    const response = await upload(name, bytes, query);
    expect(response.statusCode, response.body).toBe(202);
    const id = (response.json() as TaskAnswer).task.id;
    await prepareImport(h.ctx, id);
    return task(id);
  };
  const start = (id: string, headers: Record<string, string> = {}) =>
    api.send('POST', `${base}/imports/${id}/start`, undefined, headers);
  const drain = async (id: string) => {
    while (await runImportChunk(h.ctx, id)) {}
    await runImportChunk(h.ctx, id);
    return task(id);
  };
  return { base, upload, task, preview, start, drain };
}
