// The simulator through the real app: personas, the web channel round trip, history, SSE, gating, reset.
import { afterEach, describe, expect, it } from "vitest";
import { isWebAdapter, type WebPushEvent } from "../../src/channels/web/web-adapter.ts";
import { createRuntime } from "../../src/app/create-app.ts";
import type { HistoryItem, Persona } from "../../src/app/routes/simulator.ts";
import { loadConfig } from "../../src/config/config.ts";
import { ROLES } from "../../src/domain/roles.ts";
import { DEMO_PEOPLE } from "../../src/storage/demo-directory.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock } from "../support/wecom-harness.ts";

const ADMIN_TOKEN = "admin-token-0123456789abcdef";
const open: TestDatabase[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.drop();
});

async function sim(env: Record<string, string> = {}) {
  const t = await createTestDatabase();
  open.push(t);
  const config = loadConfig(env);
  await seedDatabase(t.db.prisma, { production: config.env === "production" });
  const clock = testClock();
  const runtime = createRuntime({ config, db: t.db, logger: memoryLogger("info").logger, clock });
  const { app, services } = runtime;
  let seq = 0;
  const settle = async () => {
    await services.settle();
    await services.dispatcher.drain();
  };
  /** POST to /webhooks/web like the page does, then wait until the reply is sent. */
  const say = async (userId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    clock.advance(1000); // one message a second, as people type
    const res = await app.request("/webhooks/web", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ userId, clientMsgId: `cmsg${String(++seq).padStart(6, "0")}`, ...body }),
    });
    await settle();
    return res;
  };
  const history = async (userId: string) => ((await (await app.request(`/simulator/api/history?userId=${userId}`)).json()) as { items: HistoryItem[] }).items;
  return { t, app, services, say, settle, history, prisma: t.db.prisma };
}

/** Reads SSE events from a streaming response until `until` says stop. */
async function readSse(res: Response, until: (events: Array<{ event: string; data: unknown }>) => boolean) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: unknown }> = [];
  let buf = "";
  return {
    events,
    async next() {
      while (!until(events)) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const lines = block.split("\n").filter((l) => !l.startsWith(":"));
          const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (!data) continue;
          const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message";
          events.push({ event, data: JSON.parse(data) });
        }
      }
      return events;
    },
    close: () => reader.cancel(),
  };
}

