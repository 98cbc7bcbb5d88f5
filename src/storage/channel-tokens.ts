// The ChannelTokenStore on the ChannelToken table: one platform token for every instance and
// across restarts. Two instances that both find it stale may both fetch one (the platforms keep
// the previous token valid for a while after a new one is issued); within one process concurrent
// callers share one fetch.
import type { PrismaClient } from "./database.ts";

interface FreshToken {
  token: string;
  expiresAt: Date;
}

/** Refresh this long before the platform says a token expires (clock skew, calls in flight). */
const MARGIN_MS = 5 * 60_000;

export function createChannelTokenStore(prisma: PrismaClient, now: () => Date) {
  const inflight = new Map<string, Promise<string>>();
  const valid = (t: { expiresAt: Date } | null) => t !== null && now().getTime() < t.expiresAt.getTime() - MARGIN_MS;

  async function load(key: string, fresh: () => Promise<FreshToken>): Promise<string> {
    const stored = await prisma.channelToken.findUnique({ where: { key } });
    if (stored && valid(stored)) return stored.token;
    const t = await fresh();
    await prisma.channelToken.upsert({ where: { key }, create: { key, token: t.token, expiresAt: t.expiresAt }, update: { token: t.token, expiresAt: t.expiresAt } });
    return t.token;
  }

  return {
    get(key: string, fresh: () => Promise<FreshToken>): Promise<string> {
      let p = inflight.get(key);
      if (!p) {
        p = load(key, fresh).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      return p;
    },
    async invalidate(key: string, token: string): Promise<void> {
      await prisma.channelToken.deleteMany({ where: { key, token } });
    },
  };
}
