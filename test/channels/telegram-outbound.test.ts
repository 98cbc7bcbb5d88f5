// Telegram sends: splitting, HTML escaping and its plain fallback, cards and their keyboards,
// card updates by handle, photos, and Bot API errors as typed channel errors.
import { describe, expect, it } from "vitest";
import { ChannelApiError, ChannelHttpError } from "../../src/channels/channel.ts";
import { createTelegramAdapter } from "../../src/channels/telegram/telegram-adapter.ts";
import { memoryButtonStore, tokenBackedButtonStore } from "../../src/channels/telegram/telegram-buttons.ts";
import { TELEGRAM_ERR_NO_HANDLE } from "../../src/channels/telegram/telegram-errors.ts";
import { markdownToHtmlMessages, splitText } from "../../src/channels/telegram/telegram-render.ts";
import { memoryTokenStore } from "../../src/channels/token-store.ts";
import { imageMessage } from "../../src/domain/chat.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { createFakeTelegram, parseTelegramHtml } from "../fakes/fake-telegram-api.ts";
import { testPng } from "./channel-contract.ts";

const TOKEN = "555000111:AAOutboundTestTokenForTheFakeBotApi_1";
const NOW = new Date("2026-03-02T02:00:00Z");

function setup() {
  const fake = createFakeTelegram({ token: TOKEN });
  const adapter = createTelegramAdapter({
    botToken: TOKEN,
    webhookSecret: "s",
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo as never,
    signingSecret: "outbound-signing-secret-0123456789",
    buttons: memoryButtonStore(() => NOW),
    fetch: fake.fetch,
    now: () => NOW,
  });
  return { fake, adapter };
}

