import type { InboundEvent, OutboundMessage } from "../domain/chat.ts";
import type { Logger } from "../log/logger.ts";
import type { PrismaClient } from "../storage/database.ts";
import { enqueue } from "../storage/outbox.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { Semaphore } from "./semaphore.ts";
import type { TaskTracker } from "./task-tracker.ts";

export type EventHandler = (event: InboundEvent) => Promise<void>;

/** How long the process that accepted (or re-claimed) an event owns it. */
const LEASE_MS = 5 * 60_000;
/** A failed event waits this long before a retry may claim it. */
const RETRY_AFTER_MS = 60_000;

function revive(json: string): InboundEvent {
  const e = JSON.parse(json) as InboundEvent & { receivedAt: string };
  return { ...e, receivedAt: new Date(e.receivedAt) };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

function quote(event: InboundEvent): string {
  if (event.kind !== "text") return "您刚才的操作";
  const t = event.text.trim();
  return `您刚才发送的“${t.length > 20 ? `${t.slice(0, 20)}…` : t}”`;
}

/**
 * Inbound events are stored (deduplicated by channel + key) before the platform gets its 200,
 * then handled in the background, one user at a time and a few at once overall. The process that
 * stores an event holds a lease on it; a failed or orphaned event is retried only by whoever
 * claims it after the lease (so never twice at once), and only while the person has not moved on —
 * otherwise, and after the last attempt, the person is told rather than left without an answer.
 */
export function createInboundPipeline(opts: {
  prisma: PrismaClient;
  tasks: TaskTracker;
  handler: EventHandler;
  logger: Logger;
  now: () => Date;
  /** Called after each handled event, e.g. to drain the outbox at once. */
  afterHandle?: () => Promise<unknown>;
  maxAttempts?: number;
  /** Events handled at once across users (each holds a database connection in its transaction). */
  concurrency?: number;
  /** The human contact named when a message could not be handled. */
  helpContact?: string;
}) {
  const { prisma, logger } = opts;
  const perUser = new KeyedMutex();
  const slots = new Semaphore(opts.concurrency ?? 4);
  const maxAttempts = opts.maxAttempts ?? 5;
  const lease = () => new Date(opts.now().getTime() + LEASE_MS);

  async function tell(event: InboundEvent, text: string) {
    const message: OutboundMessage = { kind: "text", text };
    await enqueue(prisma, [{ channel: event.sender.channel, userId: event.sender.userId, message }], opts.now());
  }

  async function handleStored(id: string, event: InboundEvent, attemptsBefore: number): Promise<void> {
    await perUser.run(`${event.sender.channel}:${event.sender.userId}`, () =>
      slots.run(async () => {
        try {
          await opts.handler(event);
          await prisma.inboundEvent.update({ where: { id }, data: { status: "DONE", processedAt: opts.now(), attempts: { increment: 1 }, leaseUntil: null } });
        } catch (err) {
          const attempts = attemptsBefore + 1;
          logger.error({ err, channel: event.sender.channel, kind: event.kind, attempts }, "inbound event handling failed");
          await prisma.inboundEvent.update({
            where: { id },
            data: { status: "FAILED", attempts, leaseUntil: new Date(opts.now().getTime() + RETRY_AFTER_MS), lastError: err instanceof Error ? err.message.slice(0, 500) : String(err) },
          });
          if (attempts >= maxAttempts) {
            await tell(event, `抱歉，${quote(event)}没能处理成功，请稍后再发一次。${opts.helpContact ? `如一直不行，请联系${opts.helpContact}。` : ""}`);
          }
        }
      }),
    );
    await opts.afterHandle?.();
  }

  /** Stores new events and schedules their handling; returns how many were new. */
  async function accept(events: InboundEvent[]): Promise<number> {
    let fresh = 0;
    for (const event of events) {
      let id: string;
      try {
        const row = await prisma.inboundEvent.create({
          data: { channel: event.sender.channel, userId: event.sender.userId, dedupeKey: event.dedupeKey, payloadJson: JSON.stringify(event), receivedAt: event.receivedAt, leaseUntil: lease() },
          select: { id: true },
        });
        id = row.id;
      } catch (err) {
        if (isUniqueViolation(err)) {
          logger.info({ channel: event.sender.channel, kind: event.kind }, "duplicate inbound event ignored");
          continue;
        }
        throw err;
      }
      fresh++;
      void opts.tasks.run("inbound", () => handleStored(id, event, 0));
    }
    return fresh;
  }

  /** Retries events that failed, or that a crash left unhandled, once their lease has run out. */
  async function retryStuck(): Promise<number> {
    const now = opts.now();
    const rows = await prisma.inboundEvent.findMany({
      where: { status: { in: ["PENDING", "FAILED"] }, attempts: { lt: maxAttempts }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      orderBy: { receivedAt: "asc" },
      take: 100,
    });
    let retried = 0;
    for (const row of rows) {
      const claimed = await prisma.inboundEvent.updateMany({ where: { id: row.id, status: row.status, attempts: row.attempts, leaseUntil: row.leaseUntil }, data: { leaseUntil: lease() } });
      if (claimed.count !== 1) continue; // another retrier has it
      const event = revive(row.payloadJson);
      // Replaying an old answer onto a conversation that has moved on would corrupt it.
      const newer = await prisma.inboundEvent.count({ where: { channel: row.channel, userId: row.userId, receivedAt: { gt: row.receivedAt }, status: "DONE" } });
      if (newer > 0) {
        await prisma.inboundEvent.update({ where: { id: row.id }, data: { status: "SKIPPED", processedAt: now, leaseUntil: null } });
        await tell(event, `抱歉，${quote(event)}当时没能处理，请按当前的提问重新回复。`);
        continue;
      }
      retried++;
      await handleStored(row.id, event, row.attempts);
    }
    if (rows.length > 0) await opts.afterHandle?.();
    return retried;
  }

  return { accept, retryStuck };
}

export type InboundPipeline = ReturnType<typeof createInboundPipeline>;
