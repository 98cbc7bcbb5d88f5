import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createFakeWecom, type FakeWecom } from "../fakes/fake-wecom-api.ts";
import { signCallback } from "../fakes/wecom-callback-signer.ts";
import { WECOM, wecomVars } from "./wecom-harness.ts";

const ROOT = join(import.meta.dirname, "../..");

/** The fake WeCom API behind a real HTTP server on 127.0.0.1, so child processes can call it. */
export async function serveFakeWecom(): Promise<{ fake: FakeWecom; base: string; close(): Promise<void> }> {
  const fake = createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId });
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: { "content-type": "application/json" }, body: req.method === "POST" ? body : undefined });
      const answer = await fake.fetch(request);
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
      res.end(await answer.text());
    })().catch(() => res.destroy()); // a "timeout" fault never answers
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fake,
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The environment of a WeCom-enabled server talking to the fake at `apiBase`. */
export function wecomEnv(databaseUrl: string, apiBase: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ...wecomVars(apiBase),
    LOG_LEVEL: "warn",
    ...extra,
  };
}

export interface ChildServer {
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string | null>;
  /** Everything it wrote to stdout and stderr (for failure messages). */
  output(): string;
}

/** Starts scripts/reliability-server.ts (the real startNode) and waits until it serves. */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/reliability-server.ts"], { cwd: ROOT, env: { PATH: PATH ?? "", HOME: HOME ?? "", TMPDIR: TMPDIR ?? "/tmp", NODE_ENV: "development", ...env } });
  let out = "";
  const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${out}`)), 60_000);
    child.stdout.on("data", (d: Buffer) => {
      out += String(d);
      const m = /^READY (\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr.on("data", (d: Buffer) => (out += String(d)));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before serving:\n${out}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child, exited, output: () => out };
}

/** A signed WeCom callback, ready to be POSTed (and re-POSTed unchanged, as WeCom redelivers). */
export function signedCallback(innerXml: string, timestamp = Math.floor(Date.now() / 1000)): { path: string; body: string } {
  const s = signCallback({ ...WECOM, innerXml, timestamp, agentId: WECOM.agentId });
  return { path: `/webhooks/wecom?${s.query}`, body: s.body };
}