describe("telegram texts", () => {
  it("a text over 4096 characters goes as several messages, cut at line ends, none over the limit", async () => {
    const { fake, adapter } = setup();
    const line = "专利申请进度说明，第一行内容较长。".repeat(10);
    const text = Array.from({ length: 60 }, (_, i) => `${i + 1}. ${line}`).join("\n");
    expect(text.length).toBeGreaterThan(4096 * 2);
    await adapter.send("1001", { kind: "text", text });
    const sent = fake.messagesTo("1001").map((m) => m.text!);
    expect(sent.length).toBe(3);
    expect(sent.every((t) => t.length <= 4096)).toBe(true);
    expect(sent.join("")).toBe(text);
    expect(sent.slice(0, -1).every((t) => t.endsWith("\n"))).toBe(true);
  });

  it("splitting never breaks a surrogate pair, even without spaces or newlines", () => {
    const text = "😀".repeat(5000);
    const parts = splitText(text);
    expect(parts.join("")).toBe(text);
    for (const p of parts) expect(p.length <= 4096 && !/[\ud800-\udbff]$/.test(p)).toBe(true);
  });

  it("a retry of a split message after a failed part sends only the parts not yet delivered", async () => {
    const { fake, adapter } = setup();
    const text = `${"甲".repeat(4000)}\n${"乙".repeat(4000)}\n${"丙".repeat(100)}`;
    fake.failNext({ kind: "http", status: 502 });
    // The first part fails: nothing delivered, so a retry sends all.
    await expect(adapter.send("1001", { kind: "text", text }, { idempotencyKey: "m1" })).rejects.toBeInstanceOf(ChannelHttpError);
    expect(fake.messagesTo("1001")).toHaveLength(0);
    // The second part fails: the retry sends the second and third only.
    fake.failNext({ kind: "http", status: 502 }, "sendMessage", 1);
    await expect(adapter.send("1001", { kind: "text", text }, { idempotencyKey: "m1" })).rejects.toBeInstanceOf(ChannelHttpError);
    expect(fake.messagesTo("1001")).toHaveLength(1);
    await adapter.send("1001", { kind: "text", text }, { idempotencyKey: "m1" });
    const texts = fake.messagesTo("1001").map((m) => m.text);
    expect(texts).toEqual(splitText(text));
    expect(texts).toHaveLength(3);
  });

  it("an empty text is refused before Telegram", async () => {
    const { fake, adapter } = setup();
    await expect(adapter.send("1001", { kind: "text", text: "  " })).rejects.toBeInstanceOf(ValidationError);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("telegram markdown", () => {
  it("goes as HTML with everything else escaped, as Telegram parses it", async () => {
    const { fake, adapter } = setup();
    await adapter.send("1001", { kind: "markdown", markdown: "# 标题\n**加粗** <script>&\"x\" `a<b` [链接](https://example.com/?a=1&b=2)\n- 一项\n> 引用\n[坏](javascript:alert(1))" });
    const m = fake.messagesTo("1001")[0]!;
    expect(m.parseMode).toBe("HTML");
    expect(m.text).toBe(
      '<b>标题</b>\n<b>加粗</b> &lt;script&gt;&amp;&quot;x&quot; <code>a&lt;b</code> <a href="https://example.com/?a=1&amp;b=2">链接</a>\n• 一项\n<blockquote>引用</blockquote>\n[坏](javascript:alert(1))',
    );
    expect(parseTelegramHtml(m.text!)).not.toHaveProperty("error");
  });

  it("long markdown becomes several HTML messages, each within 4096 as Telegram counts", () => {
    const md = Array.from({ length: 300 }, (_, i) => `**第${i}行** ${"内容".repeat(20)} & <x>`).join("\n");
    const parts = markdownToHtmlMessages(md);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      const shown = parseTelegramHtml(p);
      if ("error" in shown) throw new Error(shown.error);
      expect(shown.text.length).toBeLessThanOrEqual(4096);
    }
  });

  it("HTML Telegram cannot parse goes again as plain text", async () => {
    const { fake, adapter } = setup();
    fake.failNext({ kind: "api", code: 400, description: "Bad Request: can't parse entities: unsupported start tag" }, "sendMessage");
    await adapter.send("1001", { kind: "markdown", markdown: "**注意** a < b" });
    const sent = fake.messagesTo("1001");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ text: "注意 a < b" });
    expect(sent[0]!.parseMode).toBeUndefined();
  });
});

describe("telegram cards", () => {
  it("one HTML message with an inline keyboard: rows of at most 3 (2 for long labels), data ≤ 64 bytes, url as a link button", async () => {
    const { fake, adapter } = setup();
    const r = await adapter.send("1001", {
      kind: "card",
      card: {
        id: "appr_1",
        title: "专利 <A&B>",
        description: "说明",
        facts: [{ label: "申请人", value: "张三" }],
        buttons: ["同意", "退回", "转交", "稍后"].map((l, i) => ({ key: `k${i}:${"y".repeat(190)}`, label: l })),
        url: "https://ipstudio.example/print/1",
      },
    });
    const m = fake.messagesTo("1001")[0]!;
    expect(r).toEqual({ externalId: String(m.messageId), handle: `1001:${m.messageId}` });
    expect(m.text).toBe("<b>专利 &lt;A&amp;B&gt;</b>\n说明\n申请人：张三");
    const kb = m.replyMarkup!.inline_keyboard;
    expect(kb.map((row) => row.map((b) => b.text))).toEqual([["同意", "退回", "转交"], ["稍后"], ["查看详情"]]);
    expect(kb[2]![0]).toEqual({ text: "查看详情", url: "https://ipstudio.example/print/1" });
    expect(kb.flat().filter((b) => b.callback_data).every((b) => Buffer.byteLength(b.callback_data!) <= 64)).toBe(true);

    await adapter.send("1001", { kind: "card", card: { id: "appr_2", title: "t", buttons: ["较长的按钮文字甲", "较长的按钮文字乙", "较长的按钮文字丙"].map((l, i) => ({ key: `k${i}`, label: l })) } });
    expect(fake.messagesTo("1001")[1]!.replyMarkup!.inline_keyboard.map((row) => row.length)).toEqual([2, 1]);
  });

  it("refuses bad cards before Telegram: 7 buttons, duplicate keys, bad id, non-http url", async () => {
    const { fake, adapter } = setup();
    const b = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, label: `L${i}` }));
    for (const card of [
      { id: "c1", title: "t", buttons: b(7) },
      { id: "c2", title: "t", buttons: [...b(1), ...b(1)] },
      { id: "bad id!", title: "t", buttons: b(1) },
      { id: "c3", title: "t", buttons: b(1), url: "javascript:alert(1)" },
    ]) {
      await expect(adapter.send("1001", { kind: "card", card })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(fake.calls).toHaveLength(0);
  });

  it("card_update replaces the keyboard by the outcome; a retry of it succeeds; no handle is a final refusal", async () => {
    const { fake, adapter } = setup();
    const sent = await adapter.send("1001", { kind: "card", card: { id: "c9", title: "t", buttons: [{ key: "a", label: "同意" }] } });
    const update = { kind: "card_update" as const, cardId: "c9", replaceName: "已由 张三 同意", handle: sent.handle! };
    await adapter.send("1001", update);
    await adapter.send("1001", update); // Telegram: "message is not modified"
    expect(fake.edits).toHaveLength(1);
    expect(fake.edits[0]!.replyMarkup).toEqual({ inline_keyboard: [[{ text: "已由 张三 同意", callback_data: "done" }]] });

    const noHandle = await adapter.send("1001", { kind: "card_update", cardId: "c9", replaceName: "x" }).catch((e: unknown) => e);
    expect(noHandle).toBeInstanceOf(ChannelApiError);
    expect(noHandle).toMatchObject({ code: TELEGRAM_ERR_NO_HANDLE, retryable: false });
    await expect(adapter.send("2002", update)).rejects.toBeInstanceOf(ValidationError);
    const gone = await adapter.send("1001", { ...update, handle: "1001:999999" }).catch((e: unknown) => e);
    expect(gone).toMatchObject({ name: "ChannelApiError", code: 400, retryable: false });
  });
});

