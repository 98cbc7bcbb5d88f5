import type { Logger } from "../../log/logger.ts";
import { createOutboxDispatcher } from "../../jobs/outbox-dispatcher.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { Services } from "../services.ts";

/**
 * Drains the outbox with a clock standing at `at` (sentAt, backoff and rate windows as of then),
 * so a job run as of another time sends what it queued as of that time. Outside production only:
 * the admin route's `?at=` and a Worker's cron tick for a minute still to come (tests).
 */
export function drainOutboxAsOf(deps: { prisma: PrismaClient; services: Pick<Services, "adapters" | "rateLimits">; logger: Logger }, at: Date) {
  return createOutboxDispatcher({ prisma: deps.prisma, adapters: deps.services.adapters, rateLimits: deps.services.rateLimits, now: () => at, logger: deps.logger }).drain();
}
