// Sign-in throttling per (username as typed, client address), kept in the database so every instance
// applies the same delays. A stranger's wrong passwords slow down only that stranger's address: the
// owner signing in from elsewhere is never locked out. Unknown usernames are throttled exactly like
// real ones, so neither the answer nor its timing tells which usernames exist.
import net from 'node:net';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { countRequest } from '../http/rateLimitStore.ts';

export const SIGNIN_THROTTLE = {
  /** Failures from one address for one username before the first delay. */
  freeFailures: 5,
  /** The first delay; each further failure doubles it ... */
  baseDelaySeconds: 30,
  /** ... up to this. */
  maxDelaySeconds: 3600,
  /** A (username, address) pair without a failure for this long starts again from zero. */
  forgetAfterSeconds: 24 * 3600,
};

/**
 * Sign-in attempts from one address, whatever the username: at most `max` per `windowSeconds`, the
 * window starting at the address's first attempt. Counted in the database, so two instances behind a
 * load balancer give an address this limit once, not once each.
 */
export const SIGNIN_ADDRESS_LIMIT = { max: 10, windowSeconds: 60 };

/** Delay imposed after the `failures`-th failure (0 while failures are still free). */
export function signinDelaySeconds(failures: number, policy = SIGNIN_THROTTLE): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** Math.min(failures - policy.freeFailures, 20));
}

/**
 * The address a throttle counts against: an IPv4 address as it is (also when written IPv4-mapped), an
 * IPv6 address by its /64 network, since one subscriber usually holds a whole /64.
 */
export function throttleAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!net.isIPv6(ip)) return ip.slice(0, 64);
  const [head, tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Seconds this username must still wait from this address (0: it may try now). */
export async function signinWaitSeconds(db: Kysely<Database>, usernameKey: string, address: string): Promise<number> {
  const row = await db.selectFrom('signin_throttle')
    .select(sql<number>`ceil(extract(epoch from (blocked_until - now())))::int`.as('wait'))
    .where('username_key', '=', usernameKey).where('address', '=', address)
    .where('blocked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row ? Math.max(1, Number(row.wait)) : 0;
}

/**
 * Counts one failure and sets the delay it earns. One statement, so two instances counting at once
 * cannot lose a failure. Returns the failures so far and the delay now imposed (seconds, 0 if none).
 */
export async function recordSigninFailure(db: Kysely<Database>, usernameKey: string, address: string, policy = SIGNIN_THROTTLE): Promise<{ failures: number; delaySeconds: number }> {
  const forget = policy.forgetAfterSeconds;
  const row = await db.insertInto('signin_throttle')
    .values({ username_key: usernameKey, address, failures: 1 })
    .onConflict((oc) => oc.columns(['username_key', 'address']).doUpdateSet({
      failures: sql<number>`case when signin_throttle.last_failure_at < now() - make_interval(secs => ${forget}) then 1 else signin_throttle.failures + 1 end`,
      first_failure_at: sql<Date>`case when signin_throttle.last_failure_at < now() - make_interval(secs => ${forget}) then now() else signin_throttle.first_failure_at end`,
      last_failure_at: sql<Date>`now()`,
    }))
    .returning('failures')
    .executeTakeFirstOrThrow();
  const failures = Number(row.failures);
  const delaySeconds = signinDelaySeconds(failures, policy);
  await db.updateTable('signin_throttle')
    .set({ blocked_until: delaySeconds ? sql<Date>`now() + make_interval(secs => ${delaySeconds})` : null })
    .where('username_key', '=', usernameKey).where('address', '=', address)
    .execute();
  // Old pairs are forgotten here rather than by a timer: the table stays small without a scheduler.
  await db.deleteFrom('signin_throttle').where('last_failure_at', '<', sql<Date>`now() - make_interval(secs => ${forget})`).execute();
  return { failures, delaySeconds };
}

/**
 * Counts one sign-in attempt from `address` in the same store as every route's request limit
 * (`rate_limit_windows`, one statement, so attempts on two instances at once are both counted); returns the
 * seconds to wait when this attempt is over the limit (0: go ahead).
 */
export async function countSigninAttempt(db: Kysely<Database>, address: string, limit = SIGNIN_ADDRESS_LIMIT): Promise<number> {
  const { current, ttl } = await countRequest(db, `signin|${address}`, limit.windowSeconds * 1000);
  return current > limit.max ? Math.max(1, Math.ceil(ttl / 1000)) : 0;
}

/** A successful sign-in from this address clears its count for this username. */
export async function clearSigninFailures(db: Kysely<Database>, usernameKey: string, address: string): Promise<void> {
  await db.deleteFrom('signin_throttle').where('username_key', '=', usernameKey).where('address', '=', address).execute();
}

/**
 * Sign-ins refused with this username (wrong password or throttled) after `since` (all, if null): read
 * from the audit log at the owner's next sign-in, so a refusal writes nothing that depends on whether
 * the username exists.
 */
export async function refusedSignInsSince(db: Kysely<Database>, username: string, since: Date | null): Promise<{ count: number; last: Date | null }> {
  const row = await db.selectFrom('audit_log')
    .select([sql<number>`count(*)::int`.as('count'), sql<Date | null>`max(at)`.as('last')])
    .where('username', '=', username)
    .where('action', 'in', ['login_failed', 'login_throttled'])
    .where('user_id', 'is', null)
    .$if(since !== null, (q) => q.where('at', '>', new Date(since!)))
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), last: row.last ? new Date(row.last) : null };
}
