import type { Server } from "node:http";
import { dirname, join } from "node:path";
import { serve } from "@hono/node-server";
import cron from "node-cron";
import type { DestinationStream } from "pino";
import { createRuntime } from "../app/create-app.ts";
import { createYearCalendar } from "../app/calendar/year-calendar.ts";
import { LEASE_MS } from "../app/inbound-pipeline.ts";
import { systemClock, type Clock } from "../app/deps.ts";
import { loadConfig } from "../config/config.ts";
import { isWebAdapter } from "../channels/web/web-adapter.ts";
import { productJobs } from "../app/jobs/product-jobs.ts";
import { resvgScoreChartRenderer } from "../app/reports/score-chart.node.ts";
import { createLogger } from "../log/logger.ts";
import { listCalendarYears } from "../storage/calendar-years.ts";
import { openDatabase } from "../storage/database.ts";
import { createFsMediaStore } from "../storage/media-store.ts";
import { applyMigrations } from "../storage/migrations.ts";
import { seedDatabase } from "../storage/seed.ts";

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, "../..");
const CALENDAR_RELOAD_MS = 60_000;

export function migrationSet(provider: "sqlite" | "postgresql") {
  return provider === "sqlite"
    ? { migrationsDir: join(ROOT, "prisma/migrations"), schemaPath: join(ROOT, "prisma/schema.prisma") }
    : { migrationsDir: join(ROOT, "prisma/postgres/migrations"), schemaPath: join(ROOT, "prisma/postgres/schema.prisma") };
}

/**
 * Starts the product on Node: validate config, migrate, seed, serve, run jobs.
 * Throws ConfigError on bad configuration (the caller prints it).
 */
export async function startNode(opts: { env: Record<string, string | undefined>; logDestination?: DestinationStream; listenPort?: number; clock?: Clock }): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const config = loadConfig(opts.env);
  const logger = createLogger({ level: config.logLevel, destination: opts.logDestination });
  const { applied } = await applyMigrations({ provider: config.database.provider, url: config.database.url, ...migrationSet(config.database.provider) });
  if (applied.length > 0) logger.info({ applied }, "database migrated");
  const db = await openDatabase(config.database);
  const seeded = await seedDatabase(db.prisma, { production: config.env === "production" });
  if (seeded.towns > 0 || seeded.demo) logger.info(seeded, "database seeded");

  // Fetched set-up photos: data/media next to the SQLite file (./data/media on PostgreSQL).
  const mediaRoot = join(config.database.provider === "sqlite" ? dirname(config.database.url.slice("file:".length)) : "data", "media");
  // Working days: the chinese-days package plus the admin-entered years, read before serving and
  // re-read every minute (a year saved on another instance; this one reloads at once).
  const calendar = createYearCalendar({ logger, load: () => listCalendarYears(db.prisma) });
  await calendar.reload();
  const calendarTimer = setInterval(() => void calendar.reload().catch((err) => logger.error({ err }, "reloading the working-day calendar failed")), CALENDAR_RELOAD_MS);
  calendarTimer.unref();
  const { app, services, domain } = createRuntime({ config, db, logger, clock, mediaStore: createFsMediaStore(mediaRoot), calendar, chartRenderer: resvgScoreChartRenderer });
  // Sends a killed run left under a lock go first, not after it (SQLite: no other process).
  await services.dispatcher.releaseLocks({ exclusive: config.database.provider === "sqlite" });
  // Events a previous run accepted (answered 200) but did not finish are handled before new
  // ones, in arrival order per user. SQLite has one process per file: all its pending events
  // are orphans. On PostgreSQL only expired leases are (another instance may be alive).
  const renewTimer = setInterval(() => void services.pipeline.renewLeases().catch((err) => logger.error({ err }, "renewing inbound leases failed")), LEASE_MS / 3);
  await services.pipeline.recover({ exclusive: config.database.provider === "sqlite" }).catch((err: unknown) => {
    clearInterval(renewTimer);
    clearInterval(calendarTimer);
    throw err;
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.listenPort ?? config.port, hostname: "0.0.0.0" }, () => resolve(s as Server));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info({ port, database: config.database.provider, env: config.env }, "IP Studio Bot listening");

  // Every scheduled job, the outbox drain included (retries and backoff; the outbox is also
  // drained right after each handled event).
  const cronTasks = productJobs({ prisma: db.prisma, config, logger, services, domain }).map((job) =>
    // Returning the promise lets noOverlap skip a tick while the previous run is still going.
    cron.schedule(job.cron, () => services.tasks.run(job.name, () => job.run(clock.now())), { timezone: config.timeZone, name: job.name, noOverlap: true }),
  );

  let stopping: Promise<void> | null = null;
  return {
    port,
    stop() {
      // Stop accepting, let in-flight requests finish, then close the database.
      stopping ??= (async () => {
        for (const t of cronTasks) await t.stop();
        // Open simulator pages hold SSE streams that would keep server.close() waiting.
        if (isWebAdapter(services.adapters.web)) await services.adapters.web.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections?.();
        });
        await services.settle();
        clearInterval(renewTimer);
        clearInterval(calendarTimer);
        await db.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
