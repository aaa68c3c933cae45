import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { i18n } from './i18n';

/** A refusal from the API: `{ error: { code, message, details } }`, the message already in the UI language. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Not JSON: a proxy or the network answered, not Roster. Fall through to the generic message.
  }
  const error = isRecord(payload) && isRecord(payload.error) ? payload.error : null;
  if (error && typeof error.code === 'string') {
    return new ApiError(
      response.status,
      error.code,
      typeof error.message === 'string' ? error.message : error.code,
      isRecord(error.details) ? error.details : {},
    );
  }
  return new ApiError(
    response.status,
    'http.unexpected',
    i18n.t('errors.unexpected', { status: response.status }),
  );
}

/** The one fetch wrapper: same-origin cookie, JSON both ways, the UI language as Accept-Language. */
async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': i18n.language };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(withQuery(`/api/v1${path}`, options.query), {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network', i18n.t('errors.network'));
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface ApiClient {
  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  del<T>(path: string, query?: Query): Promise<T>;
}

export interface UseApiOptions {
  /** Send a signed-out visitor to /sign-in (the default); off where being signed out is an answer. */
  redirectOnSignedOut?: boolean;
}

/**
 * The console's API client. A signed-out answer sends the visitor to /sign-in (and back afterwards);
 * a forced password change sends them to /change-password. Every other refusal is thrown as an ApiError.
 */
export function useApi({ redirectOnSignedOut = true }: UseApiOptions = {}): ApiClient {
  const navigate = useNavigate();
  return useMemo(() => {
    const call = async <T>(path: string, options: RequestOptions): Promise<T> => {
      try {
        return await apiFetch<T>(path, options);
      } catch (error) {
        if (error instanceof ApiError) {
          const here = window.location.pathname;
          if (error.code === 'auth.required' && redirectOnSignedOut && here !== '/sign-in') {
            const next = encodeURIComponent(here + window.location.search);
            navigate(`/sign-in?next=${next}`, { replace: true });
          } else if (error.code === 'auth.password_change_required' && here !== '/change-password') {
            navigate('/change-password', { replace: true });
          }
        }
        throw error;
      }
    };
    return {
      get: (path, query, signal) => call(path, { query, signal }),
      post: (path, body) => call(path, { method: 'POST', body: body ?? {} }),
      patch: (path, body) => call(path, { method: 'PATCH', body }),
      put: (path, body) => call(path, { method: 'PUT', body }),
      del: (path, query) => call(path, { method: 'DELETE', query }),
    };
  }, [navigate, redirectOnSignedOut]);
}
