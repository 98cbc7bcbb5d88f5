import { appendAudit } from "../../storage/audit-log.ts";
import type { BotContext } from "./bot-context.ts";

export interface ChatRefusal {
  /** e.g. "pending.refused", "application.urge_refused". */
  action: string;
  /** Why, as a stable code (e.g. "not_an_approver"). */
  reason: string;
  /** What was asked for: an application, or the person themself when there is none. */
  subject?: { type: string; id: string };
  /** What the person is told. */
  text: string;
  detail?: Record<string, unknown>;
}

/**
 * Answers a refused chat action and records it in the audit chain, in one transaction: who
 * (person, role held), on which channel, what was asked and why it was refused.
 */
export async function refuseInChat(ctx: BotContext, r: ChatRefusal): Promise<void> {
  const e = ctx.event;
  const asked = e.kind === "button" ? { key: e.key.slice(0, 64), cardId: e.cardId?.slice(0, 128) ?? null } : e.kind === "text" ? { text: e.text.slice(0, 40) } : { kind: e.kind };
  await ctx.commit([{ kind: "text", text: r.text }], async (tx) => {
    await appendAudit(tx, {
      at: ctx.now,
      action: r.action,
      subjectType: r.subject?.type ?? "Person",
      subjectId: r.subject?.id ?? ctx.person.id,
      actorId: ctx.person.id,
      actorRole: ctx.person.roles.map((g) => g.role).join(",") || null,
      channel: e.sender.channel,
      detail: { reason: r.reason, ...asked, ...r.detail },
    });
  });
}
