import type { Kysely, Transaction } from 'kysely';
import type { Account, DB } from '../../db/schema.js';
import type { Me } from './accounts.schemas.js';

type Executor = Kysely<DB> | Transaction<DB>;

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
