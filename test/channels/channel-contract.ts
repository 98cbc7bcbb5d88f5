// Reusable contract every ChannelAdapter must pass (WeCom now; DingTalk, Telegram, web later).
// The harness hides how a platform signs requests and how its fake records deliveries.
import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import type { ChannelAdapter } from "../../src/channels/channel.ts";
import { ChannelApiError, ChannelHttpError } from "../../src/channels/channel.ts";
import { imageAsText, imageMessage, type Card, type InboundEvent } from "../../src/domain/chat.ts";
import { DomainError, ValidationError } from "../../src/domain/errors.ts";

/** A platform-neutral view of what reached the (fake) platform. */
export type DeliveredMessage =
  | { kind: "text"; text: string }
  | { kind: "markdown"; markdown: string }
  | { kind: "card"; card: { id: string; title: string; buttons: Array<{ key: string; label: string }> } }
  | { kind: "card_update"; cardId?: string; replaceName: string }
  /** The picture's bytes as the platform received them. */
  | { kind: "image"; bytes: Uint8Array };

export interface ChannelContractHarness {
  adapter: ChannelAdapter;
  /** A signed callback carrying one text message. Same arguments → same platform message id. */
  textRequest(userId: string, text: string): Request | Promise<Request>;
  /** A signed callback for a click on button `key` of card `cardId`. */
  buttonRequest(userId: string, key: string, cardId: string): Request | Promise<Request>;
  delivered(): Array<{ userId: string; message: DeliveredMessage }>;
  /** Make the platform refuse ("api": error code) or fail ("http": 5xx) the next send. */
  failNextSend(kind: "api" | "http"): void;
}

let cardSeq = 0;
/** Card ids are unique per app on some platforms (WeCom task_id), so never reuse one. */
function cardWith(buttons: number): Card {
  const id = `contract_${Date.now().toString(36)}_${++cardSeq}`;
  return {
    id,
    title: "专利申请待审核",
    description: "中山市某企业 · 实用新型",
    facts: [{ label: "申请人", value: "张三" }],
    buttons: Array.from({ length: buttons }, (_, i) => ({ key: `k${i}:${id}`, label: `选项${i + 1}` })),
  };
}

