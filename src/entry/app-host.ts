import { DurableObject, type DurableObjectState } from "cloudflare:workers";
import { createYearCalendar } from "../app/calendar/year-calendar.ts";
import { createRuntime } from "../app/create-app.ts";
import { systemClock } from "../app/deps.ts";
import { LEASE_MS } from "../app/inbound-pipeline.ts";
import { cronMatches } from "../app/jobs/cron-matches.ts";
import { drainOutboxAsOf } from "../app/jobs/drain-as-of.ts";
import { productJobs } from "../app/jobs/product-jobs.ts";
import { ConfigError, loadConfig } from "../config/config.ts";
import { createLogger } from "../log/logger.ts";
import { listCalendarYears } from "../storage/calendar-years.ts";
import { installUndoJournal } from "../storage/d1-journal.ts";
import type { D1Like } from "../storage/d1-like.ts";
import { openWorkerDatabase } from "../storage/database.worker.ts";
import { createR2MediaStore, type R2BucketLike } from "../storage/media-store.r2.ts";
import { seedDatabase } from "../storage/seed.ts";

const OUTBOX_JOB = "outbox";
/** How soon a host whose start failed (not its configuration) starts again. */
const RESTART_MS = 5_000;

/** The Worker's bindings (wrangler.toml): D1, this host, and the string vars and secrets. */
export interface WorkerEnv {
  DB: D1Like;
  /** Set-up photos (6.3 b); without the binding they are not fetched (as on Node without a store). */
  MEDIA?: R2BucketLike;
  [name: string]: unknown;
}

/** Starts the app over D1: what start-node does on Node, minus the listening socket. */
async function startHost(env: WorkerEnv, waitUntil: (p: Promise<unknown>) => void) {
  const source = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string"));
  const config = loadConfig(source);
  const logger = createLogger({ level: config.logLevel });
  // Triggers follow the tables: re-installed here, so a deploy after a migration keeps every unit atomic.
  await installUndoJournal(env.DB, { atStart: true });
  const db = openWorkerDatabase(env.DB);
  const seeded = await seedDatabase(db.prisma, { production: config.env === "production" });
  if (seeded.towns > 0 || seeded.demo) logger.info(seeded, "database seeded");
  const calendar = createYearCalendar({ logger, load: () => listCalendarYears(db.prisma) });
  await calendar.reload();
  const mediaStore = env.MEDIA ? createR2MediaStore(env.MEDIA) : undefined;
  const { app, services, domain } = createRuntime({ config, db, logger, clock: systemClock, calendar, waitUntil, ...(mediaStore ? { mediaStore } : {}) });
  // One host owns the database (as one Node process owns a SQLite file): whatever a previous
  // instance left under a lock or a lease is an orphan.
  await services.dispatcher.releaseLocks({ exclusive: true });
  await services.pipeline.recover({ exclusive: true });
  const renew = setInterval(() => void services.pipeline.renewLeases().catch((err) => logger.error({ err }, "renewing inbound leases failed")), LEASE_MS / 3);
  const base = { prisma: db.prisma, config, logger, services, domain };
  // A tick runs as of its minute; one still to come (a test's, never Cloudflare's) sends as of it too.
  const jobs = productJobs({ ...base, drainOutbox: (at) => (at.getTime() > Date.now() && config.env !== "production" ? drainOutboxAsOf(base, at) : services.kickOutbox()) });
  const running = new Set<string>();
  return {
    app,
    services,
    renew,
    /**
     * Runs every job whose cron (in the business time zone) matches the trigger's minute, as of
     * that minute; the outbox goes last, so what the other jobs enqueued is sent in the same tick.
     */
    async tick(at: Date) {
      // Maintenance first, but a failure there (a transient D1 error) does not cost the minute's jobs.
      await installUndoJournal(env.DB).catch((err: unknown) => logger.error({ err }, "undo journal maintenance failed"));
      await calendar.reload().catch((err: unknown) => logger.error({ err }, "reloading the working-day calendar failed"));
      const due = jobs.filter((j) => cronMatches(j.cron, at, config.timeZone) && !running.has(j.name)); // noOverlap, as on Node
      const start = (j: (typeof jobs)[number]) => {
        running.add(j.name);
        return services.tasks.run(j.name, () => j.run(at)).finally(() => running.delete(j.name));
      };
      logger.debug({ at, jobs: due.map((j) => j.name) }, "cron tick");
      await Promise.all(due.filter((j) => j.name !== OUTBOX_JOB).map(start));
      await Promise.all(due.filter((j) => j.name === OUTBOX_JOB).map(start));
      return due.map((j) => j.name);
    },
  };
}

type Host = Awaited<ReturnType<typeof startHost>>;

/**
 * The one Durable Object that runs the app. D1 has no interactive transactions; the undo
 * journal makes each unit all-or-nothing provided units never overlap, which holds because
 * every request and every cron tick goes through this single instance (and serializeSqlite).
 * It also keeps the simulator's live updates and per-person ordering in one memory.
 */
export class AppHost extends DurableObject<WorkerEnv> {
  #host: Promise<{ host: Host } | { failed: unknown; at: number }>;

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, env);
    // Started inside blockConcurrencyWhile (I/O begun outside it from a constructor never
    // completes), and a failure is kept, not thrown, so requests get a 503 that says why.
    this.#host = ctx.blockConcurrencyWhile(() => this.#start());
  }

  #start() {
    return startHost(this.env, (p) => this.ctx.waitUntil(p)).then(
      (host) => ({ host }),
      (failed: unknown) => ({ failed, at: Date.now() }),
    );
  }

  async #started(): Promise<Host> {
    const started = await this.#host;
    if ("host" in started) return started.host;
    // A configuration error stays until the next deploy; anything else (a transient D1 error) is
    // tried again, at most every RESTART_MS.
    if (!(started.failed instanceof ConfigError) && Date.now() - started.at > RESTART_MS) {
      this.#host = this.#start();
      return this.#started();
    }
    throw started.failed;
  }

  async fetch(request: Request): Promise<Response> {
    let host;
    try {
      host = await this.#started();
    } catch (err) {
      // A ConfigError names the variables at fault, never their values.
      const message = err instanceof ConfigError ? err.message : "IP Studio Bot failed to start; see the Worker's logs.";
      if (!(err instanceof ConfigError)) console.error(JSON.stringify({ level: "error", msg: "start failed", err: String(err) }));
      return new Response(message, { status: 503 });
    }
    // The client's address for the app (sign-in rate limits): Cloudflare's, which a client cannot set.
    return host.app.fetch(request, { peer: request.headers.get("cf-connecting-ip") ?? undefined });
  }

  /** A cron trigger's minute: returns the jobs it ran. */
  async tick(scheduledTime: number): Promise<string[]> {
    return (await this.#started()).tick(new Date(scheduledTime));
  }

  /** Resolves once the work started by requests (handling, outbox drain) has finished. */
  async settle(): Promise<void> {
    await (await this.#started()).services.settle();
  }
}
