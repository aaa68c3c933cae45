import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { Client } from 'ldapts';
import type { DB } from '../src/db/schema.js';
import { TAB_STATUSES } from '../src/features/members/members.service.js';
import type { BenchCase } from './cases.js';
import type { Fixture } from './generate.js';

/**
 * The peers (`npm run bench -- --peers`): OpenLDAP's slapd holding the same members as the data set,
 * loaded offline with `slapadd` into a back-mdb database with an equality and substring index on `cn`,
 * queried over loopback. Its answer to `(cn=*张伟*)` (every match) is timed beside Roster's first page
 * of 张伟, the read a person typing the name waits for.
 */

const run = promisify(execFile);
const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const SUFFIX = 'dc=roster,dc=bench';
const PEOPLE = `ou=people,${SUFFIX}`;
const NAME = '张伟';
const BATCH = 10_000;
const READY_MS = 15_000;

/** A running slapd on a data set's copy; `stop` ends it and removes its folder, whatever happened. */
export interface SlapdPeer {
  entries: number;
  /** A bound client of this slapd, unbound by `stop`. */
  connect: () => Promise<Client>;
  stop: () => Promise<void>;
}

/** An LDIF value: base64 (`attr:: …`) unless it is plain ASCII that needs no encoding (RFC 2849). */
function attribute(name: string, value: string): string {
  return /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ')
    ? `${name}: ${value}\n`
    : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}\n`;
}

/**
 * The data set's members of the member table's default tab (everyone but removed, as Roster's search
 * answers) as LDIF, flat under one `ou=people`: one inetOrgPerson each, `uid` its member id (unique,
 * also the RDN), `cn` and `sn` its name, `mail` and `telephoneNumber` its account's when it has them.
 */
async function writeLdif(db: Kysely<DB>, orgId: string, file: string): Promise<number> {
  const out = fs.openSync(file, 'w');
  let entries = 0;
  try {
    fs.writeSync(
      out,
      `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: roster\no: Roster bench\n\n` +
        `dn: ${PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n`,
    );
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await sql<{ id: string; name: string; email: string | null; phone: string | null }>`
        select m.id, m.name, a.email, a.phone from members m left join accounts a on a.id = m.account_id
        where m.org_id = ${orgId} and m.status = any(${TAB_STATUSES.all}::text[]) and m.id > ${after}::uuid
        order by m.id limit ${BATCH}`.execute(db);
      if (rows.length === 0) break;
      const chunk = rows.map(
        (row) =>
          `dn: uid=${row.id},${PEOPLE}\nobjectClass: inetOrgPerson\nuid: ${row.id}\n` +
          attribute('cn', row.name) +
          attribute('sn', row.name) +
          (row.email ? attribute('mail', row.email) : '') +
          (row.phone ? attribute('telephoneNumber', row.phone) : '') +
          '\n',
      );
      fs.writeSync(out, chunk.join(''));
      entries += rows.length;
      after = (rows[rows.length - 1] as { id: string }).id;
    }
  } finally {
    fs.closeSync(out);
  }
  return entries;
}

function slapdConfig(dir: string): string {
  return [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `pidfile ${path.join(dir, 'slapd.pid')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'sizelimit unlimited',
    'database mdb',
    `suffix "${SUFFIX}"`,
    `directory ${path.join(dir, 'data')}`,
    'maxsize 17179869184',
    'index objectClass eq',
    'index cn eq,sub',
    'index uid eq',
    '',
  ].join('\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until slapd answers an anonymous bind, or fails with its exit or the time allowed. */
async function ready(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode} before answering`);
    const client = new Client({ url, timeout: 1000, connectTimeout: 1000 });
    try {
      await client.bind('', '');
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.unbind().catch(() => {});
    }
  }
  throw new Error(`slapd did not answer at ${url} within ${READY_MS / 1000} s`);
}

/**
 * Writes the data set's members to LDIF, loads them with `slapadd` into a temporary back-mdb database and
 * starts slapd on a free loopback port (as root or not: it only listens where `-h` says). Throws a clear
 * error when slapd is not installed.
 */
export async function startSlapd(
  db: Kysely<DB>,
  fixture: Fixture,
  log: (line: string) => void,
): Promise<SlapdPeer> {
  if (!fs.existsSync(SLAPD) || !fs.existsSync(SLAPADD)) {
    throw new Error(
      `--peers needs OpenLDAP's slapd and slapadd (${SLAPD}): apt-get install slapd ldap-utils`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-slapd-'));
  let child: ChildProcess | undefined;
  const clients: Client[] = [];
  const stop = async () => {
    await Promise.all(clients.map((client) => client.unbind().catch(() => {})));
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    fs.mkdirSync(path.join(dir, 'data'));
    const conf = path.join(dir, 'slapd.conf');
    fs.writeFileSync(conf, slapdConfig(dir));
    const ldif = path.join(dir, 'members.ldif');
    let started = performance.now();
    const entries = await writeLdif(db, fixture.orgId, ldif);
    log(
      `  slapd: ${entries} entries written as LDIF in ${((performance.now() - started) / 1000).toFixed(1)}s`,
    );
    started = performance.now();
    // -q: no checks per entry, the way a bulk load is meant to run; the indexes are built all the same.
    await run(SLAPADD, ['-q', '-f', conf, '-l', ldif], { maxBuffer: 16 * 1024 * 1024 });
    fs.rmSync(ldif);
    log(`  slapd: slapadd took ${((performance.now() - started) / 1000).toFixed(1)}s`);
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    // -d 0: stays in the foreground as our child, so it is ours to stop.
    child = spawn(SLAPD, ['-d', '0', '-f', conf, '-h', `${url}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    await ready(url, child).catch((error: Error) => {
      throw new Error(`${error.message}\n${stderr}`);
    });
    const connect = async () => {
      const client = new Client({ url });
      clients.push(client);
      await client.bind('', '');
      return client;
    };
    return { entries, connect, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The peer row: Roster's first page of 张伟 (`roster`, the bench's own 张伟 case) against slapd's
 * `(cn=*张伟*)` with every match, over one kept connection. Before timing, slapd must answer exactly the
 * members whose name holds 张伟, and Roster's page must be among them; `ratio` is Roster ÷ slapd.
 */
export async function slapdCase(
  db: Kysely<DB>,
  fixture: Fixture,
  peer: SlapdPeer,
  roster: BenchCase,
): Promise<BenchCase> {
  const client = await peer.connect();
  const search = async () => {
    const { searchEntries } = await client.search(PEOPLE, {
      scope: 'one',
      filter: `(cn=*${NAME}*)`,
      attributes: ['cn', 'uid', 'mail', 'telephoneNumber'],
    });
    return searchEntries.map((entry) => String(entry.uid));
  };
  const { rows } = await sql<{ id: string }>`
    select m.id from members m where m.org_id = ${fixture.orgId}
      and m.status = any(${TAB_STATUSES.all}::text[]) and m.name like ${`%${NAME}%`}`.execute(db);
  const expected = new Set(rows.map((row) => row.id));
  const found = await search();
  if (found.length !== expected.size || found.some((id) => !expected.has(id))) {
    throw new Error(
      `slapd answered ${found.length} entries for ${NAME}, the data set holds ${expected.size}`,
    );
  }
  const page = await roster.ours();
  if (page.length === 0 || page.some((id) => !expected.has(id))) {
    throw new Error(`Roster's first page of ${NAME} is not among the ${expected.size} members named so`);
  }
  return {
    name: `peer: slapd (cn=*${NAME}*, ${found.length} matches) vs Roster first page`,
    ours: roster.ours,
    floor: search,
  };
}
