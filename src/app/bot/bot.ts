import type { ChannelAdapter } from "../../channels/channel.ts";
import type { ChannelName, InboundEvent, OutboundMessage } from "../../domain/chat.ts";
import { DomainError } from "../../domain/errors.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import type { Directory } from "../../storage/directory.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import { enqueue } from "../../storage/outbox.ts";
import { finishTappedCard, rememberCardHandle } from "../../storage/sent-cards.ts";
import { createBotContext, type BotContext, type BotHandler } from "./bot-context.ts";
import { menuIntent, menuMessage } from "./menu.ts";
import { managesStudio } from "./service-request-handler.ts";

export interface BotOptions {
  prisma: PrismaClient;
  directory: Directory;
  adapters: Partial<Record<ChannelName, ChannelAdapter>>;
  handlers: BotHandler[];
  now: () => Date;
  newId: () => string;
  logger: Logger;
  /** Called after a handler's commit with the recipients it queued messages for (sent at once). */
  onQueued?: (recipients: { channel: string; userId: string }[]) => void;
}

/** Label shown on a clicked card once handled (WeCom replace_name). */
function clickedLabel(event: InboundEvent): string {
  return event.kind === "button" && event.key.startsWith("menu:") ? "已选择" : "已收到";
}

/**
 * The bot: resolves who is talking, refuses cards tapped from another identity, then hands the
 * event to the handler (handlers.ts: one router that classifies the intent once per message and
 * dispatches to exactly one handler); the menu answers what no intent claims.
 */
