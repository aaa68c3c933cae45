import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Account, AccountsTable, Locale } from '../../db/schema.js';
import type { Me } from './accounts.schemas.js';
import { TEMPORARY_PASSWORD_HOURS } from './passwords.js';

/** The account a sign-in name points at: a username first, then an email, then a phone number. */
export function findAccountByLogin(db: Executor, login: string, phone: string | undefined) {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('username', '=', login),
        eb('email', '=', login),
        ...(phone ? [eb('phone', '=', phone)] : []),
      ]),
    )
    .orderBy((eb) =>
      eb.case().when('username', '=', login).then(0).when('email', '=', login).then(1).else(2).end(),
    )
    .limit(1)
    .executeTakeFirst();
}

/** The columns of a password someone else set: changed at the first sign-in, void when unused for 72 hours. */
export function temporaryPasswordColumns() {
  return {
    password_temporary: true,
    password_expires_at: sql<Date>`now() + make_interval(hours => ${TEMPORARY_PASSWORD_HOURS})`,
  };
}

/** A new account as its creators describe it: member creation, first-run setup and registration. */
export interface NewAccount {
  readonly kind: AccountsTable['kind'];
  readonly username: string;
  readonly name: string;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly passwordHash: string;
  /** Set by someone other than the person (an admin, the CLI): temporary [ASVS 6.4.1]. */
  readonly temporaryPassword?: boolean;
  readonly isOperator?: boolean;
  readonly locale?: Locale;
  /** The account is created by its own sign-in (setup, registration): its last sign-in is now. */
  readonly signedIn?: boolean;
}

/** The one writer of account rows. Sign-in names must have been checked free (assertSignInNamesFree). */
export async function insertAccount(db: Executor, account: NewAccount): Promise<Account> {
  const [inserted] = await insertAccounts(db, [account]);
  if (!inserted) throw new Error('insertAccount: no row was written');
  return inserted;
}

/** insertAccount for many accounts (an import's chunk) in one statement, in the order given. */
export function insertAccounts(db: Executor, accounts: readonly NewAccount[]): Promise<Account[]> {
  if (accounts.length === 0) return Promise.resolve([]);
  return db
    .insertInto('accounts')
    .values(
      accounts.map((account) => ({
        kind: account.kind,
        username: account.username,
        name: account.name,
        email: account.email ?? null,
        phone: account.phone ?? null,
        password_hash: account.passwordHash,
        is_operator: account.isOperator ?? false,
        password_temporary: account.temporaryPassword ?? false,
        password_expires_at: account.temporaryPassword
          ? sql<Date>`now() + make_interval(hours => ${TEMPORARY_PASSWORD_HOURS})`
          : null,
        ...(account.locale ? { locale: account.locale } : {}),
        last_sign_in_at: account.signedIn ? sql<Date>`now()` : null,
      })),
    )
    .returningAll()
    .execute();
}

export function findAccountById(db: Executor, id: string) {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** An account as the console shows it to its owner. */
export function toMe(account: Account): Me {
  return {
    id: account.id,
    kind: account.kind,
    name: account.name,
    username: account.username,
    email: account.email,
    phone: account.phone,
    locale: account.locale,
    isOperator: account.is_operator,
    mustChangePassword: account.password_temporary,
    lastSignInAt: account.last_sign_in_at?.toISOString() ?? null,
  };
}
