// The WeCom API client and the adapter's send path, against the in-process fake.
import { describe, expect, it } from "vitest";
import { ChannelApiError, ChannelHttpError } from "../../src/channels/channel.ts";
import { WECOM_RATE_LIMITS, createWecomAdapter } from "../../src/channels/wecom/wecom-adapter.ts";
import { createWecomApi } from "../../src/channels/wecom/wecom-api.ts";
import { buildButtonInteractionCard } from "../../src/channels/wecom/wecom-card.ts";
import { imageMessage, type Card } from "../../src/domain/chat.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { FAKE_ERR_INVALID_PARAM, createFakeWecom } from "../fakes/fake-wecom-api.ts";
import { testPng } from "./channel-contract.ts";

const corpId = "ww1234567890abcdef";
const secret = "very-secret-value";
const agentId = 1000002;

function env(o: { timeoutMs?: number } = {}) {
  let t = new Date("2026-03-02T02:00:00Z").getTime();
  const now = () => new Date(t);
  const fake = createFakeWecom({ corpId, secret, agentId, now });
  const api = createWecomApi({ corpId, secret, agentId, fetch: fake.fetch, now, timeoutMs: o.timeoutMs });
  return { fake, api, now, advance: (ms: number) => void (t += ms) };
}

let n = 0;
const card = (buttons = 2, extra: Partial<Card> = {}): Card => ({
  id: `task_${++n}`,
  title: "外观设计专利申请",
  buttons: Array.from({ length: buttons }, (_, i) => ({ key: `b${i}`, label: `按钮${i}` })),
  ...extra,
});

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (e: unknown) => e);
}

