// The web (simulator) channel: the shared contract, plus what only it does (live pushes, card updates).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChannelApiError, ChannelHttpError } from "../../src/channels/channel.ts";
import { createMemoryHub, createWebAdapter, type WebHub, type WebPushEvent } from "../../src/channels/web/web-adapter.ts";
import { PayloadTooLargeError, UnauthenticatedError, ValidationError } from "../../src/domain/errors.ts";
import { runChannelContract, type ChannelContractHarness, type DeliveredMessage } from "./channel-contract.ts";

const NOW = new Date("2026-03-02T02:00:00Z");
const SESSION = "test-session-cookie";
/** Stands in for the production admin gate: the "signature" of a web request is the session cookie. */
const authorize = (req: Request) => {
  if (!req.headers.get("cookie")?.includes(`ipstudio_sim=${SESSION}`)) throw new UnauthenticatedError("no session");
};
const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request("https://bot.test/webhooks/web", {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", cookie: `ipstudio_sim=${SESSION}`, ...headers },
  });
/** Like a page retrying a POST: the same content gives the same clientMsgId. */
const msgId = (...parts: string[]) => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 24);

/** A hub that records every push and can be told to fail, as a shared hub (Redis, DO) could. */
function recordingHub() {
  const inner = createMemoryHub();
  const pushed: Array<{ userId: string; event: WebPushEvent }> = [];
  let fail: "api" | "http" | null = null;
  const hub: WebHub = {
    ...inner,
    publish(userId, event) {
      const f = fail;
      fail = null;
      if (f === "api") throw new ChannelApiError("web", 1, "hub refused", false);
      if (f === "http") throw new Error("hub unreachable");
      pushed.push({ userId, event });
      return inner.publish(userId, event);
    },
  };
  return { hub, pushed, failNext: (k: "api" | "http") => (fail = k) };
}

function toView(e: WebPushEvent): DeliveredMessage {
  if (e.type === "card_update") return { kind: "card_update", cardId: e.cardId, replaceName: e.text };
  if (e.type !== "message") throw new Error("unexpected push");
  const m = e.message;
  if (m.kind === "card") return { kind: "card", card: { id: m.card.id, title: m.card.title, buttons: m.card.buttons.map((b) => ({ key: b.key, label: b.label })) } };
  if (m.kind === "image") return { kind: "image", bytes: new Uint8Array(Buffer.from(m.png, "base64")) };
  return m.kind === "markdown" ? { kind: "markdown", markdown: m.markdown } : { kind: "text", text: m.text };
}

function setup(): ChannelContractHarness {
  const rec = recordingHub();
  const adapter = createWebAdapter({ now: () => NOW, authorize, hub: rec.hub });
  return {
    adapter,
    textRequest: (userId, text) => post({ userId, text, clientMsgId: msgId(userId, "t", text) }),
    buttonRequest: (userId, key, cardId) => post({ userId, key, cardId, clientMsgId: msgId(userId, "b", key, cardId) }),
    delivered: () => rec.pushed.map((p) => ({ userId: p.userId, message: toView(p.event) })),
    failNextSend: (kind) => rec.failNext(kind),
  };
}

runChannelContract("web", setup);