describe("simulator (development)", () => {
  it("lists every demo persona with role labels and town/enterprise names, and serves the page", async () => {
    const s = await sim();
    const res = await s.app.request("/simulator/api/personas");
    expect(res.status).toBe(200);
    const { personas, canReset } = (await res.json()) as { personas: Persona[]; canReset: boolean };
    expect(canReset).toBe(true);
    expect(personas.map((p) => p.userId).sort()).toEqual(DEMO_PEOPLE.map((p) => p.id).sort());
    expect(new Set(personas.flatMap((p) => p.roles.map((r) => r.role)))).toEqual(new Set(ROLES));
    const town = personas.find((p) => p.userId === "demo-town-xiaolan")!;
    expect(town.roles[0]).toMatchObject({ role: "TOWN_OFFICER", label: "镇街市场监督管理分局", town: "小榄" });
    expect(personas.find((p) => p.userId === "demo-manager-mingzhu")!.roles[0]!.enterprise).toBe("中山市明珠智能装备有限公司");
    expect(personas[0]!.roles[0]!.role).toBe("ENTERPRISE_MANAGER"); // grouped in the standard's role order

    const page = await s.app.request("/simulator");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const csp = page.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const html = await page.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain("重置演示数据");
    expect(html).not.toContain("__NONCE__");
  });

  it("a text from a persona gets the menu card, in the history and live on the stream", async () => {
    const s = await sim();
    const stream = await s.app.request("/simulator/api/stream?userId=demo-manager-mingzhu");
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const sse = await readSse(stream, (ev) => ev.some((e) => (e.data as WebPushEvent).type === "message") || ev.length > 5);
    const res = await s.say("demo-manager-mingzhu", { text: "菜单" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const events = await sse.next();
    await sse.close();
    expect(events[0]!.event).toBe("ready"); // subscribed before anything was sent
    const pushed = events.find((e) => (e.data as WebPushEvent).type === "message")!.data as Extract<WebPushEvent, { type: "message" }>;
    expect(pushed.message.kind).toBe("card");
    if (pushed.message.kind === "card") {
      expect(pushed.message.card.description).toContain("陈晓明");
      expect(pushed.message.card.buttons.map((b) => b.label)).toEqual(["申请工作室", "我的申请"]);
    }
    const items = await s.history("demo-manager-mingzhu");
    expect(items.map((i) => i.from)).toEqual(["user", "bot"]);
    expect(items[0]).toMatchObject({ from: "user", text: "菜单", id: "cmsg000001" });
    expect(items[1]).toMatchObject({ from: "bot", id: pushed.id, message: { kind: "card" } });
    // Another persona's history is not mixed in.
    expect(await s.history("demo-city-ip")).toEqual([]);
  });

  it("a tap updates the card in place: the history shows the final text and the tap's label", async () => {
    const s = await sim();
    await s.say("demo-city-ip", { enter: true });
    const [menu] = await s.history("demo-city-ip");
    if (menu?.from !== "bot" || menu.message.kind !== "card") throw new Error("expected the menu card");
    expect(menu.message.card.buttons.map((b) => b.label)).toContain("待我审批"); // officers get one more entry
    const stream = await readSse(await s.app.request("/simulator/api/stream?userId=demo-city-ip"), (ev) => ev.some((e) => (e.data as WebPushEvent).type === "card_update"));
    await s.say("demo-city-ip", { key: "menu:status", cardId: menu.message.card.id });
    const events = await stream.next();
    await stream.close();
    expect(events.find((e) => (e.data as WebPushEvent).type === "card_update")!.data).toMatchObject({ cardId: menu.message.card.id, text: "已选择" });
    const items = await s.history("demo-city-ip");
    expect(items[0]).toMatchObject({ from: "bot", finalText: "已选择" });
    expect(items).toContainEqual(expect.objectContaining({ from: "user", tap: "我的申请" }));
    expect(items.filter((i) => i.from === "bot").length).toBeGreaterThanOrEqual(2); // the tap was answered
  });

  it("close() ends every live stream, so a graceful shutdown is not held open by idle tabs", async () => {
    const s = await sim();
    const res = await s.app.request("/simulator/api/stream?userId=demo-admin");
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("event: ready");
    const web = s.services.adapters.web;
    if (!isWebAdapter(web)) throw new Error("expected the web adapter");
    await web.close();
    expect((await reader.read()).done).toBe(true);
    // Nobody is subscribed any more: a send still succeeds (the page reads history on reconnect).
    await expect(web.send("demo-admin", { kind: "text", text: "x" })).resolves.toHaveProperty("externalId");
  });

  it("a redelivered clientMsgId does nothing twice", async () => {
    const s = await sim();
    const body = JSON.stringify({ userId: "demo-admin", text: "菜单", clientMsgId: "retry-0000001" });
    for (let i = 0; i < 3; i++) {
      const res = await s.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body });
      expect(res.status).toBe(200);
    }
    await s.settle();
    expect(await s.prisma.inboundEvent.count()).toBe(1);
    expect(await s.prisma.outboxMessage.count({ where: { externalUserId: "demo-admin" } })).toBe(1);
    expect((await s.history("demo-admin")).filter((i) => i.from === "bot")).toHaveLength(1);
  });

  it("a new guest id becomes a person on first contact and then shows up among the personas", async () => {
    const s = await sim();
    await s.say("web-guest-ab12cd34", { text: "你好" });
    const { personas } = (await (await s.app.request("/simulator/api/personas")).json()) as { personas: Persona[] };
    expect(personas.find((p) => p.userId === "web-guest-ab12cd34")).toMatchObject({ roles: [] });
    expect(personas.at(-1)!.userId).toBe("web-guest-ab12cd34"); // guests after every role
  });

  it("refuses malformed user ids and bodies with 4xx", async () => {
    const s = await sim();
    expect((await s.app.request("/simulator/api/history?userId=a%3Ab")).status).toBe(400);
    expect((await s.app.request("/simulator/api/stream")).status).toBe(400);
    expect((await s.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: "{" })).status).toBe(400);
    const big = JSON.stringify({ userId: "u", text: "x".repeat(20_000), clientMsgId: "abcdefgh" });
    expect((await s.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: big })).status).toBe(413);
    expect((await s.app.request("/simulator/api/reset", { method: "POST", body: "x" })).status).toBe(400); // not JSON: no CSRF reset
  });

  it("reset empties conversations and restores the demo directory", async () => {
    const s = await sim();
    await s.say("demo-manager-mingzhu", { text: "菜单" });
    await s.say("web-guest-zz99", { text: "你好" });
    await s.prisma.person.update({ where: { id: "demo-city-ip" }, data: { name: "改过的名字" } });
    await s.prisma.roleGrant.deleteMany({ where: { personId: "demo-city-leader" } });
    const stream = await readSse(await s.app.request("/simulator/api/stream?userId=demo-manager-mingzhu"), (ev) => ev.some((e) => (e.data as WebPushEvent).type === "reset"));
    const res = await s.app.request("/simulator/api/reset", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(200);
    await stream.next(); // open pages are told to start over
    await stream.close();
    const people = await s.prisma.person.findMany({ include: { roles: true, identities: true }, orderBy: { id: "asc" } });
    expect(people.map((p) => p.id)).toEqual(DEMO_PEOPLE.map((p) => p.id).sort());
    expect(people.find((p) => p.id === "demo-city-ip")!.name).toBe("张磊");
    expect(people.find((p) => p.id === "demo-city-leader")!.roles.map((r) => r.role)).toEqual(["CITY_LEADER"]);
    expect(people.every((p) => p.identities.length === 1 && p.identities[0]!.channel === "web")).toBe(true);
    expect(await s.prisma.outboxMessage.count()).toBe(0);
    expect(await s.prisma.inboundEvent.count()).toBe(0);
    expect(await s.prisma.town.count()).toBeGreaterThan(20);
    expect(await s.prisma.auditLog.count({ where: { action: "simulator.reset" } })).toBe(1);
    expect(await s.history("demo-manager-mingzhu")).toEqual([]);
    // The bot works right away afterwards.
    await s.say("demo-manager-mingzhu", { text: "菜单" });
    expect(await s.history("demo-manager-mingzhu")).toHaveLength(2);
  });
});