describe("telegram photos and errors", () => {
  it("an image is sendPhoto with the PNG's very bytes (multipart)", async () => {
    const { fake, adapter } = setup();
    const png = testPng(5);
    await adapter.send("1001", imageMessage(png, "图表"));
    const m = fake.messagesTo("1001")[0]!;
    expect(Buffer.from(m.photo!.bytes).equals(Buffer.from(png))).toBe(true);
    expect(m.photo!.fileName).toBe("chart.png");
  });

  it("429 is a retryable ChannelApiError (with retry_after); 403 is final; Telegram's 5xx and network failures are ChannelHttpError", async () => {
    const { fake, adapter } = setup();
    fake.failNext({ kind: "api", code: 429, description: "Too Many Requests: retry after 7", retryAfter: 7 });
    const e429 = await adapter.send("1001", { kind: "text", text: "x" }).catch((e: unknown) => e);
    expect(e429).toMatchObject({ name: "ChannelApiError", channel: "telegram", code: 429, retryable: true });
    expect((e429 as Error).message).toMatch(/retry after 7 s/);
    fake.failNext({ kind: "api", code: 403, description: "Forbidden: bot was blocked by the user" });
    expect(await adapter.send("1001", { kind: "text", text: "x" }).catch((e: unknown) => e)).toMatchObject({ code: 403, retryable: false });
    fake.failNext({ kind: "api", code: 500, description: "Internal Server Error" });
    expect(await adapter.send("1001", { kind: "text", text: "x" }).catch((e: unknown) => e)).toMatchObject({ name: "ChannelHttpError", status: 500 });
    const down = createTelegramAdapter({
      botToken: TOKEN,
      webhookSecret: "s",
      apiRoot: fake.apiRoot,
      signingSecret: "x".repeat(32),
      buttons: memoryButtonStore(),
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    const net = await down.send("1001", { kind: "text", text: "x" }).catch((e: unknown) => e);
    expect(net).toBeInstanceOf(ChannelHttpError);
    expect((net as Error).message).not.toContain(TOKEN);
  });
});

describe("telegram button store over the shared token table", () => {
  it("puts, gets, replaces, and forgets expired entries", async () => {
    let now = NOW;
    const tokens = memoryTokenStore(() => now);
    const store = tokenBackedButtonStore(tokens);
    const until = new Date(NOW.getTime() + 24 * 3600_000);
    expect(await store.get("r1")).toBeNull();
    await store.put("r1", { cardId: "c", chatId: "1", keys: ["a", "b"] }, until);
    expect(await store.get("r1")).toEqual({ cardId: "c", chatId: "1", keys: ["a", "b"] });
    await store.put("r1", { cardId: "c", chatId: "1", keys: ["a", "b"] }, until);
    await store.put("r1", { cardId: "c", chatId: "1", keys: ["z"] }, until);
    expect(await store.get("r1")).toEqual({ cardId: "c", chatId: "1", keys: ["z"] });
    now = new Date(until.getTime());
    expect(await store.get("r1")).toBeNull();
  });
});
