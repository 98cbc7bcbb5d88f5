import { describe, expect, it } from "vitest";
import { createDingtalkAdapter, type DingtalkAdapterOptions } from "../../src/channels/dingtalk/dingtalk-adapter.ts";
import { verifyButton } from "../../src/channels/dingtalk/dingtalk-crypto.ts";
import { ChannelApiError, ChannelHttpError } from "../../src/channels/channel.ts";
import { memoryTokenStore } from "../../src/channels/token-store.ts";
import type { Card } from "../../src/domain/chat.ts";
import { imageMessage } from "../../src/domain/chat.ts";
import { createFakeDingtalk, type FakeDingtalk } from "../fakes/fake-dingtalk-api.ts";
import { testPng } from "./channel-contract.ts";

const appKey = "dingapikey0001";
const appSecret = "api-app-secret-0123456789";
const robotCode = "dingrobot0001";
const cardTemplateId = "tpl-approval.schema";
const signingSecret = "api-signing-secret-0123456789";
let clock = new Date("2026-03-02T02:00:00Z");
const now = () => clock;

function setup(over: Partial<DingtalkAdapterOptions> = {}, fake: FakeDingtalk = createFakeDingtalk({ appKey, appSecret, robotCode, cardTemplateId, now })) {
  const tokens = over.tokens ?? memoryTokenStore(now);
  const adapter = createDingtalkAdapter({ appKey, appSecret, robotCode, apiBase: "https://api.dingtalk.com", cardTemplateId, cardRouteKey: "route1", tokens, signingSecret, maxAgeSeconds: 300, fetch: fake.fetch, now, ...over });
  return { adapter, fake, tokens };
}

const card: Card = { id: "appr_42", title: "专利申请待审核", description: "中山市某企业", facts: [{ label: "申请人", value: "张三" }], buttons: [{ key: "approve:42", label: "同意", style: "primary" }, { key: "reject:42", label: "驳回", style: "danger" }], url: "https://bot.test/a/42" };

