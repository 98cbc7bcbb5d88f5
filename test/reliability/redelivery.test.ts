import { describe, expect, it } from "vitest";
import { cardClickXml, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { lastCardId, linkOfficers, OFFICERS, typedAnswers } from "../support/journey.ts";
import { createWecomHarness, WECOM, type WecomHarness } from "../support/wecom-harness.ts";
import { size } from "./size.ts";

// Redelivery: WeCom posts a callback again when our answer is late or lost. Every callback of a
// whole application → three-stage approval journey is delivered 3 times — back to back, and with
// the copies re-posted at random later points of the journey (never before the original) — and
// the outcome must be exactly that of one delivery: the same rows and the same messages.

const SHUFFLED_RUNS = size(1, 20);
const COPIES = 3;

type Step = (h: WecomHarness) => string;
let msgSeq = 3_000_000;
const createTime = (h: WecomHarness) => Math.floor(h.clock.now().getTime() / 1000);
const text =
  (user: string, content: string): Step =>
  (h) =>
    textMessageXml({ toUser: WECOM.corpId, fromUser: user, content, msgId: String(++msgSeq), createTime: createTime(h), agentId: WECOM.agentId });
const approve =
  (user: string): Step =>
  (h) => {
    const taskId = lastCardId(h, user);
    return cardClickXml({ fromUser: user, eventKey: "ap:approve", taskId, responseCode: h.fake.issueResponseCode(user, taskId), createTime: createTime(h), agentId: WECOM.agentId });
  };

/** The journey; each step builds its callback when it is reached (cards exist only by then). */
function journey(applicant: string): Step[] {
  return [text(applicant, "申请工作室"), ...typedAnswers().map((a) => text(applicant, a)), text(applicant, "确认提交"), ...[OFFICERS.town, OFFICERS.cityIp, OFFICERS.leader].map(([, wecomId]) => approve(wecomId))];
}

type Mode = "once" | "back-to-back" | "shuffled";

async function run(mode: Mode): Promise<Snapshot> {
  const h = await createWecomHarness();
  try {
    await linkOfficers(h);
    const steps = journey("chenxm");
    // Copies waiting to be re-posted, each before the step it is due at (steps.length: at the end).
    const later: { xml: string; due: number }[] = [];
    const deliver = async (xml: string) => expect((await h.post(xml)).status).toBe(200);
    const flush = async (at: number) => {
      const now = later.filter((c) => c.due === at).sort(() => Math.random() - 0.5);
      for (const c of now) await deliver(c.xml);
    };
    for (let i = 0; i < steps.length; i++) {
      await flush(i);
      const xml = steps[i]!(h);
      await deliver(xml);
      for (let k = 1; k < COPIES; k++) {
        if (mode === "back-to-back") await deliver(xml);
        if (mode === "shuffled") later.push({ xml, due: i + 1 + Math.floor(Math.random() * (steps.length - i)) });
      }
    }
    await flush(steps.length);
    await h.settle();
    return await snapshot(h, mode);
  } finally {
    await h.close();
  }
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** What the journey left behind, without ids and times (they differ between runs by nature). */
async function snapshot(h: WecomHarness, mode: Mode) {
  const p = h.t.db.prisma;
  const apps = await p.application.findMany();
  const scrub = (s: string) => {
    let out = s.replace(/https?:\/\/[^\s"\\)]+/g, "<url>");
    for (const a of apps) out = out.replaceAll(a.id, "<app>").replaceAll(a.id.slice(-6).toUpperCase(), "<app>");
    return out
      .replace(/"task_id":"[^"]*"/g, '"task_id":"<task>"')
      .replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g, "<date>")
      .replace(/\d{1,2}-\d{1,2} \d{1,2}:\d{2}/g, "<time>")
      .replace(/\d{1,2}:\d{2}/g, "<time>")
      .replace(/\b[0-9a-f]{32}\b|\bc[a-z0-9]{24}\b/g, "<id>");
  };
  const plain = (rows: object[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k, v]) => !(k === "id" || k.endsWith("Id") || k.endsWith("At") || k === "hash" || k === "prevHash" || v instanceof Date)).map(([k, v]) => [k, typeof v === "string" ? scrub(v) : v])));
  const messages: Record<string, string[]> = {};
  for (const s of h.fake.sent) (messages[s.touser] ??= []).push(scrub(s.content ?? JSON.stringify(s.templateCard)));
  return {
    mode,
    applications: plain(apps),
    steps: plain(await p.approvalStep.findMany({ orderBy: [{ stage: "asc" }, { round: "asc" }] })),
    audit: plain(await p.auditLog.findMany({ orderBy: { id: "asc" } })),
    studios: plain(await p.studio.findMany()),
    cardUpdates: h.fake.updates.map((u) => [u.userids.join(","), u.replaceName]),
    messages,
    inbound: (await p.inboundEvent.groupBy({ by: ["status"], _count: true })).map((g) => [g.status, g._count]),
  };
}

describe("redelivered callbacks (WeCom retries): exactly the effects of one delivery", () => {
  it(`a whole journey, each callback ${COPIES}×, back to back and shuffled later (${SHUFFLED_RUNS} shuffled run(s))`, async () => {
    const once = await run("once");
    // The journey really happened: an approved studio, everyone told.
    expect(once.applications).toHaveLength(1);
    expect(once.applications[0]).toMatchObject({ status: "APPROVED" });
    expect(once.studios).toHaveLength(1);
    expect(once.audit.map((a) => (a as { action: string }).action)).toEqual(["application.submitted", "approval.approve", "approval.approve", "approval.approve"]);
    expect(Object.keys(once.messages).sort()).toEqual(["chenxm", "wangfang", "zhanglei", "zhoumin"]);

    expect({ ...(await run("back-to-back")), mode: "once" }).toEqual(once);
    for (let i = 0; i < SHUFFLED_RUNS; i++) expect({ ...(await run("shuffled")), mode: "once" }).toEqual(once);
  }, size(300_000, 1_800_000));
});
