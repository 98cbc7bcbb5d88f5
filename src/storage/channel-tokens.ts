// The ChannelTokenStore on the ChannelToken table: one platform token for every instance and
// across restarts, and a copy in this process so a send does not read the table each time. Two
// instances that both find it stale may both fetch one (the platforms keep the previous token
// valid for a while after a new one is issued); within one process concurrent callers share one
// fetch. Tokens are stored as the platforms give them: the database is as secret as the app's
// secrets.
import type { PrismaClient } from "./database.ts";

interface FreshToken {
  token: string;
  expiresAt: Date;
}

/** Refresh this long before the platform says a token expires (clock skew, calls in flight). */
const MARGIN_MS = 5 * 60_000;
/** Entries kept in this process (Telegram keeps its button references here too): the oldest go first. */
const LOCAL_MAX = 1_000;

export function createChannelTokenStore(prisma: PrismaClient, now: () => Date) {
  const inflight = new Map<string, Promise<string>>();
  const local = new Map<string, FreshToken>();
  const remember = (key: string, t: FreshToken) => {
    local.delete(key);
    if (local.size >= LOCAL_MAX) local.delete(local.keys().next().value!);
    local.set(key, t);
  };
  const valid = (t: { expiresAt: Date } | null | undefined): t is FreshToken => !!t && now().getTime() < t.expiresAt.getTime() - MARGIN_MS;

  async function load(key: string, fresh: () => Promise<FreshToken>): Promise<string> {
    const stored = await prisma.channelToken.findUnique({ where: { key } });
    if (valid(stored)) {
      remember(key, { token: stored.token, expiresAt: stored.expiresAt });
      return stored.token;
    }
    const t = await fresh();
    await prisma.channelToken.upsert({ where: { key }, create: { key, token: t.token, expiresAt: t.expiresAt }, update: { token: t.token, expiresAt: t.expiresAt } });
    remember(key, t);
    return t.token;
  }

  return {
    get(key: string, fresh: () => Promise<FreshToken>): Promise<string> {
      const mine = local.get(key);
      if (valid(mine)) return Promise.resolve(mine.token);
      let p = inflight.get(key);
      if (!p) {
        p = load(key, fresh).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      return p;
    },
    async invalidate(key: string, token: string): Promise<void> {
      if (local.get(key)?.token === token) local.delete(key);
      // Only the token that failed: another instance may already have stored a new one.
      await prisma.channelToken.deleteMany({ where: { key, token } });
    },
  };
}

/** Housekeeping: tokens (and the entries kept with them) past their expiry. */
export async function deleteExpiredTokens(prisma: Pick<PrismaClient, "channelToken">, now: Date): Promise<number> {
  return (await prisma.channelToken.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
