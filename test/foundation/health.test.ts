import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { systemClock } from "../../src/app/deps.ts";
import { loadConfig } from "../../src/config/config.ts";
import { startNode } from "../../src/entry/start-node.ts";
import { openDatabase } from "../../src/storage/database.ts";
import { createTestDatabase } from "../support/test-db.ts";
import { memoryLogger } from "../support/silent-logger.ts";

const ROOT = join(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("GET /healthz", () => {
  it("is 200 when the database answers", async () => {
    const t = await createTestDatabase();
    const { logger } = memoryLogger();
    const { app } = createRuntime({ config: loadConfig({}), db: t.db, logger, clock: systemClock });
    const res = await app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: t.provider });
    await t.drop();
  });

  it("is 503 when the database is down", async () => {
    // A real PostgreSQL client pointed at a port where nothing listens.
    const db = await openDatabase({ provider: "postgresql", url: "postgres://nobody@127.0.0.1:1/none" });
    const { logger, text } = memoryLogger();
    const { app } = createRuntime({ config: loadConfig({}), db, logger, clock: systemClock });
    const res = await app.request("/healthz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", database: "postgresql" });
    expect(text()).toContain("database unreachable");
    await db.close().catch(() => undefined);
  });
});

describe("starting on Node", () => {
  it("creates, migrates and seeds the embedded database, serves /healthz, and stops cleanly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ipstudio-start-"));
    dirs.push(dir);
    const dbFile = join(dir, "nested", "ipstudio.db");
    const { logger: _unused, ...mem } = memoryLogger();
    void _unused;
    const running = await startNode({ env: { DATABASE_URL: `file:${dbFile}`, LOG_LEVEL: "silent" }, listenPort: 0 });
    try {
      expect(existsSync(dbFile)).toBe(true);
      const res = await fetch(`http://127.0.0.1:${running.port}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      await running.stop();
    }
    void mem;
    // A second start finds nothing to migrate and no demo data to add.
    const again = await startNode({ env: { DATABASE_URL: `file:${dbFile}`, LOG_LEVEL: "silent" }, listenPort: 0 });
    await again.stop();
    const db = await openDatabase({ provider: "sqlite", url: `file:${dbFile}` });
    expect(await db.prisma.town.count()).toBe(23);
    expect(await db.prisma.person.count()).toBeGreaterThan(5);
    await db.close();
  });

  it("before serving, handles the events a killed process had accepted but not handled (SQLite: at once, whatever their lease)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ipstudio-recover-"));
    dirs.push(dir);
    const url = `file:${join(dir, "db.sqlite")}`;
    await (await startNode({ env: { DATABASE_URL: url, LOG_LEVEL: "silent" }, listenPort: 0 })).stop();
    // What a process killed right after answering 200 leaves behind: its lease still runs.
    const db = await openDatabase({ provider: "sqlite", url });
    const event = { kind: "text", text: "你好", sender: { channel: "web", userId: "demo-manager-mingzhu" }, dedupeKey: "web:killed-1", receivedAt: new Date() };
    await db.prisma.inboundEvent.create({ data: { channel: "web", userId: "demo-manager-mingzhu", dedupeKey: event.dedupeKey, payloadJson: JSON.stringify(event), receivedAt: event.receivedAt, leaseUntil: new Date(Date.now() + 30_000), leaseOwner: "killed-process" } });
    await db.close();
    const running = await startNode({ env: { DATABASE_URL: url, LOG_LEVEL: "silent" }, listenPort: 0 });
    try {
      const again = await openDatabase({ provider: "sqlite", url });
      const row = await again.prisma.inboundEvent.findFirstOrThrow({ where: { dedupeKey: "web:killed-1" } });
      expect(row.status).toBe("DONE");
      expect(await again.prisma.outboxMessage.count({ where: { channel: "web", externalUserId: "demo-manager-mingzhu" } })).toBeGreaterThan(0);
      await again.close();
    } finally {
      await running.stop();
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("migrates and serves on PostgreSQL", async () => {
    const t = await createTestDatabase("postgresql");
    await t.db.close();
    const running = await startNode({ env: { DATABASE_URL: t.url, LOG_LEVEL: "silent" }, listenPort: 0 });
    try {
      const res = await fetch(`http://127.0.0.1:${running.port}/healthz`);
      expect(await res.json()).toMatchObject({ status: "ok", database: "postgresql" });
    } finally {
      await running.stop();
    }
    await t.drop().catch(() => undefined);
  });

  it.each([
    [{ PORT: "http" }, /^  - PORT: must be a whole number/m],
    [{ DATABASE_URL: "mysql://root:pw@db/x" }, /^  - DATABASE_URL: must be file:/m],
  ])("stops with a clear message, not a stack trace, for %o", (env, expected) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/entry/node.ts"], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain("pw@");
  });

  it("stops with one line when the database cannot be reached", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/entry/node.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "postgres://nobody:pw@127.0.0.1:1/none", PORT: "3999" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^IP Studio Bot failed to start: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("shuts down gracefully on SIGTERM: stops accepting, finishes, closes the database, exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ipstudio-sigterm-"));
    dirs.push(dir);
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const child = spawn(process.execPath, ["--import", "tsx", "src/entry/node.ts"], { cwd: ROOT, env: { ...process.env, PORT: port, DATABASE_URL: `file:${join(dir, "db.sqlite")}` } });
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 100 && !out.includes("listening"); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain('"msg":"stopped"');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
