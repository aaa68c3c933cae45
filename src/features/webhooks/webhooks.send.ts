import dns from 'node:dns/promises';
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Each attempt's whole budget: connecting, sending and reading the answer. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer the log keeps. */
export const RESPONSE_BODY_CAP = 1024;

/** Cloud metadata services: refused even where private receivers are allowed. */
const METADATA = ['169.254.169.254', 'fd00:ec2::254'].map((address) => ipaddr.parse(address).toString());

/**
 * Why an address may not be a webhook's target, or null when it may. Only global unicast addresses
 * pass (ipaddr.js's ranges: private, loopback, link-local, CGNAT, unique-local, multicast, reserved …
 * are refused), an IPv4-mapped IPv6 address judged as its IPv4 one; with `allowPrivate` every address
 * but the metadata services'.
 */
export function refusedAddress(address: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(address);
  if (METADATA.includes(parsed.toString())) return `${address} is a cloud metadata address`;
  if (allowPrivate) return null;
  const range = parsed.range();
  return range === 'unicast' ? null : `${address} is a ${range} address, not a public one`;
}

/** The result of one attempt, as the delivery log keeps it. */
export interface AttemptResult {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly responseBody: string | null;
}

class Refused extends Error {}

/**
 * The addresses a host resolves to now, all checked: one refused address refuses the host (a name that
 * resolves to a public and a private address could be answered either way at connect time).
 */
async function checkedAddress(
  host: string,
  allowPrivate: boolean,
): Promise<{ address: string; family: number }> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const addresses = ipaddr.isValid(bare)
    ? [{ address: bare, family: ipaddr.parse(bare).kind() === 'ipv6' ? 6 : 4 }]
    : await dns.lookup(bare, { all: true, verbatim: true });
  if (addresses.length === 0) throw new Refused(`${host} does not resolve`);
  for (const one of addresses) {
    const refusal = refusedAddress(one.address, allowPrivate);
    if (refusal) throw new Refused(`${host} resolves to ${refusal}`);
  }
  return addresses[0] as { address: string; family: number };
}

/** Kept-alive connections per receiver: a fan-out of thousands to one endpoint connects (and shakes hands) once. */
const agents = new Map<string, http.Agent>();
const MOST_AGENTS = 256;

/**
 * The agent for a URL at its checked address. Its lookup answers only that address, so its connections
 * (new or kept alive) always go where the check allowed; it is keyed by the address too, so a host that
 * resolves elsewhere later gets a new agent, and kept-alive sockets of the old address are never reused
 * for it.
 */
function agentFor(target: URL, pinned: { address: string; family: number }): http.Agent {
  const key = `${target.protocol}//${target.host}|${pinned.address}`;
  const known = agents.get(key);
  if (known) return known;
  if (agents.size >= MOST_AGENTS) {
    const [oldest, agent] = agents.entries().next().value as [string, http.Agent];
    agents.delete(oldest);
    agent.destroy();
  }
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [pinned]);
    } else {
      callback(null, pinned.address, pinned.family);
    }
  };
  const options = { keepAlive: true, maxSockets: 32, lookup };
  const agent = target.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
  agents.set(key, agent);
  return agent;
}

/**
 * A deadline many attempts started together share (a delivery batch's): one timer instead of one per
 * attempt, each attempt's own request listening to it.
 */
export function sharedDeadline(attempts: number, timeoutMs = ATTEMPT_TIMEOUT_MS): AbortSignal {
  const signal = AbortSignal.timeout(timeoutMs);
  setMaxListeners(attempts + 1, signal);
  return signal;
}

/**
 * POSTs a signed body once: the host resolved and checked now, the connection made to that checked
 * address (an agent whose lookup answers it, so a second resolution cannot swap it: DNS rebinding),
 * redirects never followed (a 3xx is a failed attempt that says where it pointed), the answer read up
 * to 1 KB, all within 10 seconds (or by `deadline`, a `sharedDeadline` made when the attempt started).
 * Never throws: every failure is a result.
 */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { allowPrivate: boolean; timeoutMs?: number; deadline?: AbortSignal },
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string, statusCode: number | null = null, responseBody: string | null = null) => ({
    ok: false,
    statusCode,
    latencyMs: elapsed(),
    error,
    responseBody,
  });
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    return failed('Only http and https are sent to');
  const signal = options.deadline ?? AbortSignal.timeout(options.timeoutMs ?? ATTEMPT_TIMEOUT_MS);
  try {
    const pinned = await checkedAddress(target.hostname, options.allowPrivate);
    const agent = agentFor(target, pinned);
    const transport = target.protocol === 'https:' ? https : http;
    const answer = await new Promise<{ status: number; location: string | null; text: string }>(
      (resolve, reject) => {
        const request = transport.request(
          target,
          {
            method: 'POST',
            signal,
            agent,
            headers: {
              ...headers,
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(body)),
              'user-agent': 'Roster-Webhooks/1',
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            let size = 0;
            const finish = () =>
              resolve({
                status: response.statusCode ?? 0,
                location: typeof response.headers.location === 'string' ? response.headers.location : null,
                text: Buffer.concat(chunks).subarray(0, RESPONSE_BODY_CAP).toString('utf8'),
              });
            response.on('data', (chunk: Buffer) => {
              chunks.push(chunk);
              size += chunk.length;
              // The cap is all the log keeps: the rest is not read, however much the receiver sends.
              if (size >= RESPONSE_BODY_CAP) {
                response.destroy();
                finish();
              }
            });
            response.on('end', finish);
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      },
    );
    if (answer.status >= 200 && answer.status < 300) {
      return {
        ok: true,
        statusCode: answer.status,
        latencyMs: elapsed(),
        error: null,
        responseBody: answer.text,
      };
    }
    if (answer.status >= 300 && answer.status < 400) {
      return failed(
        `Redirect (${answer.status}) to ${answer.location ?? 'nowhere'} not followed: register the final address`,
        answer.status,
        answer.text,
      );
    }
    return failed(`The receiver answered ${answer.status}`, answer.status, answer.text);
  } catch (error) {
    if (error instanceof Refused) return failed(`Refused: ${error.message}`);
    if (signal.aborted)
      return failed(`No answer within ${(options.timeoutMs ?? ATTEMPT_TIMEOUT_MS) / 1000} s`);
    return failed(error instanceof Error ? error.message : String(error));
  }
}