export function createBot(opts: BotOptions) {
  const { prisma, directory } = opts;

  const menuFallback: BotHandler = async (ctx) => {
    // WeCom reports enter_agent every time the app is opened: greet once, not on every visit.
    if (ctx.event.kind === "enter" && (await recentlyTalked(ctx))) return true;
    const intent = menuIntent(ctx.text, ctx.event.kind === "button" ? ctx.event.key : null);
    const replies: OutboundMessage[] = [];
    if (intent === null && ctx.text !== null) replies.push({ kind: "text", text: "抱歉，没有听懂。请从下面的菜单选择，或回复“帮助”。" });
    // Someone new opening the chat (Telegram's /start, WeCom's enter) hears how to link an account used elsewhere.
    const linkHint = ctx.event.kind === "enter" && ctx.person.roles.length === 0 && (await directory.identityCount(ctx.person.id)) === 1;
    replies.push(menuMessage(ctx.person, ctx.capabilities, `menu-${opts.newId()}`, { studioManager: await managesStudio(prisma, ctx.person), linkHint }));
    await ctx.commit(replies);
    return true;
  };

  async function recentlyTalked(ctx: BotContext): Promise<boolean> {
    const since = new Date(ctx.now.getTime() - 12 * 3_600_000);
    const n = await prisma.outboxMessage.count({ where: { channel: ctx.event.sender.channel, externalUserId: ctx.event.sender.userId, createdAt: { gt: since } } });
    return n > 0;
  }

  /** `inbound.complete(tx)` marks the stored event handled inside each commit's transaction. */
  async function handle(incoming: InboundEvent, inbound?: { complete(tx: Tx): Promise<void> }): Promise<void> {
    // A custom-menu click (WeCom 自定义菜单, key e.g. "menu:apply") acts like that menu button.
    const event: InboundEvent = incoming.kind === "enter" && incoming.menuKey ? { ...incoming, kind: "button", key: incoming.menuKey } : incoming;
    const adapter = opts.adapters[event.sender.channel];
    if (!adapter) throw new Error(`no adapter for channel ${event.sender.channel}`);
    const person = await directory.resolve(event.sender);
    const ctx: BotContext = createBotContext({ prisma, event, person, capabilities: adapter.capabilities, now: opts.now(), complete: inbound?.complete, onQueued: opts.onQueued });
    if (event.actingAdmin) await auditActingAdmin(ctx, event.actingAdmin);
    if (event.kind === "button" && event.cardId && (await refusedForeignCard(ctx, event))) return;
    if (event.kind === "button" && event.cardId) await rememberClick(event);
    try {
      for (const handler of [...opts.handlers, menuFallback]) {
        if (await handler(ctx)) break;
      }
    } catch (err) {
      // A refused action (conflict, forbidden, invalid) is an answer for the person, not a failure
      // to retry; the handler's transaction has rolled back.
      if (!(err instanceof DomainError)) throw err;
      opts.logger.info({ code: err.code, channel: event.sender.channel }, "action refused");
      await ctx.commit([{ kind: "text", text: /[\u4e00-\u9fff]/.test(err.message) ? err.message : "操作未能完成，请稍后再试或回复“帮助”。" }]);
    }
    if (event.kind === "button" && event.cardId && adapter.capabilities.cardUpdate) {
      await markCardHandled(event, ctx.cardLabel ?? clickedLabel(event));
    }
  }

  /** An admin using the simulator as a persona (production): whatever follows, the log says who really acted. */
  async function auditActingAdmin(ctx: BotContext, session: string) {
    const e = ctx.event;
    await prisma.$transaction((tx) =>
      appendAudit(tx, {
        at: ctx.now,
        action: "simulator.acting_as",
        subjectType: "Person",
        subjectId: ctx.person.id, // the persona; the actor is the admin session
        actorRole: "ADMIN",
        channel: e.sender.channel,
        // What was done, not what was typed (answers may hold personal data).
        detail: { actingAdmin: session, userId: e.sender.userId, kind: e.kind, ...(e.kind === "button" ? { key: e.key, cardId: e.cardId } : {}) },
      }),
    );
  }

  /**
   * A card answers only on the channel and identity it was sent to, whatever its purpose: the same
   * person tapping a WeCom card's id through the simulator (or the reverse) is refused and audited.
   */
  async function refusedForeignCard(ctx: BotContext, event: Extract<InboundEvent, { kind: "button" }>): Promise<boolean> {
    const card = await prisma.sentCard.findUnique({ where: { id: event.cardId! }, include: { approvalStep: { select: { applicationId: true } } } });
    if (!card || (card.channel === event.sender.channel && card.externalUserId === event.sender.userId)) return false;
    const applicationId = card.approvalStep?.applicationId ?? (card.purpose.startsWith("head-confirm:") ? card.purpose.slice("head-confirm:".length) : null);
    const action = card.purpose === "approval" ? "approval.refused" : card.purpose.startsWith("head-confirm:") ? "application.head_confirm_refused" : "card.refused";
    await ctx.commit([{ kind: "text", text: "这张卡片不是发给您当前使用的账号的，不能在这里操作。请在收到卡片的应用里操作。" }], (tx) =>
      appendAudit(tx, {
        at: ctx.now,
        action,
        subjectType: applicationId ? "Application" : "SentCard",
        subjectId: applicationId ?? card.id,
        actorId: ctx.person.id,
        channel: event.sender.channel,
        detail: { reason: "card_sent_to_another_channel_identity", cardId: card.id, purpose: card.purpose, cardChannel: card.channel, key: event.key, ...(event.actingAdmin ? { actingAdmin: event.actingAdmin } : {}) },
      }),
    );
    opts.logger.info({ channel: event.sender.channel, cardChannel: card.channel }, "card tapped from another channel identity refused");
    return true;
  }

  /** A click may carry a fresh handle (WeCom's single-use response_code): keep it for updating that card. */
  async function rememberClick(event: Extract<InboundEvent, { kind: "button" }>) {
    if (!event.handle || !event.cardId) return;
    const rules = opts.adapters[event.sender.channel]?.capabilities.cardHandle;
    await rememberCardHandle(prisma, { id: event.cardId, channel: event.sender.channel, userId: event.sender.userId }, event.handle, event.receivedAt, rules);
  }

  /** Unless a handler already finalized the card, show it as handled so it cannot be tapped again. */
  async function markCardHandled(event: Extract<InboundEvent, { kind: "button" }>, label: string) {
    const now = opts.now();
    const tap = { cardId: event.cardId!, channel: event.sender.channel, userId: event.sender.userId, ...(event.handle ? { handle: event.handle } : {}) };
    // Approval and set-up cards are finalized by their services, with the decision.
    await prisma.$transaction(async (tx) => enqueue(tx, await finishTappedCard(tx, tap, label, now, (purpose) => purpose === "approval" || purpose === "studio-setup"), now));
  }

  return { handle };
}

export type Bot = ReturnType<typeof createBot>;
