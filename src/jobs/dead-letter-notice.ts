import { maskMobiles } from "../domain/mask.ts";
import type { Directory } from "../storage/directory.ts";
import type { OutgoingMessage } from "../storage/outbox.ts";

/** dedupeKey prefix of these notices: a notice that dies itself is never noticed (no loops). */
const NOTICE_KEY = "outbox-dead:";

/** zhangsan01 → zh*******1: enough for an admin to recognise, not to copy. */
export function maskUserId(id: string): string {
  const c = Array.from(id);
  return c.length <= 3 ? `${c[0] ?? ""}**` : `${c.slice(0, 2).join("")}${"*".repeat(Math.min(8, c.length - 3))}${c.at(-1)}`;
}

/** The short texts telling every ADMIN identity that a message was dead-lettered, and why. */
export async function deadLetterNotices(
  directory: Pick<Directory, "recipientsWithRole">,
  dead: { id: string; channel: string; externalUserId: string; dedupeKey: string | null },
  reason: string,
  now: Date,
): Promise<OutgoingMessage[]> {
  if (dead.dedupeKey?.startsWith(NOTICE_KEY)) return [];
  const admins = (await directory.recipientsWithRole("ADMIN")).filter((a) => !(a.channel === dead.channel && a.userId === dead.externalUserId));
  const why = maskMobiles(reason).slice(0, 120);
  const text = `【消息未送达】发给 ${dead.channel} 用户 ${maskUserId(dead.externalUserId)} 的一条消息已停止重发：${why}。请在 /admin/outbox?status=DEAD 查看或重发。`;
  return admins.map((a) => ({
    channel: a.channel,
    userId: a.userId,
    personId: a.personId,
    message: { kind: "text", text },
    dedupeKey: `${NOTICE_KEY}${dead.id}:${now.getTime()}:${a.channel}:${a.userId}`,
  }));
}
