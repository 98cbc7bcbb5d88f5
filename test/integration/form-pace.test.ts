// Within WeCom's caps (6.2, A.1): a whole application answered at a fast person's pace through the
// real WeCom route and the fake API — a tap 1.5 s after the question arrived, typing at 0.3 s a
// character, on the harness's clock. Each answer costs at most one message/send (card updates are
// not app messages: see src/jobs/outbox-pacing.ts), and the next question is never held back by
// the per-member cap: measured as the fake clock's time from the answer to the next question.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HAPPY } from "../flows/helpers.ts";
import { cardClickXml, signCallback, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { createWecomHarness, testClock, WECOM, type WecomHarness } from "../support/wecom-harness.ts";
import type { FakeSent } from "../fakes/fake-wecom-api.ts";

const USER = "pace-manager";
const TAP_MS = 1_500;
const CHAR_MS = 300;
const typed = new Map(HAPPY.map(([f, t]) => [f, t]));
/** The one 有效量 question answered as it asks: the eight counts in order, or labelled. */
const COUNTS: Record<Exclude<CountsMode, "one-by-one">, string> = {
  "in-order": "12 45 8 0 6 0 3 0",
  labelled: "发明12，实用新型45，外观8，PCT0，国内商标6，境外商标0，版权3，其他0",
};
/** How the person answers the counts question; "one-by-one": only the first count, the rest asked singly. */
type CountsMode = "in-order" | "labelled" | "one-by-one";
/** Taps a person makes where the question is a card (the town: 是 on "属于小榄镇，对吗？"). */
const TAPS: Record<string, string> = {
  townId: "flow:townId:xiaolan",
  isAboveScale: "flow:isAboveScale:yes",
  specialisedLevel: "flow:specialisedLevel:provincial",
  isLeadingReserve: "flow:isLeadingReserve:no",
  isIpKeyProtection: "flow:isIpKeyProtection:no",
  contactSameAsHead: "flow:contactSameAsHead:yes",
  hasIpDepartment: "flow:hasIpDepartment:yes",
  demoEnterprise: "flow:demoEnterprise:@none",
  advantageEnterprise: "flow:advantageEnterprise:@none",
  patentAward: "flow:patentAward:@none",
  isHeadSelf: "flow:isHeadSelf:yes",
};

interface Answer {
  field: string;
  at: number;
  sends: number;
  /** From the answer to the next message reaching the person, in the fake clock. */
  delayMs: number;
}

describe("[6.2] a whole application at a fast person's pace through WeCom", () => {
  let h: WecomHarness;
  const clock = testClock(new Date("2026-03-02T09:00:00+08:00"));
  beforeEach(async () => {
    h = await createWecomHarness({ clock });
  });
  afterEach(async () => {
    await h.close();
  });

  /** A signed callback through the real route, at the clock's time (no pause added). */
  async function post(innerXml: string): Promise<void> {
    const signed = signCallback({ ...WECOM, innerXml, timestamp: Math.floor(clock.now().getTime() / 1000), agentId: WECOM.agentId });
    const res = await h.runtime.app.request(`/webhooks/wecom?${signed.query}`, { method: "POST", body: signed.body, headers: { "content-type": "text/xml" } });
    expect(res.status).toBe(200);
    await h.settle();
  }
  let msgId = 5_000_000;
  const createTime = () => Math.floor(clock.now().getTime() / 1000);
  const sendText = (content: string) => post(textMessageXml({ toUser: WECOM.corpId, fromUser: USER, content, msgId: String(msgId++), createTime: createTime(), agentId: WECOM.agentId }));
  const tap = (key: string, taskId: string) => post(cardClickXml({ fromUser: USER, eventKey: key, taskId, responseCode: h.fake.issueResponseCode(USER, taskId), createTime: createTime(), agentId: WECOM.agentId }));

  /** Waits (on the fake clock, draining the outbox) until a message beyond `count` reached the person. */
  async function nextDelivery(count: number): Promise<FakeSent> {
    for (let waited = 0; waited <= 120_000; waited += 250) {
      const got = h.to(USER)[count];
      if (got) return got;
      clock.advance(250);
      await h.settle();
    }
    throw new Error(`nothing reached ${USER} within 120 s`);
  }

  async function session() {
    const s = await h.t.db.prisma.conversationSession.findFirst({ where: { externalUserId: USER, flowId: "studio-application" }, orderBy: { lastActivityAt: "desc" } });
    return JSON.parse(s!.stateJson) as { cursor: string | null; mode: string };
  }

  /** The whole form at the pace above, the 有效量 counts answered as `counts` says. */
  async function fillForm(counts: CountsMode): Promise<Answer[]> {
    await sendText("申请工作室");
    let last = await nextDelivery(0);
    const answers: Answer[] = [];
    for (let i = 0; i < 60; i++) {
      const s = await session();
      if (s.mode !== "asking" && s.mode !== "editing") break;
      const field = s.cursor!;
      const card = last.templateCard;
      const key = TAPS[field];
      const before = h.to(USER).length;
      let at: number;
      // The person reads the question as it arrives and answers at their pace.
      if (key && card) {
        const keys = (card["button_list"] as { key: string }[]).map((b) => b.key);
        expect(keys, `the tap for ${field} is on its card`).toContain(key);
        clock.set(new Date(last.at.getTime() + TAP_MS));
        at = clock.now().getTime();
        await tap(key, String(card["task_id"]));
      } else {
        const text = counts !== "one-by-one" && field === "validInvention" ? COUNTS[counts] : typed.get(field)!;
        clock.set(new Date(last.at.getTime() + CHAR_MS * Array.from(text).length));
        at = clock.now().getTime();
        await sendText(text);
      }
      last = await nextDelivery(before);
      answers.push({ field, at, sends: h.to(USER).length - before, delayMs: last.at.getTime() - at });
    }
    expect((await session()).mode).toBe("summary");
    // The summary (one card per section) goes out in a burst: wait until all of it arrived.
    const lastAt = answers.at(-1)!.at;
    while ((await h.t.db.prisma.outboxMessage.count({ where: { externalUserId: USER, status: { not: "SENT" } } })) > 0) {
      expect(clock.now().getTime() - lastAt, "the summary arrives within 3 minutes").toBeLessThan(180_000);
      clock.advance(1_000);
      await h.settle();
    }
    const summaryMs = h.to(USER).at(-1)!.at.getTime() - lastAt;
    const sends = answers.reduce((n, a) => n + a.sends, 0);
    const slowest = answers.reduce((m, a) => Math.max(m, a.delayMs), 0);
    const minutes = (answers.at(-1)!.at - answers[0]!.at) / 60_000;
    console.info(`[form-pace] ${answers.length} answers in ${minutes.toFixed(2)} min; ${sends} sends (${(sends / answers.length).toFixed(2)} per answer); ${h.fake.updates.length} card updates; slowest next question ${slowest} ms; dropped ${h.fake.dropped.length}`);
    console.info(`[form-pace] held: ${answers.filter((a) => a.delayMs > 0).map((a) => `${a.field} ${a.delayMs} ms`).join(", ") || "none"}`);
    // Every question up to the summary is one message; nothing is dropped by WeCom.
    for (const a of answers.slice(0, -1)) expect(a.sends, `sends after ${a.field}`).toBe(1);
    expect(h.fake.dropped).toEqual([]);
    // Answered cards show their answer instead of buttons: updates, not app messages.
    expect(h.fake.updates.map((u) => u.replaceName)).toContain("已选：省级专精特新");
    console.info(`[form-pace] summary fully delivered ${summaryMs} ms after the last answer; updates: ${h.fake.updates.map((u) => u.replaceName).join(" ")}`);
    expect(h.fake.updates).toHaveLength(answers.filter((a) => TAPS[a.field]).length);
    return answers;
  }

  /** App messages (message/send) that reached the person in the minute up to `at`. */
  const sentInMinuteBefore = (at: number) => h.to(USER).filter((m) => m.at.getTime() > at - 60_000 && m.at.getTime() <= at).length;

  it("[6.2] the counts answered in order, as the one counts question asks: one send per answer, no question held back", async () => {
    const answers = await fillForm("in-order");
    expect(answers.find((a) => a.field === "validInvention")).toBeDefined();
    expect(answers.map((a) => a.field)).not.toContain("validUtility");
    expect(answers.map((a) => [a.field, a.delayMs]).filter(([, d]) => d !== 0)).toEqual([]);
  });

  it("[6.2] the counts answered labelled in one message: no question held back either", async () => {
    const answers = await fillForm("labelled");
    expect(answers.map((a) => [a.field, a.delayMs]).filter(([, d]) => d !== 0)).toEqual([]);
  });

  it("[6.2] counts typed one at a time (eight answers instead of one): a question waits only when WeCom's own cap is full, card updates not counted", async () => {
    const answers = await fillForm("one-by-one");
    expect(answers.map((a) => a.field)).toContain("validOther");
    // Eight more messages in the same minutes can exceed the 30 a minute WeCom lets through, so
    // some questions may wait — but only once 30 app messages went out in the minute before.
    for (const a of answers.filter((x) => x.delayMs > 0)) expect(sentInMinuteBefore(a.at), `held after ${a.field}`).toBeGreaterThanOrEqual(30);
  });
});