describe("wecom api: access_token", () => {
  it("is fetched once and reused across many sends", async () => {
    const { fake, api } = env();
    for (let i = 0; i < 5; i++) await api.sendText("u1", `m${i}`);
    expect(fake.tokenRequests).toBe(1);
    expect(fake.sent.map((s) => s.content)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(fake.sent[0]).toMatchObject({ touser: "u1", msgtype: "text" });
  });

  it("concurrent callers share one gettoken", async () => {
    const { fake, api } = env();
    await Promise.all(Array.from({ length: 8 }, (_, i) => api.sendText(`u${i}`, "hi")));
    expect(fake.tokenRequests).toBe(1);
    expect(fake.sent).toHaveLength(8);
  });

  it("is refreshed about 5 minutes before expires_in", async () => {
    const { fake, api, advance } = env();
    await api.sendText("u1", "a");
    advance((7200 - 301) * 1000);
    await api.sendText("u1", "b");
    expect(fake.tokenRequests).toBe(1);
    advance(2000);
    await api.sendText("u1", "c");
    expect(fake.tokenRequests).toBe(2);
  });

  it("is refreshed at once on 42001 / 40014 and the call retried; two in a row still send", async () => {
    const { fake, api } = env();
    await api.sendText("u1", "a");
    fake.expireToken();
    await api.sendText("u1", "b");
    expect(fake.tokenRequests).toBe(2);
    expect(fake.sent.map((s) => s.content)).toEqual(["a", "b"]);

    fake.injectFailure({ kind: "errcode", errcode: 40014, path: "message/send" });
    await api.sendText("u1", "c");
    expect(fake.tokenRequests).toBe(3);

    fake.injectFailure({ kind: "errcode", errcode: 42001, times: 2, path: "message/send" });
    await api.sendText("u1", "d");
    expect(fake.tokenRequests).toBe(5);
    expect(fake.sent.map((s) => s.content)).toEqual(["a", "b", "c", "d"]);
  });

  it("a token error that persists after bounded refreshes is retryable, never final", async () => {
    const { fake, api } = env();
    fake.injectFailure({ kind: "errcode", errcode: 42001, times: 3, path: "message/send" });
    const e = await errorOf(api.sendText("u1", "x"));
    expect(e).toBeInstanceOf(ChannelApiError);
    expect(e).toMatchObject({ code: 42001, retryable: true });
    expect(fake.tokenRequests).toBe(3);
    expect(fake.sent).toHaveLength(0);
  });

  it("a gettoken refusal is a ChannelApiError that never shows the secret", async () => {
    const fake = createFakeWecom({ corpId, secret, agentId });
    const api = createWecomApi({ corpId, secret: "wrong-secret", agentId, fetch: fake.fetch });
    const e = await errorOf(api.sendText("u1", "x"));
    expect(e).toMatchObject({ name: "ChannelApiError", code: 40001, retryable: false });
    expect(String((e as Error).message)).not.toContain("wrong-secret");
  });
});

describe("wecom api: errors", () => {
  it("45009 is retryable, 40003 is not", async () => {
    const { fake, api } = env();
    fake.injectFailure({ kind: "errcode", errcode: 45009, path: "message/send" });
    expect(await errorOf(api.sendText("u1", "x"))).toMatchObject({ channel: "wecom", code: 45009, retryable: true });
    fake.injectFailure({ kind: "errcode", errcode: 40003, path: "message/send" });
    const e = await errorOf(api.sendText("u1", "x"));
    expect(e).toBeInstanceOf(ChannelApiError);
    expect(e).toMatchObject({ code: 40003, retryable: false });
  });

  it("HTTP 500 and timeouts are ChannelHttpError, without the token in the message", async () => {
    const { fake, api } = env({ timeoutMs: 40 });
    fake.injectFailure({ kind: "http500", path: "message/send" });
    const e500 = await errorOf(api.sendText("u1", "x"));
    expect(e500).toBeInstanceOf(ChannelHttpError);
    expect(e500).toMatchObject({ status: 500 });
    fake.injectFailure({ kind: "timeout", path: "message/send" });
    const started = Date.now();
    const eTo = await errorOf(api.sendText("u1", "x"));
    expect(eTo).toBeInstanceOf(ChannelHttpError);
    expect((eTo as Error).message).toMatch(/timed out/);
    expect((eTo as Error).message).not.toMatch(/access_token|fake_token/);
    expect(Date.now() - started).toBeLessThan(2000);
    fake.injectFailure({ kind: "timeout", path: "gettoken" });
    expect(await errorOf(createWecomApi({ corpId, secret, agentId, fetch: fake.fetch, timeoutMs: 40 }).getAccessToken())).toBeInstanceOf(ChannelHttpError);
  });

  it("the fake's timeout without a signal fails like undici instead of hanging", async () => {
    const { fake } = env();
    fake.injectFailure({ kind: "timeout" });
    const e = await errorOf(fake.fetch("https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=x&corpsecret=y"));
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe("fetch failed");
  });
});

describe("wecom api: template cards", () => {
  it("builds a button_interaction card with WeCom's field names", () => {
    const tc = buildButtonInteractionCard({
      id: "app-7@x_y",
      title: "专利申请",
      description: "请审核",
      url: "https://ip.example/app/7",
      facts: Array.from({ length: 8 }, (_, i) => ({ label: `项${i}`, value: `值${i}` })),
      buttons: [
        { key: "ok", label: "同意", style: "primary" },
        { key: "no", label: "驳回", style: "danger" },
        { key: "later", label: "稍后" },
      ],
    });
    expect(tc).toMatchObject({
      card_type: "button_interaction",
      main_title: { title: "专利申请" },
      task_id: "app-7@x_y",
      card_action: { type: 1, url: "https://ip.example/app/7" },
      button_list: [
        { text: "同意", style: 1, key: "ok" },
        { text: "驳回", style: 3, key: "no" },
        { text: "稍后", style: 2, key: "later" },
      ],
    });
    const list = tc["horizontal_content_list"] as Array<{ keyname: string; value: string }>;
    expect(list).toHaveLength(6);
    expect(list[5]).toEqual({ keyname: "更多", value: "另有 3 项" });
    expect(tc["sub_title_text"]).toBe("请审核\n项5：值5\n项6：值6\n项7：值7");
  });

  it("refuses bad cards before any HTTP call", async () => {
    const { fake, api } = env();
    const bad: Card[] = [
      card(7),
      card(0),
      card(2, { id: "has space" }),
      card(2, { id: "x".repeat(129) }),
      card(2, { id: "中文" }),
      card(1, { buttons: [{ key: "k".repeat(1025), label: "l" }] }),
      card(2, { buttons: [{ key: "same", label: "a" }, { key: "same", label: "b" }] }),
    ];
    for (const c of bad) expect(await errorOf(api.sendTemplateCard("u1", c))).toBeInstanceOf(ValidationError);
    expect(fake.tokenRequests).toBe(0);
    await api.sendTemplateCard("u1", card(2, { id: "x".repeat(128) }));
    expect(fake.sent).toHaveLength(1);
  });

  it("a response code updates a card once; the second use is refused", async () => {
    const { fake, api } = env();
    const res = await api.sendTemplateCard("u1", card(2));
    expect(res.msgid).toBeTruthy();
    expect(res.responseCode).toBeTruthy();
    await api.updateTemplateCardButton({ userids: ["u1"], responseCode: res.responseCode!, replaceName: "已同意" });
    expect(fake.updates).toEqual([expect.objectContaining({ userids: ["u1"], replaceName: "已同意", responseCode: res.responseCode })]);
    const again = await errorOf(api.updateTemplateCardButton({ userids: ["u1"], responseCode: res.responseCode!, replaceName: "x" }));
    expect(again).toMatchObject({ name: "ChannelApiError", code: FAKE_ERR_INVALID_PARAM, retryable: false });
  });

  it("a clicked card's response code expires after 72 h", async () => {
    const { fake, api, advance } = env();
    const fresh = fake.issueResponseCode("u1", "t_1");
    const old = fake.issueResponseCode("u1", "t_2");
    await api.updateTemplateCardButton({ userids: ["u1"], responseCode: fresh, replaceName: "ok" });
    advance(72 * 3600_000);
    expect(await errorOf(api.updateTemplateCardButton({ userids: ["u1"], responseCode: old, replaceName: "ok" }))).toBeInstanceOf(ChannelApiError);
  });
});

describe("wecom: per-member rate limits (silently dropped, as WeCom does)", () => {
  it("30 per minute, then drops; a minute later it flows again", async () => {
    const { fake, api, advance } = env();
    for (let i = 0; i < WECOM_RATE_LIMITS.perMinute + 1; i++) await api.sendText("u1", `m${i}`);
    await api.sendText("u2", "other member is unaffected");
    expect(fake.sent.filter((s) => s.touser === "u1")).toHaveLength(30);
    expect(fake.dropped.map((s) => s.content)).toEqual(["m30"]);
    advance(60_000);
    await api.sendText("u1", "later");
    expect(fake.sent.at(-1)?.content).toBe("later");
  });

  it("1000 per hour", async () => {
    const { fake, api, advance } = env();
    for (let i = 0; i < WECOM_RATE_LIMITS.perHour + 1; i++) {
      await api.sendText("u1", `m${i}`);
      advance(3000); // 20/min: under the minute limit, so only the hour limit bites
    }
    expect(fake.sent).toHaveLength(1000);
    expect(fake.dropped).toHaveLength(1);
  });
});

describe("wecom api: safe retries", () => {
  it("every send asks for WeCom's duplicate check over its longest interval", async () => {
    const { fake, api } = env();
    await api.sendText("u1", "a");
    expect(fake.sent[0]!.body).toMatchObject({ enable_duplicate_check: 1, duplicate_check_interval: 14_400 });
  });

  it("the same request within the interval is not delivered again; after it, it is", async () => {
    const { fake, api, advance } = env();
    await api.sendText("u1", "同一句话");
    await api.sendText("u1", "同一句话");
    expect(fake.sent).toHaveLength(1);
    expect(fake.events.filter((e) => e.type === "duplicate")).toHaveLength(1);
    advance(14_400_000);
    await api.sendText("u1", "同一句话");
    expect(fake.sent).toHaveLength(2);
  });

  it("a card whose task_id exists was delivered: no error, marked duplicate", async () => {
    const { fake, api, advance } = env();
    const c = card(2);
    await api.sendTemplateCard("u1", c);
    advance(5 * 3600_000); // past the duplicate check: only the task_id says it is the same card
    expect(await api.sendTemplateCard("u1", c)).toEqual({ duplicate: true });
    expect(fake.sent).toHaveLength(1);
  });
});

describe("wecom adapter: send", () => {
  function adapterEnv() {
    const { fake, now } = env();
    const adapter = createWecomAdapter({
      corpId, agentId, secret, token: "t", encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", fetch: fake.fetch, now,
    });
    return { fake, adapter };
  }

  it("maps every message kind and returns the msgid", async () => {
    const { fake, adapter } = adapterEnv();
    expect(adapter.capabilities).toEqual({ buttons: true, markdown: true, cardUpdate: true, maxButtons: 6, textMax: 2048, images: true, cardHandle: { singleUse: true, ttlMs: 72 * 3600_000 } });
    const r = await adapter.send("u1", { kind: "text", text: "hi" });
    expect(r.externalId).toBe(fake.sent[0]!.msgid);
    await adapter.send("u1", { kind: "markdown", markdown: "# t" });
    await adapter.send("u1", { kind: "card", card: card(3) });
    expect(fake.sent.map((s) => s.msgtype)).toEqual(["text", "markdown", "template_card"]);
    const rc = fake.sent[2]!.responseCode!;
    await adapter.send("u1", { kind: "card_update", cardId: "x", replaceName: "已驳回", handle: rc });
    expect(fake.updates[0]).toMatchObject({ userids: ["u1"], replaceName: "已驳回" });
  });

  it("variants render an identical text distinctly to WeCom and invisibly to the reader", async () => {
    const { fake, adapter } = adapterEnv();
    await adapter.send("u1", { kind: "text", text: "请重新输入" });
    await adapter.send("u1", { kind: "text", text: "请重新输入" }, { variant: 1 });
    await adapter.send("u1", { kind: "markdown", markdown: "**提示**" }, { variant: 2 });
    expect(fake.sent.map((s) => s.content)).toEqual(["请重新输入", "请重新输入\u2060", "**提示**\u2060\u2060"]);
    expect(adapter.duplicateWindowMs).toBe(14_400_000);
  });

  it("card_update without a response code is a non-retryable ChannelApiError and sends nothing", async () => {
    const { fake, adapter } = adapterEnv();
    const e = await errorOf(adapter.send("u1", { kind: "card_update", cardId: "x", replaceName: "done" }));
    expect(e).toBeInstanceOf(ChannelApiError);
    expect(e).toMatchObject({ retryable: false });
    expect((e as Error).message).toMatch(/response_code/);
    expect(fake.tokenRequests).toBe(0);
  });
});

describe("wecom api: media/get (set-up photos)", () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);

  it("returns the file's bytes, type and filename", async () => {
    const { fake, api } = env();
    fake.registerMedia("MEDIA-1", jpeg, "image/jpeg");
    const media = await api.getMedia("MEDIA-1");
    expect([...media.bytes]).toEqual([...jpeg]);
    expect(media.contentType).toBe("image/jpeg");
    expect(media.fileName).toBe("MEDIA-1.jpg");
  });

  it("an unknown or expired media id is a ChannelApiError 40007, not retryable", async () => {
    const { api } = env();
    const err = await errorOf(api.getMedia("NO-SUCH-MEDIA"));
    expect(err).toBeInstanceOf(ChannelApiError);
    expect(err).toMatchObject({ code: 40007, retryable: false });
  });

  it("an expired token is refreshed and the file still fetched", async () => {
    const { fake, api } = env();
    fake.registerMedia("MEDIA-2", jpeg);
    await api.getMedia("MEDIA-2");
    fake.expireToken();
    expect((await api.getMedia("MEDIA-2")).bytes.byteLength).toBe(jpeg.byteLength);
    expect(fake.tokenRequests).toBe(2);
  });

  it("a 5xx is a ChannelHttpError; a file over 10 MB is refused", async () => {
    const { fake, api } = env();
    fake.registerMedia("MEDIA-3", jpeg);
    fake.injectFailure({ kind: "http500", path: "media/get" });
    expect(await errorOf(api.getMedia("MEDIA-3"))).toBeInstanceOf(ChannelHttpError);
    fake.registerMedia("BIG", new Uint8Array(10 * 1024 * 1024 + 1));
    expect(await errorOf(api.getMedia("BIG"))).toMatchObject({ name: "ChannelApiError", retryable: false });
  });

  it("the adapter exposes it as fetchMedia", async () => {
    const { fake } = env();
    fake.registerMedia("MEDIA-4", jpeg, "image/png");
    const adapter = createWecomAdapter({ corpId, secret, agentId, token: "tok", encodingAesKey: "a".repeat(43), fetch: fake.fetch });
    expect((await adapter.fetchMedia!("MEDIA-4")).contentType).toBe("image/png");
  });
});

