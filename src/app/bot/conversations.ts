// The app's one conversation runner (src/flows/conversation-runner.ts) over Prisma: every flow in
// bot-flows/ runs on it; completion handlers are registered by flow id in handlers.ts.
import type { ChannelCapabilities } from "../../channels/channel.ts";
import { createConversationRunner, type ConversationRunner, type Turn } from "../../flows/conversation-runner.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import { activeTowns, type PersonView } from "../../storage/directory.ts";
import { prismaSessionStore } from "../../storage/prisma-session-store.ts";
import type { BotContext } from "./bot-context.ts";
import { menuIntent, menuMessage } from "./menu.ts";

export type Db = PrismaClient | Tx;
export type Conversations = ConversationRunner<Db, PersonView>;

export function createConversations(deps: { prisma: PrismaClient; flows: FlowRegistry; helpContact: string; newId: () => string; capabilitiesOf: (channel: string) => ChannelCapabilities }): Conversations {
  return createConversationRunner<Db, PersonView>({
    flows: deps.flows,
    db: deps.prisma,
    store: prismaSessionStore,
    flowContext: async (db, channel, now) => ({ now, capabilities: deps.capabilitiesOf(channel), towns: await activeTowns(db), helpContact: deps.helpContact }),
    menu: (person, channel) => menuMessage(person, deps.capabilitiesOf(channel), `menu-${deps.newId()}`),
    isMenuWord: (text) => menuIntent(text, null) !== null,
    newId: deps.newId,
  });
}

/** The runner's view of one inbound event. */
export function turnOf(ctx: BotContext): Turn<Db, PersonView> {
  return {
    person: ctx.person,
    sender: ctx.event.sender,
    now: ctx.now,
    receivedAt: ctx.event.receivedAt,
    commit: (replies, write) => ctx.commit(replies, write as never),
    markCard: (label) => void (ctx.cardLabel = label),
  };
}