describe("dingtalk access token", () => {
  it("is fetched once and shared by adapters using one store", async () => {
    const fake = createFakeDingtalk({ appKey, appSecret, robotCode, cardTemplateId, now });
    const tokens = memoryTokenStore(now);
    const a = setup({ tokens }, fake).adapter;
    const b = setup({ tokens }, fake).adapter;
    await Promise.all([a.send("u1", { kind: "text", text: "一" }), b.send("u2", { kind: "text", text: "二" })]);
    await a.send("u1", { kind: "text", text: "三" });
    expect(fake.tokenRequests).toBe(1);
    expect(fake.sent.map((s) => s.text)).toEqual(["一", "二", "三"]);
  });

  it("is fetched again when DingTalk refuses it, and the message still goes out", async () => {
    const { adapter, fake } = setup();
    await adapter.send("u1", { kind: "text", text: "before" });
    fake.expireTokens();
    await adapter.send("u1", { kind: "text", text: "after" });
    expect(fake.tokenRequests).toBe(2);
    expect(fake.sent.map((s) => s.text)).toEqual(["before", "after"]);
  });

  it("is refetched after its expireIn, less the store's margin", async () => {
    const { adapter, fake } = setup();
    await adapter.send("u1", { kind: "text", text: "a" });
    clock = new Date(clock.getTime() + 7200_000 - 4 * 60_000);
    await adapter.send("u1", { kind: "text", text: "b" });
    expect(fake.tokenRequests).toBe(2);
  });

  it("a token refused again and again is a retryable ChannelApiError; a wrong secret is not retryable", async () => {
    const { adapter, fake } = setup();
    fake.injectFailure({ kind: "token", path: "batchSend", times: 5 });
    const err = await adapter.send("u1", { kind: "text", text: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelApiError);
    expect((err as ChannelApiError).retryable).toBe(true);
    const wrong = setup({ appSecret: "not-the-secret" }).adapter;
    const e2 = await wrong.send("u1", { kind: "text", text: "x" }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ChannelApiError);
    expect((e2 as ChannelApiError).retryable).toBe(false);
    expect((e2 as Error).message).not.toContain("not-the-secret");
  });
});

describe("dingtalk errors", () => {
  it("a 4xx {code, message} is a ChannelApiError (throttling retryable), a 5xx or network failure a ChannelHttpError", async () => {
    const { adapter, fake } = setup();
    fake.injectFailure({ kind: "api", path: "batchSend" });
    const api = (await adapter.send("u1", { kind: "text", text: "x" }).catch((e: unknown) => e)) as ChannelApiError;
    expect(api).toBeInstanceOf(ChannelApiError);
    expect([api.channel, api.code, api.retryable]).toEqual(["dingtalk", 400, false]);
    expect(api.message).toContain("invalidParameter");
    fake.injectFailure({ kind: "throttle", path: "batchSend" });
    const thr = (await adapter.send("u1", { kind: "text", text: "x" }).catch((e: unknown) => e)) as ChannelApiError;
    expect(thr).toBeInstanceOf(ChannelApiError);
    expect(thr.retryable).toBe(true);
    fake.injectFailure({ kind: "http", path: "createAndDeliver" });
    const http = (await adapter.send("u1", { kind: "card", card }).catch((e: unknown) => e)) as ChannelHttpError;
    expect(http).toBeInstanceOf(ChannelHttpError);
    expect(http.status).toBe(500);
    const down = setup({ fetch: async () => Promise.reject(new TypeError("fetch failed")) }).adapter;
    await expect(down.send("u1", { kind: "text", text: "x" })).rejects.toBeInstanceOf(ChannelHttpError);
    const html = setup({ fetch: async () => new Response("<html>", { status: 200 }) }).adapter;
    await expect(html.send("u1", { kind: "text", text: "x" })).rejects.toBeInstanceOf(ChannelHttpError);
  });
});

describe("dingtalk outbound messages", () => {
  it("text and markdown go through the robot's one-to-one batchSend with msgParam as a JSON string", async () => {
    const { adapter, fake } = setup();
    await adapter.send("u1", { kind: "text", text: "你好" });
    await adapter.send("u1", { kind: "markdown", markdown: "## 本周进度\n\n**3** 件" });
    expect(fake.sent[0]!.body).toMatchObject({ robotCode, userIds: ["u1"], msgKey: "sampleText", msgParam: JSON.stringify({ content: "你好" }) });
    expect(fake.sent[1]).toMatchObject({ kind: "markdown", title: "本周进度", markdown: "## 本周进度\n\n**3** 件" });
  });

  it("a card is created and delivered under our card id, with each key signed for its recipient; card_update changes it by handle", async () => {
    const { adapter, fake } = setup();
    const res = await adapter.send("u7", { kind: "card", card });
    expect(res.handle).toBe("appr_42");
    const sent = fake.sent[0]!;
    expect(sent.body).toMatchObject({ cardTemplateId, outTrackId: "appr_42", callbackType: "HTTP", callbackRouteKey: "route1", openSpaceId: "dtv1.card//IM_ROBOT.u7", imRobotOpenDeliverModel: { spaceType: "IM_ROBOT", robotCode } });
    const m = sent.cardParamMap!;
    expect([m["btn1_text"], m["btn1_key"], m["btn1_style"], m["btn2_key"], m["btn3_show"]]).toEqual(["同意", "approve:42", "primary", "reject:42", "false"]);
    expect(verifyButton(signingSecret, "appr_42", "u7", "approve:42", m["btn1_sig"]!)).toBe(true);
    expect(verifyButton(signingSecret, "appr_42", "u8", "approve:42", m["btn1_sig"]!)).toBe(false);
    expect(m["markdown"]).toContain("申请人");

    await adapter.send("u7", { kind: "card_update", cardId: "appr_42", replaceName: "已同意", handle: res.handle });
    await adapter.send("u7", { kind: "card_update", cardId: "appr_42", replaceName: "已撤回", handle: res.handle });
    const now = fake.card("appr_42")!.cardParamMap;
    expect([now["status"], now["buttons_show"], now["btn1_show"], now["title"]]).toEqual(["已撤回", "false", "false", "专利申请待审核"]);
  });

  it("a card resent after a lost answer is the one DingTalk already has (duplicate), not a failure", async () => {
    const { adapter, fake } = setup();
    await adapter.send("u7", { kind: "card", card });
    expect(await adapter.send("u7", { kind: "card", card })).toEqual({ handle: "appr_42", duplicate: true });
    expect(fake.sent.filter((s) => s.kind === "card")).toHaveLength(1);
  });

  it("refuses bad cards before calling DingTalk", async () => {
    const { adapter, fake } = setup();
    await expect(adapter.send("u1", { kind: "card", card: { ...card, id: "bad id!" } })).rejects.toThrow(/card id/);
    await expect(adapter.send("u1", { kind: "card", card: { ...card, buttons: [card.buttons[0]!, card.buttons[0]!] } })).rejects.toThrow(/unique/);
    expect(fake.calls).toEqual([]);
  });

  it("without a card template: no buttons, a card is markdown with numbered options, card_update is refused", async () => {
    const { adapter, fake } = setup({ cardTemplateId: undefined, cardRouteKey: undefined });
    expect(adapter.capabilities).toMatchObject({ buttons: false, cardUpdate: false, maxButtons: 0 });
    await adapter.send("u1", { kind: "card", card });
    expect(fake.sent[0]!.kind).toBe("markdown");
    expect(fake.sent[0]!.markdown).toContain("1. 同意\n2. 驳回");
    const err = (await adapter.send("u1", { kind: "card_update", cardId: "appr_42", replaceName: "x" }).catch((e: unknown) => e)) as ChannelApiError;
    expect(err).toBeInstanceOf(ChannelApiError);
    expect(err.retryable).toBe(false);
  });

  it("an image is sent as its alt text", async () => {
    const { adapter, fake } = setup();
    await adapter.send("u1", imageMessage(testPng(2), "满意度图表：4.5 分"));
    expect(fake.sent.map((s) => [s.kind, s.text])).toEqual([["text", "满意度图表：4.5 分"]]);
  });
});
