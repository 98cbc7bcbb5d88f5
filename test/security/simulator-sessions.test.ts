// Defect 7 b: the simulator's admin sign-in makes random, server-side, revocable sessions that
// expire, and sign-in failures are rate-limited per client address and in total.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config/config.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock } from "../support/wecom-harness.ts";

const ADMIN_TOKEN = "admin-token-0123456789abcdef";
const open: TestDatabase[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.drop();
});

async function prod() {
  const t = await createTestDatabase();
  open.push(t);
  await seedDatabase(t.db.prisma, { production: true });
  const clock = testClock(new Date("2026-03-02T02:00:00Z"));
  const { app } = createRuntime({ config: loadConfig({ NODE_ENV: "production", SIMULATOR_ENABLED: "true", ADMIN_TOKEN }), db: t.db, logger: memoryLogger().logger, clock });
  /** Sign-in from a client address (as @hono/node-server passes the socket in env). */
  const signIn = (token: string, peer = "203.0.113.7", headers: Record<string, string> = {}) =>
    app.request("/simulator/login", { method: "POST", headers, body: new URLSearchParams({ token }) }, { incoming: { socket: { remoteAddress: peer } } });
  const cookieOf = (res: Response) => ({ cookie: res.headers.get("set-cookie")!.split(";")[0]! });
  const page = (headers: Record<string, string>) => app.request("/simulator/api/personas", { headers });
  return { t, app, clock, signIn, cookieOf, page, prisma: t.db.prisma };
}

describe("simulator admin sessions", () => {
  it("are random per sign-in, stored only as a digest, expire after 12 h, and sign-out revokes them", async () => {
    const s = await prod();
    const a = s.cookieOf(await s.signIn(ADMIN_TOKEN));
    const b = s.cookieOf(await s.signIn(ADMIN_TOKEN));
    expect(a.cookie).not.toBe(b.cookie);
    const tokenA = a.cookie.split("=")[1]!;
    const rows = await s.prisma.adminSession.findMany();
    expect(rows.map((r) => r.id).sort()).toEqual([tokenA, b.cookie.split("=")[1]!].map((t) => createHash("sha256").update(t).digest("hex")).sort());
    expect(JSON.stringify(rows)).not.toContain(tokenA);
    expect((await s.page(a)).status).toBe(200);
    expect((await s.page(b)).status).toBe(200);

    expect(await (await s.app.request("/simulator", { headers: a })).text()).toContain('action="/simulator/logout"');
    // Sign-out revokes A server-side; B is untouched.
    const out = await s.app.request("/simulator/logout", { method: "POST", headers: a });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await s.page(a)).status).toBe(403);
    expect((await s.page(b)).status).toBe(200);
    expect((await s.prisma.adminSession.findMany({ where: { revokedAt: { not: null } } })).length).toBe(1);

    // Expiry: fine just before 12 h, refused after.
    s.clock.advance(12 * 3600_000 - 60_000);
    expect((await s.page(b)).status).toBe(200);
    s.clock.advance(120_000);
    expect((await s.page(b)).status).toBe(403);
    // The old fixed cookie (an HMAC of the token) is no longer a session.
    expect((await s.page({ cookie: "ipstudio_sim=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })).status).toBe(403);
  });

  it("limits failed sign-ins: 5 a minute per client address (429 + Retry-After, even with the right token), then a global cap", async () => {
    const s = await prod();
    for (let i = 0; i < 5; i++) expect((await s.signIn("wrong-wrong-wrong-wrong")).status).toBe(403);
    const limited = await s.signIn(ADMIN_TOKEN);
    expect(limited.status).toBe(429);
    const wait = Number(limited.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await s.prisma.adminSession.count()).toBe(0);
    // Another address is not affected.
    expect((await s.signIn(ADMIN_TOKEN, "203.0.113.8")).status).toBe(303);
    // After the window the first address may try again.
    s.clock.advance(wait * 1000);
    expect((await s.signIn(ADMIN_TOKEN)).status).toBe(303);

    // Many addresses (or a forged X-Forwarded-For without a local proxy) hit the global cap.
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const r = await s.signIn("wrong-wrong-wrong-wrong", `198.51.100.${i}`, { "x-forwarded-for": `192.0.2.${i}` });
      if (r.status === 429) refused++;
    }
    expect(refused).toBe(10);
    expect((await s.signIn(ADMIN_TOKEN, "198.51.100.200")).status).toBe(429);
  });

  it("behind a local reverse proxy, counts the address the proxy forwarded", async () => {
    const s = await prod();
    for (let i = 0; i < 5; i++) expect((await s.signIn("wrong-wrong-wrong-wrong", "127.0.0.1", { "x-forwarded-for": "1.2.3.4, 203.0.113.9" })).status).toBe(403);
    expect((await s.signIn(ADMIN_TOKEN, "127.0.0.1", { "x-forwarded-for": "203.0.113.9" })).status).toBe(429);
    expect((await s.signIn(ADMIN_TOKEN, "127.0.0.1", { "x-forwarded-for": "203.0.113.10" })).status).toBe(303);
  });

  it("on Workers, counts the address the runtime names (CF-Connecting-IP), not one shared bucket", async () => {
    const s = await prod();
    // As the Workers host calls the app: env.peer, no socket.
    const signIn = (token: string, peer: string) => s.app.request("/simulator/login", { method: "POST", body: new URLSearchParams({ token }) }, { peer });
    for (let i = 0; i < 5; i++) expect((await signIn("wrong-wrong-wrong-wrong", "198.51.100.20")).status).toBe(403);
    expect((await signIn(ADMIN_TOKEN, "198.51.100.20")).status).toBe(429);
    expect((await signIn(ADMIN_TOKEN, "198.51.100.21")).status).toBe(303);
  });
});
