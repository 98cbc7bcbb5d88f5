import { deleteExpiredTokens } from "../storage/channel-tokens.ts";
import type { PrismaClient } from "../storage/database.ts";
import { deleteExpiredLinkCodes } from "../storage/link-codes.ts";

const DAY = 86_400_000;

/**
 * Keeps bookkeeping tables small. Dedupe keys only need to outlive WeCom's retries (minutes);
 * 30 days is generous. Sent messages stay 180 days (the simulator's history reads them);
 * dead letters and the audit log are never deleted here. Expired channel tokens (and Telegram's
 * button entries kept with them) and link codes go once expired.
 */
export async function housekeeping(prisma: PrismaClient, now: Date): Promise<{ inbound: number; jobRuns: number; outbox: number; channelTokens: number; linkCodes: number }> {
  const before = (days: number) => new Date(now.getTime() - days * DAY);
  const inbound = await prisma.inboundEvent.deleteMany({ where: { status: "DONE", receivedAt: { lt: before(30) } } });
  const jobRuns = await prisma.jobRun.deleteMany({ where: { startedAt: { lt: before(30) } } });
  const outbox = await prisma.outboxMessage.deleteMany({ where: { status: "SENT", sentAt: { lt: before(180) } } });
  const channelTokens = await deleteExpiredTokens(prisma, now);
  const linkCodes = await deleteExpiredLinkCodes(prisma, before(1));
  return { inbound: inbound.count, jobRuns: jobRuns.count, outbox: outbox.count, channelTokens, linkCodes };
}
