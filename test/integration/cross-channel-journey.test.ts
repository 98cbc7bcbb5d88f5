// Issue 15, done when "the full application → approval journey test runs on each channel, with
// officers and applicants on different channels in one run": one runtime with all four channels;
// the applicant is on one, the three demo officers on the three others (rotated so every channel
// carries every role once over the four runs). Everything goes through each channel's real route.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { APPROVAL_KEYS } from "../../src/app/approvals/approval-texts.ts";
import { signButton } from "../../src/channels/dingtalk/dingtalk-crypto.ts";
import { cardCallbackRequest } from "../fakes/dingtalk-signer.ts";
import { HAPPY } from "../flows/helpers.ts";
import type { ChannelDriver } from "../support/channel-drivers.ts";
import { OFFICERS, typedAnswers } from "../support/journey.ts";
import { CHANNELS, createMultiChannelHarness, SIGNING_SECRET, type ChannelKey, type MultiChannelHarness } from "../support/multi-channel-harness.ts";

/** A user id of the right shape for each platform (Telegram: a private chat's numeric id). */
const userIdOn = (channel: ChannelKey, name: string, n: number): string =>
  channel === "telegram" ? String(700_000_000 + n) : channel === "dingtalk" ? `dt-${name}` : channel === "wecom" ? name : `web-${name}`;

const STAGES = [OFFICERS.town, OFFICERS.cityIp, OFFICERS.leader] as const;

let h: MultiChannelHarness;
beforeEach(async () => {
  h = await createMultiChannelHarness();
});
afterEach(async () => {
  await h.close();
});

/** Links a demo officer to an identity on `channel`, as an admin would (web: the seeded persona). */
async function officerOn(channel: ChannelKey, personId: string, n: number): Promise<string> {
  if (channel === "web") return personId; // the demo directory gives every persona its simulator identity
  const externalId = userIdOn(channel, personId, n);
  await h.t.db.prisma.channelIdentity.create({ data: { personId, channel, externalId } });
  return externalId;
}

const joined = async (d: ChannelDriver, userId: string) => (await d.texts(userId)).join("\n");

describe("cross-channel journey: application → three approvals, everyone on their own channel", () => {
  it.each(CHANNELS.map((c, i) => [c, i] as const))("applicant on %s, officers on the three other channels", async (channel, i) => {
    const applicantChannel = h.drivers[channel];
    const applicant = userIdOn(channel, "applicant", 1);
    const officers = await Promise.all(
      STAGES.map(async ([personId], s) => {
        const on = CHANNELS[(i + 1 + s) % CHANNELS.length]!;
        return { personId, channel: on, driver: h.drivers[on], userId: await officerOn(on, personId, 10 + s) };
      }),
    );
    expect(new Set([channel, ...officers.map((o) => o.channel)]).size).toBe(4);

    // The applicant fills in the whole form; the town confirmation and one yes/no are TAPPED.
    await applicantChannel.say(applicant, "申请工作室");
    const answers = typedAnswers();
    for (const [n, [field]] of HAPPY.entries()) {
      if (field === "townId" || field === "isAboveScale") {
        const label = field === "townId" ? "是" : "否";
        await applicantChannel.tap(applicant, label);
      } else await applicantChannel.say(applicant, answers[n]!);
    }
    expect(await joined(applicantChannel, applicant)).toContain("确认提交申请？");
    await applicantChannel.say(applicant, "确认提交");
    const app = await h.t.db.prisma.application.findFirstOrThrow();
    expect(app).toMatchObject({ status: "IN_REVIEW", stage: 1, townId: "xiaolan", isAboveScale: false, enterpriseName: "中山市某某（中国）科技有限公司" });

    // Each officer approves from the card that reached them on their channel.
    for (const [s, o] of officers.entries()) {
      const card = (await o.driver.cards(o.userId)).at(-1);
      expect(card, `${o.channel}:${o.userId} got the stage ${s + 1} card`).toBeDefined();
      expect(`${card!.title}\n${card!.text}`).toContain(`第${s + 1}/3阶段`);
      expect(card!.buttons.map((b) => b.key)).toContain(APPROVAL_KEYS.approve);
      await o.driver.tap(o.userId, "同意");
      const step = await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { applicationId: app.id, stage: s + 1 } });
      expect(step, `stage ${s + 1} decided from ${o.channel}`).toMatchObject({ status: "APPROVED", decidedById: o.personId });
      // The decided card changed on the officer's channel (every channel here can update a card).
      expect((await o.driver.updates(o.userId)).some((u) => u.cardId === card!.id && u.text.includes("同意")), `${o.channel} card updated`).toBe(true);
    }

    const done = await h.t.db.prisma.application.findFirstOrThrow({ include: { studio: true } });
    expect(done.status).toBe("APPROVED");
    expect(done.studioNumber).toMatch(/^ZSIPS-2026-\d{3}$/);
    // The applicant hears the outcome, with the number, on their own channel: the approval card.
    const outcome = (await applicantChannel.cards(applicant)).find((c) => c.title === "工作室申请已获批准");
    expect(outcome?.text).toContain(done.studioNumber!);
    // An officer not on the simulator still has its persona there: that copy of the card was
    // decided too, and the simulator page was told (web card_update).
    for (const o of officers.filter((x) => x.channel !== "web")) {
      expect((await h.drivers.web.updates(o.personId)).some((u) => u.text.includes("同意")), `web copy of ${o.personId}'s card`).toBe(true);
    }
    // Nothing failed or is left waiting on any channel.
    expect(await h.t.db.prisma.outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);
    const audit = await h.t.db.prisma.auditLog.findMany({ where: { action: "approval.approve" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actorId, a.channel])).toEqual(officers.map((o) => [o.personId, o.channel]));
  });
});

