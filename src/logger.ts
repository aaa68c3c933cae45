import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
}

/** Query strings of console pages never reach the log: their links may carry tokens. */
function serializeRequest(request: LoggedRequest) {
  const url = request.url.startsWith('/api/') ? request.url : request.url.split('?')[0];
  return { method: request.method, url, remoteAddress: request.ip };
}

/** JSON logs on stdout; each request's lines carry its `reqId`. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    serializers: { req: serializeRequest, err: pino.stdSerializers.err },
    redact: {
      // @fastify/multipart logs the request's headers with its busboy options (trace level).
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'busboyOptions.headers.cookie',
        'busboyOptions.headers.authorization',
        '*.password',
        '*.token',
      ],
      remove: true,
    },
  });
}
