// Operating the scheduled jobs (issue 11): GET /admin/jobs and POST /admin/jobs/:name/run through
// the real routes, `?at=` stepping through working days as a person trying escalations would.
import cron from "node-cron";
import { afterEach, describe, expect, it } from "vitest";
import { jobCatalogue } from "../../src/app/jobs/product-jobs.ts";
import { nextRun } from "../../src/app/jobs/next-run.ts";
import { ConfigError, JOB_NAMES, loadConfig } from "../../src/config/config.ts";
import { approvedStudio, linkDemoOfficers } from "../support/approved-studio.ts";
import { createWecomHarness, testClock, type WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "admin-token-jobs-0123456789";
// Wednesday 2026-11-25 10:00 in Zhongshan (a working day).
const WED_10 = new Date("2026-11-25T02:00:00Z");
const TZ = "Asia/Shanghai";
/** 09:30 in Zhongshan on a "YYYY-MM-DD" date, as an ?at= value. */
const morning = (date: string) => `${date}T09:30:00+08:00`;

let h: WecomHarness;
afterEach(async () => {
  await h?.close();
});

const call = async (method: string, path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => {
  const res = await h.runtime.app.request(path, { method, headers });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { jobs?: JobJson[] } };
};
const run = (name: string, at?: string) => call("POST", `/admin/jobs/${name}/run${at ? `?at=${encodeURIComponent(at)}` : ""}`);
interface JobJson {
  name: string;
  schedule: string;
  env: string;
  claimed: boolean;
  lastRun: { slot: string; startedAt: string; finishedAt: string | null; outcome: unknown } | null;
  nextRun: string | null;
}

describe("nextRun: when a cron expression fires next, in the business time zone", () => {
  const after = new Date("2026-11-25T02:07:30Z"); // Wednesday 10:07:30 in Zhongshan
  it.each([
    ["*/15 * * * *", "2026-11-25T02:15:00.000Z"],
    ["*/5 * * * *", "2026-11-25T02:10:00.000Z"],
    ["0 9 * * *", "2026-11-26T01:00:00.000Z"], // tomorrow 09:00 local
    ["0 9-17 * * *", "2026-11-25T03:00:00.000Z"],
    ["30 3 * * *", "2026-11-25T19:30:00.000Z"], // 03:30 local is 19:30 UTC the day before
    ["0 9 * * 1", "2026-11-30T01:00:00.000Z"], // next Monday
    ["*/2 * * * * *", "2026-11-25T02:07:32.000Z"],
    ["0 0 1 1 *", "2026-12-31T16:00:00.000Z"],
    ["0 9 29 2 *", "2028-02-29T01:00:00.000Z"],
  ])("%s → %s", (expr, expected) => {
    const next = nextRun(expr, TZ, after)!;
    expect(next.toISOString()).toBe(expected);
    // node-cron itself agrees that it fires then, and not at any whole minute in between.
    const task = cron.createTask(expr, () => {}, { timezone: TZ });
    expect(task.match(next)).toBe(true);
    for (let t = Math.ceil(after.getTime() / 60_000) * 60_000; t < next.getTime() && t < after.getTime() + 86_400_000; t += 60_000) expect(task.match(new Date(t))).toBe(false);
  });
  it("off has no next run; a time zone with summer time is followed", () => {
    expect(nextRun("off", TZ, after)).toBeNull();
    // 2026-03-08 02:30 does not exist in New York; 09:00 that day is 13:00 UTC (EDT).
    expect(nextRun("0 9 * * *", "America/New_York", new Date("2026-03-08T05:00:00Z"))!.toISOString()).toBe("2026-03-08T13:00:00.000Z");
  });
});

describe("job schedules from the environment", () => {
  it("every job has its JOB_<NAME>_CRON; off disables it; a bad schedule or an unknown job stops the start with one line", () => {
    h = undefined as never;
    expect(loadConfig({ JOB_STUDIO_SETUP_CRON: "off", JOB_SERVICE_ESCALATION_CRON: "*/10 * * * *" }).jobSchedules).toEqual({ "studio-setup": "off", "service-escalation": "*/10 * * * *" });
    const fail = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(fail({ JOB_OUTBOX_CRON: "every minute" })).toEqual(['JOB_OUTBOX_CRON: must be a cron expression (5 fields, or 6 with seconds) or "off" (got "every minute"); e.g. JOB_OUTBOX_CRON="*/15 * * * *" (5 or 6 fields) or off']);
    const [unknown] = fail({ JOB_STUDIO_SETUPS_CRON: "off" });
    expect(unknown).toMatch(/^JOB_STUDIO_SETUPS_CRON: no such job; the jobs are JOB_FLOW_NUDGES_CRON, .*JOB_STUDIO_SETUP_CRON/);
    expect(fail({ JOB_STUDIO_SETUPS_CRON: "off" })).toHaveLength(1);
  });
});

describe("admin API: scheduled jobs", () => {
  it("lists every job with its schedule, variable, last run and next run; run now is claimed like the cron run and audited", async () => {
    h = await createWecomHarness({ clock: testClock(WED_10), env: { ADMIN_TOKEN: TOKEN, JOB_STUDIO_ROSTERS_CRON: "off" } });
    expect((await call("GET", "/admin/jobs", {})).status).toBe(401);
    const listed = (await call("GET", "/admin/jobs")).json.jobs!;
    expect(listed.map((j) => j.name).sort()).toEqual([...JOB_NAMES].sort());
    // The catalogue and the configuration name the same jobs.
    expect(jobCatalogue({ prisma: h.t.db.prisma, config: h.config, logger: h.logs.logger, services: h.runtime.services, domain: h.runtime.domain }).map((j) => j.name)).toEqual([...JOB_NAMES]);
    const job = (n: string) => listed.find((j) => j.name === n)!;
    expect(job("studio-rosters")).toMatchObject({ schedule: "off", env: "JOB_STUDIO_ROSTERS_CRON", nextRun: null });
    expect(job("flow-nudges")).toMatchObject({ schedule: "*/15 * * * *", env: "JOB_FLOW_NUDGES_CRON", lastRun: null, nextRun: "2026-11-25T02:15:00.000Z" });
    expect(job("service-escalation")).toMatchObject({ schedule: "*/5 * * * *", nextRun: "2026-11-25T02:05:00.000Z" });
    expect(job("studio-setup")).toMatchObject({ schedule: "0 9 * * *", nextRun: "2026-11-26T01:00:00.000Z" });
    expect(job("outbox")).toMatchObject({ claimed: false, lastRun: null });

    expect((await run("nope")).status).toBe(404);
    for (const bad of ["tomorrow", "2026-13-01T09:00:00Z", "2026-02-30T09:00:00Z", "2026-12-01T24:30:00Z", "2026-12-01T09:00:00"]) expect(await run("flow-nudges", bad)).toMatchObject({ status: 400, json: { message: expect.stringContaining("at must be an ISO 8601 time") } });

    const first = await run("housekeeping");
    expect(first).toMatchObject({ status: 200, json: { job: "housekeeping", slot: "2026-11-25", ran: true, outcome: { inbound: 0, jobRuns: 0, outbox: 0 } } });
    const again = await run("housekeeping");
    expect(again).toMatchObject({ status: 200, json: { ran: false, slot: "2026-11-25", message: "already ran for slot 2026-11-25", lastRun: { outcome: { inbound: 0, jobRuns: 0, outbox: 0 } } } });
    // A cron run of the same slot is refused by the same claim.
    const [housekeeping] = jobCatalogue({ prisma: h.t.db.prisma, config: h.config, logger: h.logs.logger, services: h.runtime.services, domain: h.runtime.domain }).filter((j) => j.name === "housekeeping");
    expect(await housekeeping!.run(h.clock.now())).toBeNull();

    const last = (await call("GET", "/admin/jobs")).json.jobs!.find((j) => j.name === "housekeeping")!;
    expect(last.lastRun).toMatchObject({ slot: "2026-11-25", startedAt: WED_10.toISOString(), finishedAt: WED_10.toISOString(), outcome: { inbound: 0, jobRuns: 0, outbox: 0 } });
    const audit = await h.t.db.prisma.auditLog.findMany({ where: { action: "job.run" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.subjectId, JSON.parse(a.detailJson)])).toEqual([
      ["housekeeping", { slot: "2026-11-25", ran: true }],
      ["housekeeping", { slot: "2026-11-25", ran: false }],
    ]);
    // The unclaimed drains just run.
    expect(await run("outbox")).toMatchObject({ status: 200, json: { ran: true, slot: null } });
  });

  it("[6.3 b] ?at= steps through working days: the set-up reminder comes every 5 working days, delivered as if sent then", async () => {
    h = await createWecomHarness({ clock: testClock(WED_10), env: { ADMIN_TOKEN: TOKEN } });
    await linkDemoOfficers(h);
    await approvedStudio(h, "applicant1", "中山市明珠智能装备有限公司");
    const remindedOn: string[] = [];
    // Three weeks of mornings, weekends included (the job decides what a working day is).
    for (let d = 1; d <= 21; d++) {
      const date = new Date(Date.UTC(2026, 10, 25 + d)).toISOString().slice(0, 10);
      const before = h.to("applicant1").length;
      // WeCom drops a text identical to one sent in the last 4 hours of ITS time (the real time),
      // whatever time the job runs as: the fake platform's clock moves on between steps.
      h.clock.advance(5 * 3_600_000);
      const r = await run("studio-setup", morning(date));
      expect(r.status).toBe(200);
      const sent = h.to("applicant1").slice(before).filter((m) => (m.content ?? "").startsWith("【工作室建设提醒】"));
      expect((r.json.outcome as { reminded: number }).reminded).toBe(sent.length);
      if (sent.length > 0) remindedOn.push(date);
    }
    // Approved Wed 11-25: 5 working days later is Wed 12-02, then 12-09 and 12-16.
    expect(remindedOn).toEqual(["2026-12-02", "2026-12-09", "2026-12-16"]);
    const rows = await h.t.db.prisma.outboxMessage.findMany({ where: { externalUserId: "applicant1", payloadJson: { contains: "工作室建设提醒" } }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.status, r.createdAt.toISOString(), r.sentAt?.toISOString()])).toEqual(
      remindedOn.map((d) => ["SENT", new Date(morning(d)).toISOString(), new Date(morning(d)).toISOString()]),
    );
    // The same slot again: it answers that it already ran, with that run's outcome.
    expect((await run("studio-setup", morning("2026-12-09"))).json).toMatchObject({ ran: false, lastRun: { outcome: { reminded: 1 } } });
  });

  it("[4] ?at= finds the service escalation at its due time and not before", async () => {
    h = await createWecomHarness({ clock: testClock(WED_10), env: { ADMIN_TOKEN: TOKEN } });
    await linkDemoOfficers(h);
    const { studio } = await approvedStudio(h);
    const prisma = h.t.db.prisma;
    await prisma.studio.update({ where: { id: studio.id }, data: { status: "OPERATING", setupConfirmedAt: h.clock.now() } });
    await prisma.studioMember.create({ data: { studioId: studio.id, personId: "demo-agency-staff", side: "AGENCY", employment: "FULL_TIME", agencyId: "demo-agency" } });
    await prisma.conversationSession.updateMany({ where: { status: { in: ["ACTIVE", "PAUSED"] } }, data: { status: "DONE" } });
    for (const t of ["申请服务", "4", "2", "下月参加广交会，需要排查参展产品的专利风险", "跳过", "是"]) await h.text("applicant1", t);
    const req = await prisma.serviceRequest.findFirstOrThrow();
    expect(req).toMatchObject({ status: "OPEN", escalationLevel: 0 });
    const due = req.dueAt!;
    const escalations = () => h.to("zhanglei").filter((m) => (m.content ?? "").startsWith("【服务申请超时未受理】"));
    const before = escalations().length;
    expect(before).toBe(0);
    const step = (ms: number) => new Date(due.getTime() + ms).toISOString();
    expect((await run("service-escalation", step(-5 * 60_000))).json).toMatchObject({ ran: true, outcome: { escalated: 0 } });
    expect(escalations()).toHaveLength(before);
    const r = await run("service-escalation", step(0));
    expect(r.json).toMatchObject({ ran: true, outcome: { escalated: 1, toCityIp: 1 }, outbox: { sent: expect.any(Number) } });
    expect(escalations()).toHaveLength(1);
    expect(escalations()[0]!.content).toContain("第 1 级升级");
    const sent = await prisma.outboxMessage.findFirstOrThrow({ where: { externalUserId: "zhanglei", payloadJson: { contains: "服务申请超时未受理" } } });
    expect([sent.createdAt, sent.sentAt]).toEqual([due, due]); // delivered as if sent at the due time
    expect((await prisma.serviceRequest.findUniqueOrThrow({ where: { id: req.id } })).escalationLevel).toBe(1);
  });

  it("refuses ?at= in production with a clear message, runs without it", async () => {
    h = await createWecomHarness({ clock: testClock(WED_10), env: { ADMIN_TOKEN: TOKEN, NODE_ENV: "production" } });
    const r = await run("flow-nudges", "2026-12-01T10:00:00+08:00");
    expect(r).toMatchObject({ status: 403, json: { message: expect.stringContaining("refused in production") } });
    expect(await h.t.db.prisma.jobRun.count()).toBe(0);
    expect((await run("flow-nudges")).json).toMatchObject({ ran: true, outcome: 0 });
  });
});
