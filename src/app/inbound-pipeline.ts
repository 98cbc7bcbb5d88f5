import type { InboundEvent } from "../domain/chat.ts";
import type { Logger } from "../log/logger.ts";
import type { PrismaClient } from "../storage/database.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { Semaphore } from "./semaphore.ts";
import type { TaskTracker } from "./task-tracker.ts";

export type EventHandler = (event: InboundEvent) => Promise<void>;

function revive(json: string): InboundEvent {
  const e = JSON.parse(json) as InboundEvent & { receivedAt: string };
  return { ...e, receivedAt: new Date(e.receivedAt) };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/**
 * Inbound events are stored (deduplicated by channel + key) before the platform gets its 200,
 * then handled in the background, one user at a time. A redelivered callback finds its key
 * taken and does nothing; a failed handling stays FAILED and is retried by a job.
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
}) {
  const { prisma, logger } = opts;
  const perUser = new KeyedMutex();
  const slots = new Semaphore(opts.concurrency ?? 4);
  const maxAttempts = opts.maxAttempts ?? 5;

  async function handleStored(id: string, event: InboundEvent): Promise<void> {
    await perUser.run(`${event.sender.channel}:${event.sender.userId}`, () => slots.run(async () => {
      try {
        await opts.handler(event);
        await prisma.inboundEvent.update({ where: { id }, data: { status: "DONE", processedAt: opts.now(), attempts: { increment: 1 } } });
      } catch (err) {
        logger.error({ err, channel: event.sender.channel, kind: event.kind }, "inbound event handling failed");
        await prisma.inboundEvent.update({
          where: { id },
          data: { status: "FAILED", attempts: { increment: 1 }, lastError: err instanceof Error ? err.message.slice(0, 500) : String(err) },
        });
      }
    }));
    await opts.afterHandle?.();
  }

  /** Stores new events and schedules their handling; returns how many were new. */
  async function accept(events: InboundEvent[]): Promise<number> {
    let fresh = 0;
    for (const event of events) {
      let id: string;
      try {
        const row = await prisma.inboundEvent.create({
          data: { channel: event.sender.channel, dedupeKey: event.dedupeKey, payloadJson: JSON.stringify(event), receivedAt: event.receivedAt },
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
      void opts.tasks.run("inbound", () => handleStored(id, event));
    }
    return fresh;
  }

  /** Retries events that failed, or that a crash left PENDING for over a minute. */
  async function retryStuck(): Promise<number> {
    const cutoff = new Date(opts.now().getTime() - 60_000);
    const rows = await prisma.inboundEvent.findMany({
      where: { attempts: { lt: maxAttempts }, OR: [{ status: "FAILED" }, { status: "PENDING", receivedAt: { lt: cutoff } }] },
      orderBy: { receivedAt: "asc" },
      take: 100,
    });
    for (const row of rows) await handleStored(row.id, revive(row.payloadJson));
    return rows.length;
  }

  return { accept, retryStuck };
}

export type InboundPipeline = ReturnType<typeof createInboundPipeline>;
