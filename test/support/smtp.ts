import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the test's SMTP server took it: the envelope's recipients and sender, and the raw text. */
export interface ReceivedMail {
  readonly rcpt: string[];
  readonly from: string;
  readonly raw: string;
}

/**
 * A real SMTP server on 127.0.0.1, started by the test (outbound mail reaches no one else), that signs
 * in one user over plain SMTP and keeps every message it takes.
 */
export async function startSmtpServer(login: { user: string; password: string }) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === login.user && auth.password === login.password)
        callback(null, { user: login.user });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          rcpt: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          raw: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  // A client killed mid-session (the crash tests SIGKILL workers while they send) resets its connection:
  // the server reports it as an error, which would otherwise end the test run as an uncaught exception.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    /** The messages for one address. */
    to: (address: string) => received.filter((m) => m.rcpt.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls `probe` until it answers something other than undefined; gives up after 20 s. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
