// Telegram webhook updates in: the secret header, hostile bodies, /start, taps (real, forged,
// stale, replayed into another chat), and getMe on a cold start.
import { describe, expect, it } from "vitest";
import { createTelegramAdapter, type TelegramAdapterOptions } from "../../src/channels/telegram/telegram-adapter.ts";
import { buttonData, cardRef, memoryButtonStore, DONE_DATA } from "../../src/channels/telegram/telegram-buttons.ts";
import { DomainError, PayloadTooLargeError, UnauthenticatedError, ValidationError } from "../../src/domain/errors.ts";
import { ChannelApiError } from "../../src/channels/channel.ts";
import { TELEGRAM_MEDIA_MAX_BYTES } from "../../src/channels/telegram/telegram-media.ts";
import { callbackUpdate, createFakeTelegram, photoUpdate, textUpdate, webhookRequest } from "../fakes/fake-telegram-api.ts";

const TOKEN = "987654321:AAInboundTestTokenForTheFakeBotApi_01";
const SECRET = "inbound-secret_0123";
const SIGNING = "inbound-signing-secret-0123456789";
let now = new Date("2026-03-02T02:00:00Z");

function setup(opts: Partial<TelegramAdapterOptions> & { withBotInfo?: boolean } = {}) {
  const fake = createFakeTelegram({ token: TOKEN });
  const buttons = opts.buttons ?? memoryButtonStore(() => now);
  const adapter = createTelegramAdapter({
    botToken: TOKEN,
    webhookSecret: SECRET,
    apiRoot: fake.apiRoot,
    ...(opts.withBotInfo === false ? {} : { botInfo: fake.botInfo as never }),
    signingSecret: SIGNING,
    buttons,
    fetch: fake.fetch,
    now: () => now,
    ...opts,
  });
  return { fake, buttons, adapter };
}

async function sendCard(a: ReturnType<typeof setup>, chatId: string, keys: string[], cardId = "card_1") {
  const r = await a.adapter.send(chatId, { kind: "card", card: { id: cardId, title: "审批", buttons: keys.map((key, i) => ({ key, label: `按钮${i}` })) } });
  const m = a.fake.messages.find((x) => String(x.messageId) === r.externalId)!;
  return { result: r, message: m, data: m.replyMarkup!.inline_keyboard.flat().map((b) => b.callback_data!) };
}

