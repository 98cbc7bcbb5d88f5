import { describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config/config.ts";
import type { InboundEvent } from "../../src/domain/chat.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { createFakeWecom } from "../fakes/fake-wecom-api.ts";
import { textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { HAPPY } from "../flows/helpers.ts";
import { serveFakeWecom, signedCallback, startChildServer, wecomEnv, type ChildServer } from "../support/child-server.ts";
import { linkOfficers, OFFICERS } from "../support/journey.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase } from "../support/test-db.ts";
import { WECOM, type WecomHarness } from "../support/wecom-harness.ts";
import { seedApplication } from "./seed-application.ts";
import { size } from "./size.ts";

// Two instances: two Node processes (startNode) on one PostgreSQL database, both running cron
// every second and both receiving callbacks for the same people. Every scheduled effect happens
// once in total (the overdue stage's reminder card and escalation, each idle conversation's
// nudge), and every callback is handled once, in each person's order.

const IDLE_SESSIONS = size(3, 50);
const TALKERS = size(4, 40);
/** A Tuesday, 10:00 in Zhongshan: working day, office hours (the servers' clock is shifted there). */
const BUSINESS_NOW = new Date("2026-12-01T02:00:00Z");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const typed = HAPPY.map(([field, text]) => (field === "townId" ? "是" : text));

describe.skipIf(!process.env.TEST_DATABASE_URL)("two instances on one PostgreSQL database", () => {
  it(`runs every scheduled effect once and handles every callback once (${IDLE_SESSIONS} idle conversations, ${TALKERS} people writing to both)`, async () => {
    const offset = BUSINESS_NOW.getTime() - Date.now();
    const clock = { now: () => new Date(Date.now() + offset) };
    const t = await createTestDatabase("postgresql");
    const wecom = await serveFakeWecom();
    const servers: ChildServer[] = [];
    try {
      // The data, prepared in-process on the shifted clock: a stage overdue long enough to be
      // escalated, and application conversations idle for 30 hours.
      await seedDatabase(t.db.prisma, { production: false });
      const config = loadConfig(wecomEnv(t.url, "http://127.0.0.1:9"));
      const { logger } = memoryLogger();
      const runtime = createRuntime({ config, db: t.db, logger, clock, fetch: createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId }).fetch });
      const h = { t, runtime, clock, settle: () => runtime.services.settle() } as unknown as WecomHarness;
      await linkOfficers(h);
      const applicant = await runtime.services.directory.resolve({ channel: "wecom", userId: "chenxm" });
      await seedApplication(h, { applicantId: applicant.id, stage: 1 });
      await t.db.prisma.approvalStep.updateMany({ data: { dueOn: "2026-11-02" } });
      const idle = Array.from({ length: IDLE_SESSIONS }, (_, i) => `idle-u${i}`);
      const events: InboundEvent[] = idle.map((userId) => ({ kind: "text", text: "申请工作室", sender: { channel: "wecom", userId }, dedupeKey: `seed:${userId}`, receivedAt: clock.now() }));
      await runtime.services.pipeline.accept(events);
      await runtime.services.settle();
      await t.db.prisma.conversationSession.updateMany({ data: { lastActivityAt: new Date(clock.now().getTime() - 30 * 3_600_000) } });
      // What the preparation sent is history: the fake sees only what the two servers send.
      await t.db.prisma.outboxMessage.updateMany({ data: { status: "SENT", sentAt: clock.now() } });
      expect(await t.db.prisma.conversationSession.count({ where: { status: "ACTIVE" } })).toBe(IDLE_SESSIONS);

      const env = wecomEnv(t.url, wecom.base, { TEST_CLOCK_OFFSET_MS: String(offset), JOB_FLOW_NUDGES_CRON: "* * * * * *", JOB_APPROVAL_REMINDERS_CRON: "* * * * * *", JOB_HOUSEKEEPING_CRON: "off" });
      servers.push(await startChildServer(env));
      servers.push(await startChildServer(env));

      // Meanwhile people write, each message to either instance at random (WeCom has one URL;
      // a load balancer spreads it), each waiting only for the 200.
      let msgId = 9_000_000;
      const talkers = Array.from({ length: TALKERS }, (_, i) => `both-u${i}`);
      await Promise.all(
        talkers.map(async (userId) => {
          for (const text of ["申请工作室", ...typed.slice(0, 3)]) {
            const cb = signedCallback(textMessageXml({ toUser: WECOM.corpId, fromUser: userId, content: text, msgId: String(++msgId), createTime: Math.floor(clock.now().getTime() / 1000), agentId: WECOM.agentId }), Math.floor(clock.now().getTime() / 1000));
            const server = servers[Math.floor(Math.random() * 2)]!;
            const res = await fetch(`${server.url}${cb.path}`, { method: "POST", body: cb.body, headers: { "content-type": "text/xml" } });
            expect(res.status).toBe(200);
          }
        }),
      );

      // Let both cron loops and both pipelines run, then stop both.
      const p = t.db.prisma;
      const deadline = Date.now() + 60_000;
      const settled = async () =>
        (await p.inboundEvent.count({ where: { status: { notIn: ["DONE", "SKIPPED"] } } })) === 0 &&
        (await p.approvalStep.count({ where: { escalatedAt: null } })) === 0 &&
        (await p.conversationSession.count({ where: { externalUserId: { in: idle }, nudges: 0 } })) === 0 &&
        (await p.outboxMessage.count({ where: { channel: "wecom", status: { not: "SENT" } } })) === 0;
      while (!(await settled()) && Date.now() < deadline) await sleep(250);
      await sleep(3_000); // several more cron ticks on both
      for (const s of servers) s.child.kill("SIGTERM");
      expect(await Promise.all(servers.map((s) => s.exited))).toEqual([0, 0]);
      servers.length = 0;

      const sent = wecom.fake.sent;
      const to = (user: string) => sent.filter((s) => s.touser === user);
      // The overdue stage: one reminder card to its officer, one escalation, audited once.
      const [, townOfficer] = OFFICERS.town;
      const [, cityIp] = OFFICERS.cityIp;
      expect(to(townOfficer).filter((s) => s.msgtype === "template_card")).toHaveLength(1);
      expect(to(cityIp).filter((s) => s.content?.includes("【审批超时】"))).toHaveLength(1);
      expect(await p.auditLog.count({ where: { action: "approval.escalated" } })).toBe(1);
      const escalations = await p.outboxMessage.findMany({ where: { payloadJson: { contains: "审批超时" } } });
      expect(new Set(escalations.map((m) => `${m.channel}:${m.externalUserId}`)).size).toBe(escalations.length);
      // Each idle conversation: exactly one nudge.
      for (const user of idle) {
        expect(to(user), user).toHaveLength(1);
        expect(to(user)[0]!.content, user).toContain("还没填完");
      }
      expect(await p.conversationSession.count({ where: { externalUserId: { in: idle }, nudges: 1 } })).toBe(IDLE_SESSIONS);
      // The jobs really ran on the schedule given (a slot claimed, by one of the two).
      expect(await p.jobRun.count({ where: { job: "approval-reminders" } })).toBeGreaterThan(0);
      expect(await p.jobRun.count({ where: { job: "flow-nudges" } })).toBeGreaterThan(0);

      // Every callback handled once, in each person's order, wherever it arrived.
      const inbound = await p.inboundEvent.findMany({ where: { userId: { in: talkers } } });
      expect(inbound.map((e) => e.status).filter((s) => s !== "DONE")).toEqual([]);
      expect(inbound).toHaveLength(TALKERS * 4);
      for (const userId of talkers) {
        const session = await p.conversationSession.findFirstOrThrow({ where: { externalUserId: userId } });
        expect((JSON.parse(session.stateJson) as { history: string[] }).history, userId).toEqual(HAPPY.slice(0, 3).map(([f]) => f));
        const contents = to(userId).map((s) => s.content ?? JSON.stringify(s.templateCard));
        expect(new Set(contents).size, userId).toBe(contents.length);
      }
    } finally {
      for (const s of servers) s.child.kill("SIGKILL");
      await wecom.close();
      await t.drop().catch(() => undefined);
    }
  }, size(180_000, 1_800_000));
});
