import { Hono } from "hono";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { runOncePerSlot } from "../../jobs/job-claims.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { Domain } from "../bot/handlers.ts";
import type { AppDeps } from "../deps.ts";
import { drainOutboxAsOf } from "../jobs/drain-as-of.ts";
import { jobCatalogue, type JobDeps } from "../jobs/product-jobs.ts";
import { nextRun } from "../jobs/next-run.ts";
import type { Services } from "../services.ts";
import { requireAdmin } from "./admin-auth.ts";

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Date would roll 2026-02-30 over to March: refuse it rather than run another day. */
function realDate(iso: string): boolean {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d && Number(iso.slice(11, 13)) < 24;
}

type RunRow = { slot: string; startedAt: Date; finishedAt: Date | null; result: string | null };
const runJson = (r: RunRow | null) =>
  r && { slot: r.slot, startedAt: r.startedAt, finishedAt: r.finishedAt, outcome: r.finishedAt ? JSON.parse(r.result ?? "null") : "not finished (still running, or it failed: see the log)" };

/**
 * Scheduled jobs for administrators (Bearer ADMIN_TOKEN): each job's schedule, last and next run,
 * and a run now, claimed like the cron run. Outside production `?at=` runs a job as of another
 * time: the job gets that `now`, queues its messages with it, and the outbox is drained as of it.
 */
export function adminJobRoutes(deps: AppDeps & { services: Services; domain: Domain }) {
  const app = new Hono();
  const token = deps.config.adminToken;
  if (!token) return app;
  const { prisma } = deps.db;
  const base: JobDeps = { prisma, config: deps.config, logger: deps.logger, services: deps.services, domain: deps.domain };
  const drainAt = (at: Date) => drainOutboxAsOf(base, at);

  app.use("/admin/*", requireAdmin(token));

  app.get("/admin/jobs", async (c) => {
    const now = deps.clock.now();
    const jobs = [];
    for (const job of jobCatalogue(base)) {
      const last = job.slot ? await prisma.jobRun.findFirst({ where: { job: job.name }, orderBy: { startedAt: "desc" } }) : null;
      jobs.push({
        name: job.name,
        schedule: job.cron,
        defaultSchedule: job.defaultCron,
        env: job.env,
        // The drains run every few seconds and are not recorded in JobRun.
        claimed: Boolean(job.slot),
        lastRun: runJson(last),
        nextRun: nextRun(job.cron, deps.config.timeZone, now),
      });
    }
    return c.json({ timeZone: deps.config.timeZone, now, jobs });
  });

  app.post("/admin/jobs/:name/run", async (c) => {
    const name = c.req.param("name");
    const atParam = c.req.query("at");
    let at: Date | null = null;
    if (atParam !== undefined) {
      if (deps.config.env === "production") throw new ForbiddenError("at= (running a job as of another time) is refused in production");
      at = ISO_TIME.test(atParam) && realDate(atParam) ? new Date(atParam) : null;
      if (!at || Number.isNaN(at.getTime())) throw new ValidationError('at must be an ISO 8601 time with its offset, e.g. at=2026-12-02T10:00:00+08:00');
    }
    const job = jobCatalogue({ ...base, drainOutbox: at ? drainAt : undefined }).find((j) => j.name === name);
    if (!job) throw new NotFoundError(`no job "${name}"; GET /admin/jobs lists them`);
    const now = at ?? deps.clock.now();
    const slot = job.slot?.(now) ?? null;
    let ran = false;
    let result: unknown = null;
    if (slot === null) {
      ran = true;
      result = await job.work(now);
    } else {
      // The same (job, slot) claim as the cron run: a second call for the slot only reports it.
      result = await runOncePerSlot(prisma, name, slot, () => ((ran = true), job.work(now)), now);
      if (!ran) result = runJson(await prisma.jobRun.findUnique({ where: { job_slot: { job: name, slot } } }));
    }
    const delivered = at ? await drainAt(at) : (void deps.services.kickOutbox(), null);
    await prisma.$transaction((tx) =>
      appendAudit(tx, { action: "job.run", subjectType: "Job", subjectId: name, actorRole: "ADMIN", channel: "admin-api", detail: { slot, ran, ...(at ? { at: at.toISOString() } : {}) }, at: deps.clock.now() }),
    );
    deps.logger.info({ job: name, slot, ran, at }, "job run by admin");
    if (!ran) return c.json({ job: name, slot, ran: false, message: `already ran for slot ${slot}`, lastRun: result });
    return c.json({ job: name, slot, ran: true, at: now, outcome: result ?? null, ...(delivered ? { outbox: delivered } : {}) });
  });

  return app;
}
