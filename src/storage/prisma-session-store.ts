// The conversation runner's SessionStore over Prisma: pass the client, or a transaction's client
// so reads and saves happen in the caller's transaction.
import type { FlowState } from "../flows/engine-types.ts";
import type { SessionContext, SessionStatus, SessionStore, StoredSession } from "../flows/session-store.ts";
import type { PrismaClient, Tx } from "./database.ts";

type Row = NonNullable<Awaited<ReturnType<PrismaClient["conversationSession"]["findFirst"]>>>;

function toSession(r: Row): StoredSession {
  return {
    id: r.id,
    personId: r.personId ?? "",
    channel: r.channel,
    userId: r.externalUserId,
    flowId: r.flowId,
    status: r.status as SessionStatus,
    state: JSON.parse(r.stateJson) as FlowState,
    context: JSON.parse(r.contextJson) as SessionContext,
    revision: r.revision,
    lastActivityAt: r.lastActivityAt,
    lastInput: r.lastInput,
    lastInputAt: r.lastInputAt,
  };
}

export function prismaSessionStore(db: PrismaClient | Tx): SessionStore {
  const sessions = db.conversationSession;
  return {
    async active(personId) {
      const r = await sessions.findFirst({ where: { personId, status: "ACTIVE" }, orderBy: { updatedAt: "desc" } });
      return r ? toSession(r) : null;
    },
    async latest(personId, flowId, statuses) {
      const r = await sessions.findFirst({ where: { personId, flowId, status: { in: statuses } }, orderBy: [{ status: "asc" }, { updatedAt: "desc" }] });
      return r ? toSession(r) : null;
    },
    async newestPaused(personId) {
      const r = await sessions.findFirst({ where: { personId, status: "PAUSED" }, orderBy: { updatedAt: "desc" } });
      return r ? toSession(r) : null;
    },
    async byId(id) {
      const r = await sessions.findUnique({ where: { id } });
      return r ? toSession(r) : null;
    },
    async create(s) {
      const r = await sessions.create({
        data: { personId: s.personId, channel: s.channel, externalUserId: s.userId, flowId: s.state.flowId, flowVersion: s.state.flowVersion, status: "ACTIVE", stateJson: JSON.stringify(s.state), contextJson: JSON.stringify(s.context), lastActivityAt: s.now },
      });
      return toSession(r);
    },
    async save(id, revision, p) {
      const r = await sessions.updateMany({
        where: { id, revision },
        data: {
          ...(p.state ? { stateJson: JSON.stringify(p.state), flowVersion: p.state.flowVersion, nudges: 0 } : {}),
          ...(p.status ? { status: p.status } : {}),
          ...(p.context ? { contextJson: JSON.stringify(p.context) } : {}),
          ...(p.channel ? { channel: p.channel } : {}),
          ...(p.userId ? { externalUserId: p.userId } : {}),
          ...(p.lastActivityAt ? { lastActivityAt: p.lastActivityAt } : {}),
          ...(p.lastInput !== undefined ? { lastInput: p.lastInput } : {}),
          ...(p.lastInputAt !== undefined ? { lastInputAt: p.lastInputAt } : {}),
          revision: { increment: 1 },
        },
      });
      return r.count === 1;
    },
    async idleActive(flowId, before, take) {
      const rows = await sessions.findMany({ where: { flowId, status: "ACTIVE", lastActivityAt: { lt: before } }, orderBy: { lastActivityAt: "asc" }, take });
      return rows.map(toSession);
    },
    async deliveredSince(channel, userId, since, until) {
      return (await db.outboxMessage.count({ where: { channel, externalUserId: userId, status: "SENT", sentAt: { gte: since, lte: until } } })) > 0;
    },
  };
}
