import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeSent, FakeWecom } from "../fakes/fake-wecom-api.ts";
import { cardClickXml, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { serveFakeWecom, signedCallback } from "../support/child-server.ts";
import { OFFICERS, typedAnswers } from "../support/journey.ts";
import { WECOM, wecomVars } from "../support/wecom-harness.ts";
import { startWorker, type WorkerProcess } from "./worker-process.ts";

// Issue 16: a unit of work stays all-or-nothing on D1, which has no transactions. Faults are
// injected into the worker's own local D1 from outside (a trigger that fails a write; the
// journal a host killed mid-unit leaves), then the real worker is driven over HTTP.

let w: WorkerProcess;
let wecom: { fake: FakeWecom; base: string; close(): Promise<void> };
let msgId = 60_000_000;
const ADMIN_TOKEN = "worker-admin-token-0123456789";
const vars = () => ({ ...wecomVars(wecom.base), NODE_ENV: "development", LOG_LEVEL: "warn", ADMIN_TOKEN, SIGNING_SECRET: "worker-signing-secret-0123456789abcdef" });

beforeAll(async () => {
  wecom = await serveFakeWecom();
  w = await startWorker(vars());
}, 180_000);

afterAll(async () => {
  await w?.stop();
  await wecom?.close();
});

const to = (userId: string): FakeSent[] => wecom.fake.sent.filter((s) => s.touser === userId);
async function until(what: string, done: () => boolean, seconds = 60) {
  for (let i = 0; i < seconds * 10; i++) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}\n${w.output().slice(-4000)}`);
}
async function text(from: string, content: string): Promise<Response> {
  const s = signedCallback(textMessageXml({ toUser: WECOM.corpId, fromUser: from, content, msgId: String(msgId++), createTime: Math.floor(Date.now() / 1000), agentId: WECOM.agentId }));
  return fetch(`${w.url}${s.path}`, { method: "POST", body: s.body, headers: { "content-type": "text/xml" } });
}
async function click(from: string, key: string, taskId: string): Promise<Response> {
  const s = signedCallback(cardClickXml({ fromUser: from, eventKey: key, taskId, responseCode: wecom.fake.issueResponseCode(from, taskId), createTime: Math.floor(Date.now() / 1000), agentId: WECOM.agentId }));
  return fetch(`${w.url}${s.path}`, { method: "POST", body: s.body, headers: { "content-type": "text/xml" } });
}
const lastAttempts = (userId: string) => d1((db) => (db.prepare(`SELECT attempts FROM InboundEvent WHERE userId = ? ORDER BY receivedAt DESC`).get(userId) as { attempts: number } | undefined)?.attempts ?? 0);
function d1<T>(run: (db: ReturnType<WorkerProcess["d1"]>) => T, write = false): T {
  const db = w.d1({ write });
  try {
    return run(db);
  } finally {
    db.close();
  }
}
const session = (userId: string) => d1((db) => db.prepare(`SELECT stateJson, revision FROM ConversationSession WHERE externalUserId = ?`).get(userId) as { stateJson: string; revision: number });
const journal = () => d1((db) => ({ entries: (db.prepare(`SELECT count(*) AS n FROM _uow_undo`).get() as { n: number }).n, active: (db.prepare(`SELECT active FROM _uow_state`).get() as { active: number }).active }));

describe("units of work on D1 in workerd [issue 16]", () => {
  it("a handled message whose reply cannot be stored leaves no trace: not the answer, not the step, not half a reply", async () => {
    const user = "wk-atomic-1";
    await text(user, "申请工作室");
    await until("the first question", () => to(user).length > 0);
    const before = session(user);
    const sentBefore = to(user).length;
    const outboxBefore = d1((db) => (db.prepare(`SELECT count(*) AS n FROM OutboxMessage`).get() as { n: number }).n);
    // The fault: every outbox insert fails, i.e. after the step and the session were written.
    d1((db) => db.exec(`CREATE TRIGGER fault_outbox BEFORE INSERT ON OutboxMessage BEGIN SELECT RAISE(ABORT, 'injected fault'); END`), true);
    try {
      expect((await text(user, typedAnswers()[0]!)).status).toBe(200); // accepted (stored) before handling
      await until("the failed attempt", () => d1((db) => (db.prepare(`SELECT attempts FROM InboundEvent WHERE userId = ? ORDER BY receivedAt DESC`).get(user) as { attempts: number }).attempts) === 1);
    } finally {
      d1((db) => db.exec(`DROP TRIGGER fault_outbox`), true);
    }
    const after = session(user);
    expect(after).toEqual(before); // same state, same revision: the step's writes were undone
    expect(JSON.parse(after.stateJson).history).toEqual([]);
    expect(d1((db) => (db.prepare(`SELECT count(*) AS n FROM OutboxMessage`).get() as { n: number }).n)).toBe(outboxBefore);
    expect(d1((db) => db.prepare(`SELECT status FROM InboundEvent WHERE userId = ? ORDER BY receivedAt DESC`).get(user))).toEqual({ status: "FAILED" });
    expect(journal()).toEqual({ entries: 0, active: 0 });
    expect(to(user)).toHaveLength(sentBefore);
    // The next unit runs normally: nothing was left half-open.
    await text("wk-atomic-2", "申请工作室");
    await until("another person's first question", () => to("wk-atomic-2").length > 0);
    expect(JSON.parse(session("wk-atomic-2").stateJson).cursor).toBe("enterpriseName");
  });

  it("a host killed in the middle of a unit: the next host undoes the unit's writes before anything else", async () => {
    // What a unit leaves when its host dies after two writes: the rows, and the journal that undoes them.
    const townsBefore = d1((db) => db.prepare(`SELECT id, name FROM Town ORDER BY id`).all());
    d1((db) => {
      db.exec(`UPDATE _uow_state SET active = 1`); // as the unit's first write does
      db.exec(`UPDATE Town SET name = 'half-written' WHERE id = (SELECT id FROM Town ORDER BY id LIMIT 1)`);
      db.exec(`INSERT INTO InboundEvent (id, channel, dedupeKey, payloadJson, receivedAt, status, attempts, userId) VALUES ('ghost', 'wecom', 'ghost', '{}', 0, 'DONE', 1, 'ghost')`);
    }, true);
    expect(journal()).toEqual({ entries: 2, active: 1 });
    await w.stop({ keep: true });
    w = await startWorker(vars(), { persist: w.persist });
    expect(d1((db) => db.prepare(`SELECT id, name FROM Town ORDER BY id`).all())).toEqual(townsBefore);
    expect(d1((db) => db.prepare(`SELECT id FROM InboundEvent WHERE id = 'ghost'`).get())).toBeUndefined();
    expect(journal()).toEqual({ entries: 0, active: 0 });
  });

  it("an officer's approval whose answer cannot be stored is not taken: the step stays open, nothing is audited", async () => {
    for (const [personId, wecomId] of Object.values(OFFICERS)) {
      await fetch(`${w.url}/admin/people/${personId}/identities`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ channel: "wecom", externalId: wecomId }) });
    }
    for (const answer of ["申请工作室", ...typedAnswers(), "确认提交"]) await text("wk-atomic-3", answer);
    const [, town] = OFFICERS.town;
    await until("the town officer's card", () => to(town).some((s) => s.msgtype === "template_card"));
    const card = (to(town).filter((s) => s.msgtype === "template_card").at(-1)!.templateCard as { task_id: string }).task_id;
    // The fault: the officer's answer ("…已记录") cannot be queued, after the decision was written.
    d1((db) => db.exec(`CREATE TRIGGER fault_answer BEFORE INSERT ON OutboxMessage WHEN NEW.payloadJson LIKE '%已记录%' BEGIN SELECT RAISE(ABORT, 'injected fault'); END`), true);
    try {
      expect((await click(town, "ap:approve", card)).status).toBe(200);
      await until("the failed attempt", () => lastAttempts(town) === 1);
    } finally {
      d1((db) => db.exec(`DROP TRIGGER fault_answer`), true);
    }
    const step = d1((db) => db.prepare(`SELECT s.status, s.decidedById FROM ApprovalStep s JOIN Application a ON a.id = s.applicationId WHERE a.enterpriseName IS NOT NULL AND s.stage = 1 ORDER BY s.openedAt DESC`).get());
    expect(step).toEqual({ status: "PENDING", decidedById: null });
    expect(d1((db) => db.prepare(`SELECT count(*) AS n FROM AuditLog WHERE action = 'approval.approve'`).get())).toEqual({ n: 0 });
    expect(d1((db) => db.prepare(`SELECT count(*) AS n FROM ApprovalStep WHERE stage = 2`).get())).toEqual({ n: 0 }); // no next stage opened
    expect(journal()).toEqual({ entries: 0, active: 0 });
    expect(to(OFFICERS.cityIp[1])).toEqual([]);
  });
});