describe("telegram webhook: who may call", () => {
  it("a missing or wrong secret header is refused (401-class DomainError), before the body is read", async () => {
    const { adapter } = setup();
    const update = textUpdate(1, "1001", "hi");
    await expect(adapter.handleRequest(webhookRequest(update))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(adapter.handleRequest(webhookRequest(update, SECRET + "x"))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(adapter.handleRequest(webhookRequest(update, ""))).rejects.toBeInstanceOf(UnauthenticatedError);
    const huge = webhookRequest("x".repeat(10 * 1024 * 1024), "wrong");
    await expect(adapter.handleRequest(huge)).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(huge.bodyUsed).toBe(false);
  });

  it("only POST", async () => {
    const { adapter } = setup();
    const get = new Request("https://bot.test/webhooks/telegram", { headers: { "x-telegram-bot-api-secret-token": SECRET } });
    await expect(adapter.handleRequest(get)).rejects.toBeInstanceOf(ValidationError);
  });

  it("malformed, empty, non-UTF-8, oversized or shapeless bodies are 4xx DomainErrors, never a crash", async () => {
    const { adapter } = setup();
    const bad = [
      webhookRequest("{not json", SECRET),
      webhookRequest("", SECRET),
      new Request("https://bot.test/webhooks/telegram", { method: "POST", headers: { "x-telegram-bot-api-secret-token": SECRET }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }),
      webhookRequest("[1,2,3]", SECRET),
      webhookRequest("null", SECRET),
      webhookRequest({ message: { text: "no update_id" } }, SECRET),
      webhookRequest({ update_id: -1 }, SECRET),
      webhookRequest({ update_id: "7" }, SECRET),
    ];
    // The secret is right but the shape is not what Telegram sends: still a 400, not a TypeError.
    const t = textUpdate(20, 1001, "/start x").message;
    bad.push(
      webhookRequest({ update_id: 20, message: "not an object" }, SECRET),
      webhookRequest({ update_id: 21, message: { ...t, chat: null } }, SECRET),
      webhookRequest({ update_id: 22, message: { ...t, entities: [{ type: "bot_command", offset: "0" }] } }, SECRET),
      webhookRequest({ update_id: 23, message: { ...t, text: 42 } }, SECRET),
      webhookRequest({ update_id: 24, callback_query: { data: "b.x" } }, SECRET),
      webhookRequest({ update_id: 25, callback_query: { ...callbackUpdate(25, 1001, "d", 1).callback_query, message: { message_id: 1, chat: {} } } }, SECRET),
      webhookRequest({ update_id: 26, message: { ...t, photo: [{}] } }, SECRET),
    );
    for (const req of bad) await expect(adapter.handleRequest(req)).rejects.toBeInstanceOf(ValidationError);
    await expect(adapter.handleRequest(webhookRequest({ update_id: 1, pad: "x".repeat(300 * 1024) }, SECRET))).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("updates we do not handle (edits, groups, channel posts, odd shapes) are 200 with no event", async () => {
    const { adapter } = setup();
    const odd = [
      { update_id: 10, edited_message: textUpdate(10, "1001", "改").message },
      { update_id: 11, message: { ...textUpdate(11, "-100200", "群里").message, chat: { id: -100200, type: "group", title: "群" } } },
      { update_id: 12, channel_post: { message_id: 1, date: 0, chat: { id: -100300, type: "channel", title: "频道" }, text: "x" } },
      { update_id: 13, message: { message_id: 1, date: 0, chat: { id: 1001, type: "private" }, sticker: { file_id: "s" } } },
      { update_id: 16, message: { ...photoUpdate(16, -100200, ["a", "b", "c"]).message, chat: { id: -100200, type: "group", title: "群" } } },
      { update_id: 15 },
    ];
    for (const u of odd) {
      const r = await adapter.handleRequest(webhookRequest(u, SECRET));
      expect(r.response.status).toBe(200);
      expect(r.events).toEqual([]);
    }
  });
});

describe("telegram webhook: messages", () => {
  it("a private text is one text event, dedupeKey update:<update_id>, NUL dropped", async () => {
    const { adapter } = setup();
    const r = await adapter.handleRequest(webhookRequest(textUpdate(4242, 1001, "你好\u0000世界"), SECRET));
    expect(r.events).toEqual([{ kind: "text", text: "你好世界", sender: { channel: "telegram", userId: "1001" }, dedupeKey: "update:4242", receivedAt: now }]);
  });

  it("/start <code> is the linking text 绑定 <code>; a bare /start is an enter event; /start@bot works too", async () => {
    const { adapter } = setup();
    const [link] = (await adapter.handleRequest(webhookRequest(textUpdate(1, 1001, "/start Ab_9-xyz"), SECRET))).events;
    expect(link).toMatchObject({ kind: "text", text: "绑定 Ab_9-xyz", dedupeKey: "update:1" });
    const [enter] = (await adapter.handleRequest(webhookRequest(textUpdate(2, 1001, "/start"), SECRET))).events;
    expect(enter).toMatchObject({ kind: "enter", sender: { channel: "telegram", userId: "1001" } });
    const [named] = (await adapter.handleRequest(webhookRequest(textUpdate(3, 1001, "/start@ipstudio_test_bot CODE1"), SECRET))).events;
    expect(named).toMatchObject({ kind: "text", text: "绑定 CODE1" });
    // Not a deep-link payload (typed by hand): passed on as the text it is.
    const [typed] = (await adapter.handleRequest(webhookRequest(textUpdate(4, 1001, "/start 你好 世界"), SECRET))).events;
    expect(typed).toMatchObject({ kind: "text", text: "/start 你好 世界" });
    const [other] = (await adapter.handleRequest(webhookRequest(textUpdate(5, 1001, "/help"), SECRET))).events;
    expect(other).toMatchObject({ kind: "text", text: "/help" });
  });
});

describe("telegram webhook: photos and files", () => {
  it("a photo is a media event of its largest size; its bytes come through fetchMedia (getFile, then the file URL)", async () => {
    const { adapter, fake } = setup();
    const [ev] = (await adapter.handleRequest(webhookRequest(photoUpdate(31, 1001, ["AgS", "AgM", "AgL-big_1"]), SECRET))).events;
    expect(ev).toEqual({ kind: "media", mediaType: "image", mediaId: "AgL-big_1", sender: { channel: "telegram", userId: "1001" }, dedupeKey: "update:31", receivedAt: now });
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    fake.addFile("AgL-big_1", jpeg, "photos/file_7.jpg");
    const media = await adapter.fetchMedia!("AgL-big_1");
    expect(media).toEqual({ bytes: jpeg, contentType: "image/jpeg", fileName: "file_7.jpg" });
    const unknown = await adapter.fetchMedia!("nope").catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ChannelApiError);
    expect(unknown).toMatchObject({ retryable: false });
    expect((unknown as Error).message).not.toContain(TOKEN);
    await expect(adapter.fetchMedia!("../../etc/passwd")).rejects.toBeInstanceOf(ValidationError);
    fake.addFile("Big", new Uint8Array(TELEGRAM_MEDIA_MAX_BYTES + 1), "documents/big.png");
    expect(await adapter.fetchMedia!("Big").catch((e: unknown) => e)).toMatchObject({ name: "ChannelApiError", retryable: false });
  });

  it("a document is a media event: an image when its MIME type says so, else a file", async () => {
    const { adapter } = setup();
    const doc = (id: number, mime: string) => ({ update_id: id, message: { ...textUpdate(id, 1001, "x").message, text: undefined, document: { file_id: `BQ${id}`, file_unique_id: "u", mime_type: mime, file_name: "a" } } });
    const [img] = (await adapter.handleRequest(webhookRequest(doc(41, "image/png"), SECRET))).events;
    const [pdf] = (await adapter.handleRequest(webhookRequest(doc(42, "application/pdf"), SECRET))).events;
    expect(img).toMatchObject({ kind: "media", mediaType: "image", mediaId: "BQ41" });
    expect(pdf).toMatchObject({ kind: "media", mediaType: "file", mediaId: "BQ42" });
  });
});

describe("telegram webhook: button taps", () => {
  it("a tap resolves the long key and card id, carries the handle, and is answered without a toast", async () => {
    const a = setup();
    const longKey = `approve:${"x".repeat(200)}`;
    const { data, message, result } = await sendCard(a, "1001", [longKey, "reject:1"]);
    expect(data.every((d) => Buffer.byteLength(d) <= 64)).toBe(true);
    const r = await a.adapter.handleRequest(webhookRequest(callbackUpdate(77, 1001, data[0]!, message.messageId), SECRET));
    expect(r.events).toEqual([{ kind: "button", key: longKey, cardId: "card_1", handle: result.handle, sender: { channel: "telegram", userId: "1001" }, dedupeKey: "update:77", receivedAt: now }]);
    expect(a.fake.answers).toEqual([{ callbackQueryId: "cbq-77" }]);
  });

  it("still resolves after a restart (a new adapter over the same store and signing secret)", async () => {
    const a = setup();
    const { data, message } = await sendCard(a, "1001", ["k0", "k1"]);
    const b = setup({ buttons: a.buttons });
    const r = await b.adapter.handleRequest(webhookRequest(callbackUpdate(5, 1001, data[1]!, message.messageId), SECRET));
    expect(r.events).toMatchObject([{ kind: "button", key: "k1", cardId: "card_1" }]);
  });

  it("forged, tampered, replayed-into-another-chat and expired data give only a toast and no event", async () => {
    const a = setup();
    const { data, message } = await sendCard(a, "1001", ["k0", "k1"]);
    const ref = cardRef(SIGNING, "1001", "card_1");
    const tampered = data[0]!.replace(/\.0\./, ".1.");
    const forged = [
      "approve:42",
      "b.AAAAAAAAAAAAAAAA.0.AAAAAAAAAAAAAAAA",
      tampered,
      buttonData("another-signing-secret-000000000", "1001", ref, 0),
      `${data[0]!}x`,
      "",
    ];
    let id = 100;
    for (const d of forged) {
      const r = await a.adapter.handleRequest(webhookRequest(callbackUpdate(++id, 1001, d, message.messageId), SECRET));
      expect(r.events).toEqual([]);
    }
    // Valid data from chat 1001, sent from chat 2002: its mac is for another chat.
    const replay = await a.adapter.handleRequest(webhookRequest(callbackUpdate(++id, 2002, data[0]!, message.messageId), SECRET));
    expect(replay.events).toEqual([]);
    // The index exists in the mac but not on the card.
    const noSuch = await a.adapter.handleRequest(webhookRequest(callbackUpdate(++id, 1001, buttonData(SIGNING, "1001", ref, 5), message.messageId), SECRET));
    expect(noSuch.events).toEqual([]);
    const toasts = a.fake.answers.filter((x) => x.text);
    expect(toasts.length).toBe(a.fake.answers.length);
    expect(a.fake.answers.length).toBeGreaterThanOrEqual(forged.length - 1 + 2);
    // Stale: the buttons' entry has expired.
    const before = now;
    now = new Date(now.getTime() + 31 * 24 * 3600_000);
    try {
      const stale = await a.adapter.handleRequest(webhookRequest(callbackUpdate(++id, 1001, data[0]!, message.messageId), SECRET));
      expect(stale.events).toEqual([]);
      expect(a.fake.answers.at(-1)?.text).toMatch(/失效/);
    } finally {
      now = before;
    }
  });

  it("the inert button of a decided card only toasts", async () => {
    const a = setup();
    const r = await a.adapter.handleRequest(webhookRequest(callbackUpdate(9, 1001, DONE_DATA, 100), SECRET));
    expect(r.events).toEqual([]);
    expect(a.fake.answers).toEqual([{ callbackQueryId: "cbq-9", text: "该事项已处理" }]);
  });

  it("a failing answerCallbackQuery does not lose the tap", async () => {
    const a = setup();
    const { data, message } = await sendCard(a, "1001", ["k0"]);
    a.fake.failNext({ kind: "http", status: 502 }, "answerCallbackQuery");
    const r = await a.adapter.handleRequest(webhookRequest(callbackUpdate(8, 1001, data[0]!, message.messageId), SECRET));
    expect(r.response.status).toBe(200);
    expect(r.events).toMatchObject([{ kind: "button", key: "k0" }]);
  });
});

describe("telegram: getMe on a cold start", () => {
  it("with TELEGRAM_BOT_INFO no getMe is ever called", async () => {
    const { adapter, fake } = setup();
    await adapter.handleRequest(webhookRequest(textUpdate(1, 1001, "/start"), SECRET));
    await adapter.handleRequest(webhookRequest(textUpdate(2, 1001, "hi"), SECRET));
    expect(fake.getMeCount).toBe(0);
  });

  it("without it getMe is called once, even for concurrent first requests", async () => {
    const { adapter, fake } = setup({ withBotInfo: false });
    const rs = await Promise.all([1, 2, 3].map((i) => adapter.handleRequest(webhookRequest(textUpdate(i, 1001, `/start c${i}`), SECRET))));
    await adapter.handleRequest(webhookRequest(textUpdate(4, 1001, "hi"), SECRET));
    expect(fake.getMeCount).toBe(1);
    expect(rs.map((r) => r.events[0])).toMatchObject([{ text: "绑定 c1" }, { text: "绑定 c2" }, { text: "绑定 c3" }]);
  });

  it("a getMe that fails is a typed channel error (not a DomainError), and the next request tries again", async () => {
    const { adapter, fake } = setup({ withBotInfo: false });
    fake.failNext({ kind: "api", code: 401, description: "Unauthorized" }, "getMe");
    const err = await adapter.handleRequest(webhookRequest(textUpdate(1, 1001, "hi"), SECRET)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(DomainError);
    expect((err as Error).name).toBe("ChannelApiError");
    const r = await adapter.handleRequest(webhookRequest(textUpdate(1, 1001, "hi"), SECRET));
    expect(r.events).toHaveLength(1);
  });
});
