// Adding a fourth channel touches its own folder and one registry line only (CONTRIBUTING.md): the
// toy channel (test/channels/toy/) passes the contract suite, and given to the app as the registry
// would list it, its variables turn it on, its webhook answers, and the bot talks through it.
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { CHANNEL_MODULES } from "../../src/channels/registry.ts";
import { memoryTokenStore } from "../../src/channels/token-store.ts";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock } from "../support/wecom-harness.ts";
import { runChannelContract, type DeliveredMessage } from "./channel-contract.ts";
import { toyChannel, toySignature } from "./toy/toy-channel.ts";

const SECRET = "toy-secret-0123456789";
const BASE = "http://127.0.0.1:9";

/** The toy platform's API: records what was sent, can fail the next call. */
function fakeToy() {
  const sent: { to: string; text: string }[] = [];
  let fail: "api" | "http" | null = null;
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    expect(String(url)).toBe(`${BASE}/send`);
    const f = fail;
    fail = null;
    if (f === "http") return new Response("down", { status: 502 });
    if (f === "api") return new Response("no", { status: 400 });
    sent.push(JSON.parse(String(init?.body)) as { to: string; text: string });
    return new Response(null, { status: 204 });
  };
  return { sent, fetch: fetch as typeof globalThis.fetch, failNext: (k: "api" | "http") => (fail = k) };
}

let seq = 0;
async function toyRequest(from: string, text: string, id = `${from}:${text}`): Promise<Request> {
  const body = JSON.stringify({ id: id.slice(0, 64), from, text });
  return new Request("https://bot.test/webhooks/toy", { method: "POST", body, headers: { "content-type": "application/json", "x-toy-signature": await toySignature(SECRET, body) } });
}

runChannelContract("toy (a fourth channel from CONTRIBUTING.md)", () => {
  const fake = fakeToy();
  const adapter = toyChannel.create({ secret: SECRET, apiBase: BASE }, { now: () => new Date(), maxAgeSeconds: 300, tokens: memoryTokenStore(), signingSecret: "s".repeat(32), fetch: fake.fetch });
  return {
    adapter,
    textRequest: (u, t) => toyRequest(u, t),
    // A platform without buttons: a tap arrives as the option's number typed.
    buttonRequest: (u, key, cardId) => toyRequest(u, `${key}@${cardId}`, `b${++seq}`),
    delivered: () => fake.sent.map((s): { userId: string; message: DeliveredMessage } => ({ userId: s.to, message: { kind: "text", text: s.text } })),
    failNextSend: fake.failNext,
  };
}, { buttons: false });

describe("a fourth channel, registered by one line", () => {
  const open: TestDatabase[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.drop();
  });
  const modules = [...CHANNEL_MODULES, toyChannel];

  it("its variables turn it on; a partial set is a configuration error naming the variable", () => {
    expect(loadConfig({ TOY_SECRET: SECRET, TOY_API_BASE: BASE }, modules).channels["toy"]).toEqual({ secret: SECRET, apiBase: BASE });
    expect(loadConfig({}, modules).channels).toEqual({});
    expect(() => loadConfig({ TOY_API_BASE: BASE, TOY_SECRET: "short" }, modules)).toThrow(ConfigError);
    expect(() => loadConfig({ TOY_SECRET: SECRET, TOY_API_BASE: "http://example.com" }, modules)).toThrow(/TOY_API_BASE: must use https/);
  });

  it("its webhook route takes signed messages, refuses forged ones with 401, and the bot answers through it", async () => {
    const t = await createTestDatabase();
    open.push(t);
    await seedDatabase(t.db.prisma, { production: false });
    const fake = fakeToy();
    const config = loadConfig({ TOY_SECRET: SECRET, TOY_API_BASE: BASE }, modules);
    const rt = createRuntime({ config, db: t.db, logger: memoryLogger("info").logger, clock: testClock(), fetch: fake.fetch, channels: modules });
    const forged = new Request("https://bot.test/webhooks/toy", { method: "POST", body: JSON.stringify({ id: "1", from: "x", text: "菜单" }), headers: { "x-toy-signature": "00" } });
    expect((await rt.app.request(forged)).status).toBe(401);
    const res = await rt.app.request(await toyRequest("alice", "菜单", "m1"));
    expect(res.status).toBe(204);
    await rt.services.settle();
    await rt.services.dispatcher.drain();
    // The menu, as numbered text on a channel without buttons.
    expect(fake.sent.map((s) => s.to)).toEqual(["alice"]);
    expect(fake.sent[0]!.text).toContain("申请工作室");
  });
});
