// autocannon ships no types: the part of its API the load runner uses (autocannon 9's README).
declare module 'autocannon' {
  export type Context = Record<string, unknown>;
  export interface Request {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    /** Shapes the request before it is sent; a falsy answer restarts the connection's sequence. */
    setupRequest?: (request: Request, context: Context) => Request | undefined;
    onResponse?: (status: number, body: string, context: Context, headers: Record<string, string>) => void;
  }
  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds a request may take before it counts as an error. */
    timeout?: number;
    headers?: Record<string, string>;
    /** The sequence each connection cycles through; its context is reset at each new cycle. */
    requests?: Request[];
  }
  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number; max: number };
  }
  export default function autocannon(options: Options): Promise<Result>;
}