/** A small real PNG (a bar in two colours), different for each `seed`. */
export function testPng(seed = 1): Uint8Array {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect width="64" height="32" fill="#fff"/><rect x="4" y="4" width="${(seed * 7) % 56 + 4}" height="24" fill="#2f6fdf"/></svg>`;
  return new Uint8Array(new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng());
}

async function eventsOf(adapter: ChannelAdapter, req: Request): Promise<InboundEvent[]> {
  const r = await adapter.handleRequest(req);
  expect(r.response.status).toBeGreaterThanOrEqual(200);
  expect(r.response.status).toBeLessThan(300);
  return r.events;
}

/** `buttons: false`: a platform without buttons (cards arrive as numbered text, taps are typed numbers). */
export function runChannelContract(label: string, setup: () => ChannelContractHarness | Promise<ChannelContractHarness>, opts: { buttons?: boolean } = {}): void {
  const buttons = opts.buttons ?? true;
  describe(`channel contract: ${label}`, () => {
    it("a text request yields exactly one text event with the right sender", async () => {
      const h = await setup();
      const events = await eventsOf(h.adapter, await h.textRequest("user_a", "你好 hello"));
      expect(events).toHaveLength(1);
      const ev = events[0]!;
      expect(ev.kind).toBe("text");
      if (ev.kind === "text") expect(ev.text).toBe("你好 hello");
      expect(ev.sender).toEqual({ channel: h.adapter.name, userId: "user_a" });
      expect(ev.dedupeKey.length).toBeGreaterThan(0);
      expect(ev.receivedAt).toBeInstanceOf(Date);
    });

    it("the same message built twice has the same dedupeKey; another has a different one", async () => {
      const h = await setup();
      const [a] = await eventsOf(h.adapter, await h.textRequest("user_a", "重复"));
      const [b] = await eventsOf(h.adapter, await h.textRequest("user_a", "重复"));
      const [c] = await eventsOf(h.adapter, await h.textRequest("user_a", "不同"));
      expect(a!.dedupeKey).toBe(b!.dedupeKey);
      expect(c!.dedupeKey).not.toBe(a!.dedupeKey);
    });

    it.runIf(buttons)("a button request yields a button event with key and cardId", async () => {
      const h = await setup();
      const events = await eventsOf(h.adapter, await h.buttonRequest("user_b", "approve:42", "card_42"));
      expect(events).toHaveLength(1);
      const ev = events[0]!;
      expect(ev.kind).toBe("button");
      if (ev.kind === "button") {
        expect(ev.key).toBe("approve:42");
        expect(ev.cardId).toBe("card_42");
      }
      expect(ev.sender).toEqual({ channel: h.adapter.name, userId: "user_b" });
    });

    it("text, markdown and a 6-button card reach the platform", async () => {
      const h = await setup();
      const card = cardWith(6);
      await h.adapter.send("user_c", { kind: "text", text: "纯文本" });
      await h.adapter.send("user_c", { kind: "markdown", markdown: "**加粗**", fallbackText: "加粗" });
      await h.adapter.send("user_c", { kind: "card", card });
      const got = h.delivered().filter((d) => d.userId === "user_c");
      expect(got[0]!.message).toMatchObject({ text: "纯文本" });
      if (!buttons) {
        // Without buttons or markdown: the fallback text, and the card as its title and numbered options.
        expect(got.map((d) => d.message.kind)).toEqual(["text", "text", "text"]);
        expect(got[1]!.message).toMatchObject({ text: "加粗" });
        const text = (got[2]!.message as { text: string }).text;
        expect(text).toContain(card.title);
        card.buttons.forEach((b, i) => expect(text).toContain(`${i + 1}. ${b.label}`));
        return;
      }
      expect(got.map((d) => d.message.kind)).toEqual(["text", "markdown", "card"]);
      expect(got[1]!.message).toMatchObject({ markdown: "**加粗**" });
      const sentCard = got[2]!.message;
      if (sentCard.kind !== "card") throw new Error("expected a card");
      expect(sentCard.card.id).toBe(card.id);
      expect(sentCard.card.buttons.map((b) => b.key)).toEqual(card.buttons.map((b) => b.key));
    });

    // A channel without images is handed the alt text by the outbox dispatcher (test/jobs/outbox-images.test.ts).
    it("[8.2] an image reaches the platform as that very picture, or as its alt text where the channel has no images", async () => {
      const h = await setup();
      const png = testPng(3);
      const message = imageMessage(png, "服务评价图表：2026-11 整体满意度 4.2");
      await h.adapter.send("user_i", h.adapter.capabilities.images ? message : imageAsText(message), { idempotencyKey: "contract-image-1" });
      const got = h.delivered().filter((d) => d.userId === "user_i");
      expect(got).toHaveLength(1);
      const m = got[0]!.message;
      if (h.adapter.capabilities.images) {
        if (m.kind !== "image") throw new Error(`expected an image, got ${m.kind}`);
        expect(Buffer.from(m.bytes).equals(Buffer.from(png))).toBe(true);
      } else {
        expect(m).toEqual({ kind: "text", text: "服务评价图表：2026-11 整体满意度 4.2" });
      }
    });

    it("[8.2] an image that is not a PNG, or not base64, is refused before reaching the platform", async () => {
      const h = await setup();
      const before = h.delivered().length;
      const gif = btoa("GIF89a" + "\u0000".repeat(40));
      await expect(h.adapter.send("user_j", { kind: "image", png: gif, alt: "图" })).rejects.toBeInstanceOf(ValidationError);
      await expect(h.adapter.send("user_j", { kind: "image", png: "%%% not base64 %%%", alt: "图" })).rejects.toBeInstanceOf(ValidationError);
      expect(h.delivered().length).toBe(before);
    });

    it("a 7-button card is refused before reaching the platform", async () => {
      const h = await setup();
      const before = h.delivered().length;
      await expect(h.adapter.send("user_d", { kind: "card", card: cardWith(7) })).rejects.toBeInstanceOf(ValidationError);
      expect(h.delivered().length).toBe(before);
    });

    it("platform failures surface as typed channel errors", async () => {
      const h = await setup();
      h.failNextSend("api");
      const apiErr = await h.adapter.send("user_e", { kind: "text", text: "x" }).catch((e: unknown) => e);
      expect(apiErr).toBeInstanceOf(ChannelApiError);
      expect((apiErr as ChannelApiError).channel).toBe(h.adapter.name);
      h.failNextSend("http");
      const httpErr = await h.adapter.send("user_e", { kind: "text", text: "y" }).catch((e: unknown) => e);
      expect(httpErr).toBeInstanceOf(ChannelHttpError);
      expect((httpErr as ChannelHttpError).channel).toBe(h.adapter.name);
    });

    it("unsigned or garbage requests are refused with a DomainError", async () => {
      const h = await setup();
      const good = await h.textRequest("user_f", "hi");
      // Same body, but without the query string and headers that carry the signature.
      const url = new URL(good.url);
      const unsigned = new Request(`${url.origin}${url.pathname}`, { method: good.method, body: await good.text() });
      await expect(h.adapter.handleRequest(unsigned)).rejects.toBeInstanceOf(DomainError);
      const garbage = new Request(`${url.origin}${url.pathname}?x=1`, { method: "POST", body: "\u0000garbage<<>>" });
      await expect(h.adapter.handleRequest(garbage)).rejects.toBeInstanceOf(DomainError);
    });
  });
}
