// What the outbox dispatcher asks before a send: may this recipient get a message now (the
// platform's per-member cap), which duplicate-check variant a repeated message takes, and how
// long a failed send waits. Split out of outbox-dispatcher.ts, which claims and sends.
import { ChannelApiError, ChannelHttpError } from "../channels/channel.ts";
import type { ChannelName } from "../domain/chat.ts";
import type { PrismaClient } from "../storage/database.ts";
import { contentHash, countSentSince, nthLatestSentAt, sentTimesSince, variantsInUse } from "../storage/outbox.ts";

export interface RateLimit {
  perMinute: number;
  perHour: number;
}

type Row = Awaited<ReturnType<PrismaClient["outboxMessage"]["findMany"]>>[number];

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Card updates are not app messages. WeCom's cap "每应用对同一个成员不可超过30次/分钟，1000次/小时，
 * 超过部分会被丢弃不下发" is listed under 发送应用消息频率 (message/send) and "发消息频率不计入基础
 * 频率" (https://developer.work.weixin.qq.com/document/path/90454, 频率限制, updated 2023-08-28;
 * 90312 for self-built apps). update_template_card is another API, limited per card instead: each
 * response_code works once, within 72 hours (https://developer.work.weixin.qq.com/document/path/94888,
 * 更新模版卡片消息); it falls under the basic per-API frequency (1万次/分 per enterprise). So a
 * card update neither counts against the member's cap nor waits for it.
 * A JSON string escapes its quotes, so only a message whose own kind is card_update contains this.
 */
const CARD_UPDATE_MARK = '"kind":"card_update"';

/** Whether an outbox payload counts against (and waits for) the per-member cap. */
export function countsAgainstCap(payloadJson: string): boolean {
  return !payloadJson.includes(CARD_UPDATE_MARK);
}

/** When the recipient may next receive a message, or null if now is fine. */
export async function rateLimitedUntil(prisma: PrismaClient, limit: RateLimit | undefined, channel: ChannelName, userId: string, now: Date): Promise<Date | null> {
  if (!limit) return null;
  // Two counts on the hot path; the window's oldest send is read only when a cap is reached.
  const windows = [
    { ms: MINUTE, cap: limit.perMinute },
    { ms: HOUR, cap: limit.perHour },
  ];
  for (const w of windows) {
    const sent = { channel, userId, since: new Date(now.getTime() - w.ms), except: CARD_UPDATE_MARK };
    if ((await countSentSince(prisma, sent)) < w.cap) continue;
    const pivot = await nthLatestSentAt(prisma, sent, w.cap);
    if (pivot) return new Date(pivot.getTime() + w.ms + 1);
  }
  return null;
}

/** Recipients remembered at most (the oldest are forgotten first; they are read again if needed). */
const REMEMBERED = 20_000;

/**
 * The per-member caps without two counts per send: this process remembers each recipient's sends of
 * the last hour (read once from the database, then noted as it sends). While both windows are below
 * half their cap, memory answers; nearer a cap — where sends by other instances could matter — the
 * database counts, exactly as rateLimitedUntil always did.
 */
export function createSendWindows(prisma: PrismaClient) {
  const sent = new Map<string, number[]>(); // ascending send times (ms), the last hour
  const key = (channel: string, userId: string) => `${channel}\u0000${userId}`;
  return {
    async limitedUntil(limit: RateLimit | undefined, channel: ChannelName, userId: string, now: Date): Promise<Date | null> {
      if (!limit) return null;
      const k = key(channel, userId);
      let times = sent.get(k);
      sent.delete(k); // most recently used last
      // Read once per member; again when a clock set back (tests, an as-of run) may have pruned sends the database still counts.
      if (!times || (times.length > 0 && times.at(-1)! > now.getTime())) {
        const since = new Date(now.getTime() - HOUR);
        times = (await sentTimesSince(prisma, { channel, userId, since, except: CARD_UPDATE_MARK }, limit.perHour)).map((d) => d.getTime()).reverse();
        if (sent.size >= REMEMBERED) sent.delete(sent.keys().next().value!);
      }
      const hourAgo = now.getTime() - HOUR;
      while (times.length > 0 && times[0]! <= hourAgo) times.shift();
      sent.set(k, times);
      const firstInMinute = times.findIndex((t) => t > now.getTime() - MINUTE);
      const inMinute = firstInMinute < 0 ? 0 : times.length - firstInMinute;
      if (inMinute * 2 < limit.perMinute && times.length * 2 < limit.perHour) return null;
      return rateLimitedUntil(prisma, limit, channel, userId, now);
    },
    /** A message that counts against the cap went out to this recipient at `at`. */
    noteSent(channel: string, userId: string, at: Date) {
      sent.get(key(channel, userId))?.push(at.getTime());
    },
  };
}

/**
 * The smallest variant no other message with this content to this recipient uses that may
 * have reached the platform inside the window (sent, or tried). Rows not tried yet come later
 * in this recipient's order and choose at their own first claim.
 */
export async function chooseVariant(prisma: PrismaClient, row: Row, now: Date, windowMs: number): Promise<number> {
  const hash = row.contentHash || contentHash(row.payloadJson);
  const since = new Date(now.getTime() - 2 * windowMs);
  const used = await variantsInUse(prisma, row, hash, since);
  let v = 0;
  while (used.has(v)) v++;
  return v;
}

/** Exponential backoff: base·2^(n−1), capped. Attempt n is the one that just failed. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof ChannelHttpError) return true;
  if (err instanceof ChannelApiError) return err.retryable;
  return false; // a bug or a refused payload will not get better by retrying
}
