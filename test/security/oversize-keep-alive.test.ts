// Defect 6: a refused (413) body must not break keep-alive. Over a real socket on 127.0.0.1: the
// 413 says `Connection: close` and the server closes; a fresh connection works; a normal request
// on a keep-alive connection still keeps it alive.
import type { Server } from "node:http";
import { connect, type Socket } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config/config.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock, WECOM, wecomVars } from "../support/wecom-harness.ts";

const ADMIN_TOKEN = "admin-token-0123456789abcdef";

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 connection read by hand: responses in order, and whether the server closed it. */
function rawConnection(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  let buf = Buffer.alloc(0);
  let closed = false;
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    wake();
  });
  socket.on("close", () => {
    closed = true;
    wake();
  });
  socket.on("error", () => undefined);
  const until = (ok: () => boolean, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out waiting on the socket")), ms);
      const check = () => {
        if (ok()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return {
    write: (s: string | Buffer) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.write(s, () => resolve()))),
    async response(): Promise<Raw> {
      await until(() => buf.includes("\r\n\r\n") || closed);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) throw new Error("connection closed without a response");
      const [statusLine, ...lines] = buf.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      const length = Number(headers["content-length"] ?? 0);
      await until(() => buf.length >= end + 4 + length || closed);
      const body = buf.subarray(end + 4, end + 4 + length).toString("utf8");
      buf = buf.subarray(end + 4 + length);
      return { status: Number(statusLine!.split(" ")[1]), headers, body };
    },
    closedByServer: () => until(() => closed).then(() => true),
    get closed() {
      return closed;
    },
    destroy: () => socket.destroy(),
  };
}

/** A chunked POST whose body is over any cap; the terminating chunk is sent too. */
function chunkedHead(path: string, contentType: string, extra = "") {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n${extra}\r\n`;
}
const chunk = (n: number) => `${n.toString(16)}\r\n${"x".repeat(n)}\r\n`;

async function startServer(env: Record<string, string>) {
  const t = await createTestDatabase();
  const config = loadConfig(env);
  await seedDatabase(t.db.prisma, { production: config.env === "production" });
  const { app } = createRuntime({ config, db: t.db, logger: memoryLogger().logger, clock: testClock() });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as Server));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    t,
    port,
    async stop() {
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      await t.drop();
    },
  };
}

const wecomEnv = wecomVars();

let dev: Awaited<ReturnType<typeof startServer>>;
let prod: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  dev = await startServer({ ...wecomEnv, ADMIN_TOKEN });
  prod = await startServer({ NODE_ENV: "production", SIMULATOR_ENABLED: "true", ADMIN_TOKEN });
});
afterAll(async () => {
  await dev?.stop();
  await prod?.stop();
});

describe("a refused oversize body closes the connection cleanly", () => {
  const cases = [
    { name: "WeCom webhook (64 KB)", server: () => dev, head: chunkedHead("/webhooks/wecom?msg_signature=a&timestamp=1&nonce=1", "text/xml"), chunks: 20 },
    { name: "web webhook (16 KiB)", server: () => dev, head: chunkedHead("/webhooks/web", "application/json"), chunks: 6 },
    { name: "admin body (64 KiB)", server: () => dev, head: chunkedHead("/admin/people", "application/json", `Authorization: Bearer ${ADMIN_TOKEN}\r\n`), chunks: 20 },
    { name: "simulator sign-in (4 KiB)", server: () => prod, head: chunkedHead("/simulator/login", "application/x-www-form-urlencoded"), chunks: 3 },
  ];
  for (const c of cases) {
    it(`${c.name}: 413 with Connection: close, the server closes, a fresh connection works`, async () => {
      const conn = rawConnection(c.server().port);
      await conn.write(c.head);
      // 8 KiB chunks: more than the cap, then the end of the body.
      for (let i = 0; i < c.chunks; i++) await conn.write(chunk(8192));
      await conn.write("0\r\n\r\n");
      const res = await conn.response();
      expect(res.status).toBe(413);
      expect(res.headers["connection"]?.toLowerCase()).toBe("close");
      expect(await conn.closedByServer()).toBe(true);

      const fresh = rawConnection(c.server().port);
      await fresh.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      expect((await fresh.response()).status).toBe(200);
      fresh.destroy();
    });
  }

  it("a body still arriving (no end in sight) gets its 413 and a clean close", async () => {
    const conn = rawConnection(dev.port);
    await conn.write(chunkedHead("/webhooks/web", "application/json"));
    for (let i = 0; i < 4; i++) await conn.write(chunk(8192));
    const res = await conn.response();
    expect(res.status).toBe(413);
    expect(res.headers["connection"]?.toLowerCase()).toBe("close");
    expect(JSON.parse(res.body)).toMatchObject({ error: "payload_too_large" });
    expect(await conn.closedByServer()).toBe(true);
  });

  it("a request refused before its chunked body is read (401) also closes cleanly", async () => {
    const conn = rawConnection(dev.port);
    await conn.write(chunkedHead("/admin/people", "application/json", "Authorization: Bearer wrong-wrong-wrong\r\n"));
    for (let i = 0; i < 4; i++) await conn.write(chunk(8192));
    const res = await conn.response();
    expect(res.status).toBe(401);
    expect(res.headers["connection"]?.toLowerCase()).toBe("close");
    expect(await conn.closedByServer()).toBe(true);
  });

  it("a normal request keeps a keep-alive connection open for the next one", async () => {
    const conn = rawConnection(dev.port);
    await conn.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const first = await conn.response();
    expect(first.status).toBe(200);
    expect(first.headers["connection"]?.toLowerCase()).not.toBe("close");
    // A refused-but-small request (bad JSON, 400) does not close it either.
    const body = "{not json";
    await conn.write(`POST /webhooks/web HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect((await conn.response()).status).toBe(400);
    await conn.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    expect((await conn.response()).status).toBe(200);
    expect(conn.closed).toBe(false);
    conn.destroy();
  });
});
