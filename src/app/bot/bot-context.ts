import type { ChannelCapabilities } from "../../channels/channel.ts";
import type { InboundEvent, OutboundMessage } from "../../domain/chat.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { enqueue, type OutgoingMessage } from "../../storage/outbox.ts";

export type { Tx };

/** What a bot handler sees for one inbound event. */
export interface BotContext {
  event: InboundEvent;
  person: PersonView;
  capabilities: ChannelCapabilities;
  now: Date;
  /** Text typed, or null for a button/enter event. */
  text: string | null;
  /**
   * Writes `write` and the messages in ONE transaction: the outbox row exists iff the change does.
   * Replies without a recipient go back to the sender.
   */
  commit(replies: OutboundMessage[], write?: (tx: Tx) => Promise<OutgoingMessage[] | void>): Promise<void>;
  /** Set by a handler: what the tapped card shows once handled ("已选：是"), instead of "已收到". */
  cardLabel?: string;
}

/** A plugin: returns true when it handled the event (grammY-style composition). */
export type BotHandler = (ctx: BotContext) => Promise<boolean>;

export function createBotContext(opts: { prisma: PrismaClient; event: InboundEvent; person: PersonView; capabilities: ChannelCapabilities; now: Date; complete?: (tx: Tx) => Promise<void>; onQueued?: (recipients: { channel: string; userId: string }[]) => void }): BotContext {
  const { prisma, event, person } = opts;
  return {
    event,
    person,
    capabilities: opts.capabilities,
    now: opts.now,
    text: event.kind === "text" ? event.text : null,
    async commit(replies, write) {
      const queued = await prisma.$transaction(async (tx) => {
        // The inbound event is marked handled with its effects: a crash cannot replay them.
        await opts.complete?.(tx);
        const extra = (await write?.(tx)) ?? [];
        const toSender = replies.map((message) => ({ channel: event.sender.channel, userId: event.sender.userId, personId: person.id, message }));
        await enqueue(tx, [...toSender, ...extra], opts.now);
        return [...toSender, ...extra];
      });
      // Committed: the recipients' messages can go now (the dispatcher reads them from the outbox).
      if (queued.length > 0) opts.onQueued?.([...new Map(queued.map((m) => [`${m.channel}\u0000${m.userId}`, { channel: m.channel, userId: m.userId }])).values()]);
    },
  };
}
