import { isWorkday } from "chinese-days";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardClickXml, signUrlVerification, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import type { FakeSent, FakeWecom } from "../fakes/fake-wecom-api.ts";
import { serveFakeWecom, signedCallback } from "../support/child-server.ts";
import { OFFICERS, typedAnswers } from "../support/journey.ts";
import { WECOM, wecomVars } from "../support/wecom-harness.ts";
import { startWorker, type WorkerProcess } from "./worker-process.ts";

// Issue 16's runtime tier: the Workers build (src/entry/worker.ts) running in workerd through
// `wrangler dev`, on a local D1 migrated from prisma/migrations, talking to a fake WeCom API on
// loopback. Every request goes over real HTTP, as WeCom's would.

const ADMIN_TOKEN = "worker-admin-token-0123456789";
let w: WorkerProcess;
let wecom: { fake: FakeWecom; base: string; close(): Promise<void> };
let msgId = 50_000_000;

beforeAll(async () => {
  wecom = await serveFakeWecom();
  w = await startWorker({ ...wecomVars(wecom.base), NODE_ENV: "development", ADMIN_TOKEN, LOG_LEVEL: "warn", FLOW_NUDGE_IDLE_HOURS: "0.01", SIGNING_SECRET: "worker-signing-secret-0123456789abcdef" });
}, 180_000);