describe("[8.2] wecom: image messages (media/upload, then message/send msgtype image)", () => {
  const png = testPng(5);
  function adapterEnv() {
    const e = env();
    const adapter = createWecomAdapter({ corpId, agentId, secret, token: "t", encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", fetch: e.fake.fetch, now: e.now });
    return { ...e, adapter };
  }

  it("[8.2] uploads the PNG as multipart field media (chart.png, type=image), then sends its media_id", async () => {
    const { fake, api } = env();
    const mediaId = await api.uploadImage(png, "chart.png");
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({ mediaId, type: "image", size: png.length, contentType: "image/png", fileName: "chart.png" });
    expect(Buffer.from(fake.uploads[0]!.bytes).equals(Buffer.from(png))).toBe(true);
    const r = await api.sendImage("u1", mediaId);
    expect(fake.sent[0]).toMatchObject({ touser: "u1", msgtype: "image", mediaId, msgid: r.msgid });
    expect(fake.sent[0]!.body).toMatchObject({ image: { media_id: mediaId }, agentid: agentId, enable_duplicate_check: 1 });
  });

  it("[8.2] the adapter sends an image message as upload + send and returns the msgid", async () => {
    const { fake, adapter } = adapterEnv();
    const r = await adapter.send("u1", imageMessage(png, "服务评价图表"));
    expect(fake.events.filter((e) => e.type === "delivered").map((e) => e.path)).toEqual(["media/upload", "message/send"]);
    expect(r.externalId).toBe(fake.sent[0]!.msgid);
    expect(fake.sent[0]!.mediaId).toBe(fake.uploads[0]!.mediaId);
  });

  it("[8.2] an expired token during the upload is refreshed and the upload retried once", async () => {
    const { fake, adapter } = adapterEnv();
    await adapter.send("u1", { kind: "text", text: "先发一条" });
    fake.expireToken();
    await adapter.send("u1", imageMessage(png, "图表"));
    expect(fake.tokenRequests).toBe(2);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.sent.map((s) => s.msgtype)).toEqual(["text", "image"]);
  });

  it("[8.2] upload failures: busy (45009) is retryable, a refused file is not, a 5xx is a ChannelHttpError; nothing is sent", async () => {
    const { fake, adapter, api } = adapterEnv();
    fake.injectFailure({ kind: "errcode", errcode: 45009, path: "media/upload" });
    expect(await errorOf(adapter.send("u1", imageMessage(png, "图表")))).toMatchObject({ name: "ChannelApiError", code: 45009, retryable: true });
    fake.injectFailure({ kind: "http500", path: "media/upload" });
    expect(await errorOf(adapter.send("u1", imageMessage(png, "图表")))).toBeInstanceOf(ChannelHttpError);
    // The fake, like WeCom, takes only JPG and PNG as images.
    const gif = new TextEncoder().encode("GIF89a-not-an-image-we-send");
    expect(await errorOf(api.uploadImage(gif, "x.gif"))).toMatchObject({ name: "ChannelApiError", code: 40005, retryable: false });
    expect(fake.uploads).toHaveLength(0);
    expect(fake.events.some((e) => e.path === "message/send" && e.type === "call")).toBe(false);
  });

  it("[8.2] a retry of the same outbox message reuses its upload, so WeCom's duplicate check absorbs a send whose answer was lost", async () => {
    const { fake, adapter } = adapterEnv();
    fake.injectFailure({ kind: "http500", when: "after", path: "message/send" });
    const message = imageMessage(png, "图表");
    expect(await errorOf(adapter.send("u1", message, { idempotencyKey: "row-1" }))).toBeInstanceOf(ChannelHttpError);
    await adapter.send("u1", message, { idempotencyKey: "row-1" });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.sent.filter((s) => s.msgtype === "image")).toHaveLength(1);
    expect(fake.events.filter((e) => e.type === "duplicate")).toHaveLength(1);
    // Another message with the same picture is a new upload and is seen.
    await adapter.send("u1", message, { idempotencyKey: "row-2" });
    expect(fake.uploads).toHaveLength(2);
    expect(fake.sent.filter((s) => s.msgtype === "image")).toHaveLength(2);
  });

  it("[8.2] sendImage refuses an empty media_id and the fake refuses an unknown one (40007)", async () => {
    const { api } = env();
    expect(await errorOf(api.sendImage("u1", ""))).toBeInstanceOf(ValidationError);
    expect(await errorOf(api.sendImage("u1", "NO-SUCH"))).toMatchObject({ code: 40007, retryable: false });
  });
});
