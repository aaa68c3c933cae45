import { ApiError } from '../../api';
import { i18n } from '../../i18n';

/** The file name the server gave (`filename*`, UTF-8), else `fallback`. */
function fileNameOf(disposition: string | null, fallback: string): string {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1];
  return encoded ? decodeURIComponent(encoded) : fallback;
}

/** A refusal's `{ error }` body as an ApiError, or the generic message when the body is not Roster's. */
export function refusalOf(status: number, body: string): ApiError {
  let error: { code?: string; message?: string; details?: Record<string, unknown> } | undefined;
  try {
    error = (JSON.parse(body) as { error?: typeof error }).error;
  } catch {
    // Not JSON: a proxy answered, not Roster.
  }
  return new ApiError(
    status,
    error?.code ?? 'http.unexpected',
    error?.message ?? i18n.t('errors.unexpected', { status }),
    error?.details,
  );
}

/**
 * Asks the API (`path` under /api/v1) with the session and the console's language; a refusal is thrown as
 * an ApiError. A plain link would send the browser's language, not the console's, and could not show a
 * refusal.
 */
export async function fetchFile(path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}) {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        'Accept-Language': i18n.language,
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  if (!response.ok) throw refusalOf(response.status, await response.text());
  return response;
}

/** Hands a file answer to the browser as a download; answers its name (the server's, else `fallbackName`). */
export async function saveFile(response: Response, fallbackName: string): Promise<string> {
  const name = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled.
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
  return name;
}

/** Fetches a file of the API and hands it to the browser as a download; answers its name. */
export async function saveDownload(path: string, fallbackName: string): Promise<string> {
  return saveFile(await fetchFile(path), fallbackName);
}
