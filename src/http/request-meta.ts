import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '../context.js';

/** The language a request asks for: Simplified Chinese when the client prefers any Chinese, else English. */
export function localeOf(request: FastifyRequest): 'en' | 'zh-CN' {
  const header = request.headers['accept-language'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh-CN' : 'en';
}

/** Who asked and from where, for the audit log and the throttles. */
export function metaOf(request: FastifyRequest): RequestMeta {
  return {
    ip: request.ip ?? null,
    requestId: request.id,
    userAgent: request.headers['user-agent'] ?? null,
    locale: localeOf(request),
    tokenId: request.orgActor?.token?.id ?? null,
  };
}
