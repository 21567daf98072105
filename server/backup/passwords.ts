// Setting a new password for a staff account from the command line: restored accounts have none (the
// archive holds no hashes), and an admin who has forgotten theirs needs the same door.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import { recordAudit } from '../records/audit.ts';
import { RestoreError } from './restore.ts';

/** Generates, stores and returns (once) a new password; ends the account's sessions and lifts a lockout. */
export async function resetPassword(db: Kysely<Database>, username: string): Promise<string> {
  const password = generatePassword();
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const user = await trx.updateTable('staff_users').set({ password_hash: hash, failed_logins: 0, locked_until: null })
      .where('username', '=', username).returning(['id', 'street_code']).executeTakeFirst();
    if (!user) throw new RestoreError(`There is no staff account "${username}"`);
    await trx.deleteFrom('staff_sessions').where('staff_id', '=', user.id).execute();
    await recordAudit(trx, { staff: null, action: 'reset_password', entity: 'staff_user', entity_id: user.id, street_code: user.street_code, after: { via: 'cli' } });
  });
  return password;
}