afterAll(async () => {
  await w?.stop();
  await wecom?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const to = (userId: string): FakeSent[] => wecom.fake.sent.filter((s) => s.touser === userId);

/** Waits (polling) until `done` holds; fails naming `what` and the worker's output. */
async function until(what: string, done: () => boolean | Promise<boolean>, seconds = 60) {
  for (let i = 0; i < seconds * 10; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}\n${w.output().slice(-4000)}`);
}

async function post(innerXml: string): Promise<Response> {
  const s = signedCallback(innerXml);
  return fetch(`${w.url}${s.path}`, { method: "POST", body: s.body, headers: { "content-type": "text/xml" } });
}
const text = (from: string, content: string) => post(textMessageXml({ toUser: WECOM.corpId, fromUser: from, content, msgId: String(msgId++), createTime: now(), agentId: WECOM.agentId }));
const click = (from: string, key: string, taskId: string) => post(cardClickXml({ fromUser: from, eventKey: key, taskId, responseCode: wecom.fake.issueResponseCode(from, taskId), createTime: now(), agentId: WECOM.agentId }));
const cards = (userId: string) => to(userId).filter((s) => s.msgtype === "template_card");
const taskId = (s: FakeSent) => (s.templateCard as { task_id: string }).task_id;

/** Rows from the worker's D1 (read-only, while it runs). */
function query<T>(sql: string, ...args: unknown[]): T[] {
  const db = w.d1();
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

describe("the Workers build in workerd with a local D1 [issue 16]", () => {
  it("answers WeCom's URL verification with the decrypted echo, and refuses a bad signature", async () => {
    const q = signUrlVerification({ ...WECOM, echo: "echo-4471" });
    const ok = await fetch(`${w.url}/webhooks/wecom?${q}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("echo-4471");
    const forged = await fetch(`${w.url}/webhooks/wecom?${q.replace(/msg_signature=[0-9a-f]/, "msg_signature=z")}`);
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
  });

  it("an encrypted message advances the application flow: the step is in D1 and the reply reaches WeCom without a cron", async () => {
    const res = await text("wk-applicant-1", "申请工作室");
    expect(res.status).toBe(200);
    await until("the first question", () => to("wk-applicant-1").length > 0);
    await text("wk-applicant-1", typedAnswers()[0]!);
    await until("the second question", () => to("wk-applicant-1").length > 1);
    const [session] = query<{ flowId: string; stateJson: string }>(`SELECT flowId, stateJson FROM ConversationSession WHERE externalUserId = ?`, "wk-applicant-1");
    expect(session?.flowId).toBe("studio-application");
    const state = JSON.parse(session!.stateJson) as { answers: Record<string, string>; history: string[] };
    expect(state.history).toEqual(["enterpriseName"]);
    expect(state.answers.enterpriseName).toContain("科技有限公司");
    const events = query<{ status: string }>(`SELECT status FROM InboundEvent WHERE userId = ?`, "wk-applicant-1");
    expect(events.map((e) => e.status)).toEqual(["DONE", "DONE"]);
  });

  it("a whole application goes through the three approvals by card clicks; the leader's assigns the studio number", async () => {
    for (const [personId, wecomId] of Object.values(OFFICERS)) {
      const res = await fetch(`${w.url}/admin/people/${personId}/identities`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ channel: "wecom", externalId: wecomId }) });
      expect(res.status).toBe(201);
    }
    const applicant = "wk-applicant-2";
    // Each callback is answered at once; the host handles a person's messages in arrival order.
    for (const answer of ["申请工作室", ...typedAnswers(), "确认提交"]) expect((await text(applicant, answer)).status).toBe(200);
    for (const [, officer] of [OFFICERS.town, OFFICERS.cityIp, OFFICERS.leader]) {
      await until(`the approval card to ${officer}`, () => cards(officer).length > 0);
      expect((await click(officer, "ap:approve", taskId(cards(officer).at(-1)!))).status).toBe(200);
    }
    await until("the approval in D1", () => query<{ status: string }>(`SELECT status FROM Application`).some((a) => a.status === "APPROVED"));
    const [app] = query<{ status: string; studioNumber: string | null; enterpriseName: string }>(`SELECT status, studioNumber, enterpriseName FROM Application WHERE status = 'APPROVED'`);
    expect(app!.studioNumber).toMatch(/^ZSIPS-\d{4}-001$/);
    const steps = query<{ stage: number; status: string; decidedVia: string }>(`SELECT s.stage, s.status, s.decidedVia FROM ApprovalStep s JOIN Application a ON a.id = s.applicationId WHERE a.status = 'APPROVED' ORDER BY s.stage`);
    expect(steps).toEqual([1, 2, 3].map((stage) => ({ stage, status: "APPROVED", decidedVia: "wecom" })));
    // Every officer action is audited on the hash chain, in D1 too.
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM AuditLog WHERE action LIKE 'approval.%'`)[0]!.n).toBeGreaterThanOrEqual(3);
  });

  it("a cron tick runs the jobs due that minute: an idle application is nudged through the WeCom API", async () => {
    const applicant = "wk-applicant-3";
    await text(applicant, "申请工作室");
    await until("the first question", () => to(applicant).length > 0);
    const before = to(applicant).length;
    // The first working day from tomorrow, 10:00 in Zhongshan: working hours, and the flow is idle.
    let day = new Date(Date.now() + 86_400_000);
    while (!isWorkday(day.toISOString().slice(0, 10))) day = new Date(day.getTime() + 86_400_000);
    const at = new Date(`${day.toISOString().slice(0, 10)}T10:00:00+08:00`);
    const res = await fetch(`${w.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${at.getTime()}`);
    expect(res.status).toBe(200);
    await until("the nudge", () => to(applicant).length > before);
    expect(to(applicant).at(-1)!.content ?? JSON.stringify(to(applicant).at(-1))).toMatch(/申请|继续/);
    expect(query<{ nudges: number }>(`SELECT nudges FROM ConversationSession WHERE externalUserId = ?`, applicant)[0]!.nudges).toBe(1);
  });

  it("the simulator works through the host: a persona's text comes back live on its event stream", async () => {
    const stream = await fetch(`${w.url}/simulator/api/stream?userId=demo-manager-mingzhu`);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = stream.body!.getReader();
    let seen = "";
    const read = (async () => {
      const decoder = new TextDecoder();
      while (!seen.includes("申请工作室")) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += decoder.decode(value, { stream: true });
      }
    })();
    await until("the stream's ready event", () => seen.includes("event: ready"));
    const res = await fetch(`${w.url}/webhooks/web`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "demo-manager-mingzhu", clientMsgId: "cmsg-worker-1", text: "菜单" }) });
    expect(res.status).toBe(200);
    await until("the menu card on the stream", () => seen.includes("申请工作室"));
    await reader.cancel();
    await read.catch(() => undefined);
  });
});
