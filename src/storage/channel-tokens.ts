// The ChannelToken table behind the channels' token store (src/channels/token-store.ts
// cachedTokenStore): one platform token for every instance and across restarts. Two instances that both
// find it stale may both fetch one (the platforms keep the previous token valid for a while after
// a new one is issued). Tokens are stored as the platforms give them: the database is as secret
// as the app's secrets.
import type { PrismaClient } from "./database.ts";

/** load / save / remove of one key's token, as cachedTokenStore's backing. */
export function channelTokenTable(prisma: Pick<PrismaClient, "channelToken">) {
  return {
    load: (key: string) => prisma.channelToken.findUnique({ where: { key }, select: { token: true, expiresAt: true } }),
    save: async (key: string, t: { token: string; expiresAt: Date }) => {
      await prisma.channelToken.upsert({ where: { key }, create: { key, token: t.token, expiresAt: t.expiresAt }, update: { token: t.token, expiresAt: t.expiresAt } });
    },
    // Only the token that failed: another instance may already have stored a new one.
    remove: async (key: string, token: string) => {
      await prisma.channelToken.deleteMany({ where: { key, token } });
    },
  };
}

/** Housekeeping: tokens (and the entries kept with them) past their expiry. */
export async function deleteExpiredTokens(prisma: Pick<PrismaClient, "channelToken">, now: Date): Promise<number> {
  return (await prisma.channelToken.deleteMany({ where: { expiresAt: { lt: now } } })).count;
}