describe("one person on two channels (绑定): a card answers only the identity it went to", () => {
  it("refuses the DingTalk card tapped from the linked web identity, and the web card tapped through DingTalk; the DingTalk tap decides", async () => {
    const { prisma } = h.t.db;
    const dt = h.drivers.dingtalk;
    const web = h.drivers.web;
    // A 小榄 town officer on DingTalk only, who links a browser with a one-time code.
    await prisma.person.create({ data: { id: "dt-officer", name: "钉钉官员", identities: { create: [{ channel: "dingtalk", externalId: "dt-officer" }] }, roles: { create: [{ role: "TOWN_OFFICER", townId: "xiaolan" }] } } });
    await dt.say("dt-officer", "绑定");
    const code = /绑定码：(\d{8})/.exec(await dt.last("dt-officer"))?.[1];
    expect(code).toBeDefined();
    // Telegram can open the chat with the code already sent (a deep link; it still asks to confirm).
    expect(await dt.last("dt-officer")).toContain(`或在Telegram中打开：https://t.me/ipstudio_test_bot?start=${code}`);
    await web.say("dt-officer-phone", `绑定 ${code}`);
    expect(await web.last("dt-officer-phone")).toContain("确认绑定账号？");
    await web.tap("dt-officer-phone", "确认绑定");
    expect(await web.last("dt-officer-phone")).toContain("绑定成功");
    expect((await prisma.channelIdentity.findMany({ where: { personId: "dt-officer" }, orderBy: { channel: "asc" } })).map((i) => [i.channel, i.externalId])).toEqual([
      ["dingtalk", "dt-officer"],
      ["web", "dt-officer-phone"],
    ]);

    // An applicant on Telegram submits; the officer gets the stage-1 card on both identities.
    const applicant = userIdOn("telegram", "applicant", 2);
    await h.drivers.telegram.say(applicant, "申请工作室");
    for (const a of typedAnswers()) await h.drivers.telegram.say(applicant, a);
    await h.drivers.telegram.say(applicant, "确认提交");
    const app = await prisma.application.findFirstOrThrow();
    const dtCard = (await dt.cards("dt-officer")).at(-1)!;
    const webCard = (await web.cards("dt-officer-phone")).at(-1)!;
    expect(dtCard.title).toContain("第1/3阶段");
    expect(webCard.title).toContain("第1/3阶段");
    expect(webCard.id).not.toBe(dtCard.id);

    // The DingTalk card's id, tapped from the browser (the simulator lets a client name any card).
    const res = await h.runtime.app.request("/webhooks/web", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "dt-officer-phone", clientMsgId: "foreign-tap-0001", key: APPROVAL_KEYS.approve, cardId: dtCard.id }),
    });
    expect(res.status).toBe(200); // accepted by the channel, refused by the bot
    await h.settle();
    expect(await web.last("dt-officer-phone")).toContain("不是发给您");
    // The web card tapped through DingTalk, signed as DingTalk would carry it (a valid signature:
    // the channel lets it through, the bot still refuses it).
    const forged = cardCallbackRequest({ outTrackId: webCard.id, userId: "dt-officer", params: { key: APPROVAL_KEYS.approve, sig: signButton(SIGNING_SECRET, webCard.id, "dt-officer", APPROVAL_KEYS.approve) } });
    expect((await h.runtime.app.request(new Request("http://bot.test/webhooks/dingtalk", { method: "POST", headers: forged.headers, body: await forged.text() }))).status).toBe(200);
    await h.settle();
    expect(await dt.last("dt-officer")).toContain("不是发给您");
    const step = await prisma.approvalStep.findFirstOrThrow({ where: { applicationId: app.id, stage: 1 } });
    expect(step.status).toBe("PENDING");
    const refusals = await prisma.auditLog.findMany({ where: { action: { endsWith: "refused" }, actorId: "dt-officer" }, orderBy: { id: "asc" } });
    expect(refusals.map((r) => [r.channel, (JSON.parse(r.detailJson) as { cardChannel?: string }).cardChannel])).toEqual([
      ["web", "dingtalk"],
      ["dingtalk", "web"],
    ]);

    // Its own channel's tap decides.
    await dt.tap("dt-officer", "同意");
    expect(await prisma.approvalStep.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({ status: "APPROVED", decidedById: "dt-officer" });
    expect((await dt.updates("dt-officer")).map((u) => u.cardId)).toContain(dtCard.id);
  });
});