describe("web channel specifics", () => {
  const adapter = () => createWebAdapter({ now: () => NOW });

  it("pushes messages to every live subscriber of that user only, and stops after unsubscribe", async () => {
    const a = adapter();
    const tab1: WebPushEvent[] = [];
    const tab2: WebPushEvent[] = [];
    const other: WebPushEvent[] = [];
    const off1 = a.subscribe("demo-city-ip", (e) => tab1.push(e));
    a.subscribe("demo-city-ip", (e) => tab2.push(e));
    a.subscribe("demo-admin", (e) => other.push(e));
    const r = await a.send("demo-city-ip", { kind: "text", text: "您好" });
    expect(r.externalId).toMatch(/^web-/);
    expect(tab1).toEqual([{ type: "message", id: r.externalId, at: NOW.toISOString(), message: { kind: "text", text: "您好" } }]);
    expect(tab2).toHaveLength(1);
    expect(other).toHaveLength(0);
    off1();
    await a.send("demo-city-ip", { kind: "text", text: "第二条" });
    expect(tab1).toHaveLength(1);
    expect(tab2).toHaveLength(2);
  });

  it("sends with nobody listening (the page reads history later) and survives a broken listener", async () => {
    const a = adapter();
    await expect(a.send("nobody", { kind: "text", text: "x" })).resolves.toHaveProperty("externalId");
    const got: WebPushEvent[] = [];
    a.subscribe("u1", () => {
      throw new Error("stream closed");
    });
    a.subscribe("u1", (e) => got.push(e));
    await a.send("u1", { kind: "text", text: "y" });
    expect(got).toHaveLength(1);
  });

  it("a card_update becomes an update event carrying the final text", async () => {
    const a = adapter();
    const got: WebPushEvent[] = [];
    a.subscribe("u2", (e) => got.push(e));
    await a.send("u2", { kind: "card", card: { id: "card-1", title: "审批", buttons: [{ key: "approve", label: "同意" }] } });
    await a.send("u2", { kind: "card_update", cardId: "card-1", replaceName: "已同意", handle: "web:x" });
    expect(got.map((e) => e.type)).toEqual(["message", "card_update"]);
    expect(got[1]).toMatchObject({ type: "card_update", cardId: "card-1", text: "已同意" });
  });

  it("turns the three request shapes into events; a tap carries a handle so the bot can update the card", async () => {
    const a = adapter();
    const text = (await a.handleRequest(post({ userId: "u3", text: "菜单", clientMsgId: "abcdefgh1" }))).events[0]!;
    expect(text).toMatchObject({ kind: "text", text: "菜单", dedupeKey: "u3:abcdefgh1", sender: { channel: "web", userId: "u3" } });
    const tap = (await a.handleRequest(post({ userId: "u3", key: "menu:status", cardId: "menu-1", clientMsgId: "abcdefgh2" }))).events[0]!;
    expect(tap).toMatchObject({ kind: "button", key: "menu:status", cardId: "menu-1", handle: "web:abcdefgh2" });
    const r = await a.handleRequest(post({ userId: "u3", enter: true, clientMsgId: "abcdefgh3" }));
    expect(r.events[0]).toMatchObject({ kind: "enter" });
    expect(r.response.status).toBe(200);
    expect(await r.response.json()).toEqual({ ok: true });
  });

  it("refuses bad shapes, bad JSON, non-JSON content types, GET and oversize bodies", async () => {
    const a = createWebAdapter({ now: () => NOW, maxBodyBytes: 1024 });
    const bad: [string, Request][] = [
      ["no clientMsgId", post({ userId: "u", text: "x" })],
      ["bad user id", post({ userId: "a:b", text: "x", clientMsgId: "abcdefgh" })],
      ["two shapes", post({ userId: "u", text: "x", enter: true, clientMsgId: "abcdefgh" })],
      ["extra field", post({ userId: "u", text: "x", clientMsgId: "abcdefgh", admin: true })],
      ["empty text", post({ userId: "u", text: "", clientMsgId: "abcdefgh" })],
      ["not JSON", post("{nope")],
      ["form post", post("userId=u&text=x", { "content-type": "application/x-www-form-urlencoded" })],
      ["GET", new Request("https://bot.test/webhooks/web")],
    ];
    for (const [label, req] of bad) {
      await expect(a.handleRequest(req), label).rejects.toBeInstanceOf(ValidationError);
    }
    const big = post({ userId: "u", text: "长".repeat(2000), clientMsgId: "abcdefgh" });
    await expect(a.handleRequest(big)).rejects.toBeInstanceOf(PayloadTooLargeError);
    // A lying Content-Length does not help.
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(JSON.stringify({ userId: "u", text: "x".repeat(5000), clientMsgId: "abcdefgh" })));
        c.close();
      },
    });
    const sneaky = new Request("https://bot.test/webhooks/web", { method: "POST", body, headers: { "content-type": "application/json", "content-length": "10" }, duplex: "half" } as RequestInit);
    await expect(a.handleRequest(sneaky)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("a hub failure that is not a channel error surfaces as a retryable ChannelHttpError", async () => {
    const rec = recordingHub();
    const a = createWebAdapter({ hub: rec.hub });
    rec.failNext("http");
    await expect(a.send("u", { kind: "text", text: "x" })).rejects.toBeInstanceOf(ChannelHttpError);
  });
});