describe("simulator gating", () => {
  const prodEnv = { NODE_ENV: "production", SIMULATOR_ENABLED: "true", ADMIN_TOKEN };

  it("in production: 401 without the admin cookie, 403 with a wrong one, open after sign-in; no reset", async () => {
    const s = await sim(prodEnv);
    const page = await s.app.request("/simulator");
    expect(page.status).toBe(401);
    expect(await page.text()).toContain("管理员登录");
    expect((await s.app.request("/simulator/api/personas")).status).toBe(401);
    expect((await s.app.request("/simulator/api/stream?userId=demo-admin")).status).toBe(401);
    expect((await s.say("demo-admin", { text: "菜单" })).status).toBe(401);

    const wrong = { cookie: "ipstudio_sim=not-the-session" };
    expect((await s.app.request("/simulator", { headers: wrong })).status).toBe(403);
    expect((await s.app.request("/simulator/api/history?userId=demo-admin", { headers: wrong })).status).toBe(403);
    expect((await s.say("demo-admin", { text: "菜单" }, wrong)).status).toBe(403);
    expect((await s.app.request("/simulator/login", { method: "POST", body: new URLSearchParams({ token: "guess-guess-guess-guess" }) })).status).toBe(403);

    const login = await s.app.request("/simulator/login", { method: "POST", body: new URLSearchParams({ token: ADMIN_TOKEN }) });
    expect(login.status).toBe(303);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    const cookie = { cookie: setCookie.split(";")[0]! };
    expect((await s.app.request("/simulator", { headers: cookie })).status).toBe(200);
    const personas = (await (await s.app.request("/simulator/api/personas", { headers: cookie })).json()) as { canReset: boolean };
    expect(personas.canReset).toBe(false);
    expect((await s.say("admin-web", { text: "菜单" }, cookie)).status).toBe(200);
    expect(await s.prisma.outboxMessage.count({ where: { channel: "web" } })).toBe(1);
    const reset = await s.app.request("/simulator/api/reset", { method: "POST", headers: { ...cookie, "content-type": "application/json" }, body: "{}" });
    expect(reset.status).toBe(404);
  });

  it("is 404 everywhere when disabled (production default, or SIMULATOR_ENABLED=false)", async () => {
    const envs: Record<string, string>[] = [{ NODE_ENV: "production" }, { SIMULATOR_ENABLED: "false" }];
    for (const env of envs) {
      const s = await sim(env);
      for (const path of ["/simulator", "/simulator/api/personas", "/simulator/api/history?userId=demo-admin", "/simulator/api/stream?userId=demo-admin"]) {
        expect((await s.app.request(path)).status, `${JSON.stringify(env)} ${path}`).toBe(404);
      }
      expect((await s.app.request("/simulator/api/reset", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(404);
      expect((await s.say("demo-admin", { text: "菜单" })).status).toBe(404);
      expect(s.services.adapters.web).toBeUndefined();
    }
  });
});

describe("simulator sign-in body cap", () => {
  it("refuses an oversize sign-in form with 413", async () => {
    const { createRuntime } = await import("../../src/app/create-app.ts");
    const { loadConfig } = await import("../../src/config/config.ts");
    const { createTestDatabase } = await import("../support/test-db.ts");
    const { memoryLogger } = await import("../support/silent-logger.ts");
    const t = await createTestDatabase();
    try {
      const config = loadConfig({ NODE_ENV: "production", SIMULATOR_ENABLED: "true", ADMIN_TOKEN: "admin-token-0123456789" });
      const { app } = createRuntime({ config, db: t.db, logger: memoryLogger().logger, clock: { now: () => new Date() } });
      const res = await app.request("/simulator/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `token=${"x".repeat(10_000)}` });
      expect(res.status).toBe(413);
    } finally {
      await t.drop();
    }
  });
});
