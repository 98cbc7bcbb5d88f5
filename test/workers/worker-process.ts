import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Sqlite from "better-sqlite3";

const ROOT = join(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
/** Nothing leaves the machine: no metrics, no error reports, no request.cf lookup, no update check (the banner's). */
export const WRANGLER_OFFLINE = { WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true", NO_COLOR: "1" };
/** The worker's own console lines too (wrangler's "log" level), for failure messages. */
const QUIET = { ...WRANGLER_OFFLINE, WRANGLER_LOG: "log" };
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface WorkerProcess {
  url: string;
  /** The local D1 database file, opened from outside (reads, and the fault tests' injections). */
  d1(opts?: { write?: boolean }): Sqlite.Database;
  /** Where the local D1 and Durable Object state live (start another worker on it: a restart). */
  persist: string;
  /** What wrangler and the worker printed. */
  output(): string;
  /** Kills the worker (SIGKILL: no goodbye, like a host dying); `keep` leaves its state for a restart. */
  stop(opts?: { keep?: boolean }): Promise<void>;
}

/**
 * The Workers build as `npm run dev:worker` runs it: D1 migrated from prisma/migrations, then
 * `wrangler dev` (workerd, local D1 and Durable Object, cron handler at /__scheduled) on loopback.
 */
export async function startWorker(vars: Record<string, string>, opts: { persist?: string } = {}): Promise<WorkerProcess> {
  const persist = opts.persist ?? mkdtempSync(join(tmpdir(), "ipstudio-worker-"));
  const env = { ...process.env, ...QUIET };
  await run(process.execPath, ["scripts/d1-migrations.mjs"], { cwd: ROOT, env });
  await run(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { cwd: ROOT, env });
  const [port, inspector] = [await freePort(), await freePort()];
  const args = ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", persist, "--test-scheduled", "--show-interactive-dev-session=false", "--live-reload=false"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child: ChildProcess = spawn(WRANGLER, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += String(d)));
  child.stderr!.on("data", (d: Buffer) => (out += String(d)));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (o: { keep?: boolean } = {}) => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (!o.keep) rmSync(persist, { recursive: true, force: true });
  };
  // Up when /healthz answers 200 (the host migrated its journal and seeded the demo data).
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 240 || child.exitCode !== null) {
      await stop();
      throw new Error(`the worker did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const d1Dir = join(persist, "v3/d1/miniflare-D1DatabaseObject");
  return {
    url,
    persist,
    d1: (o) => new Sqlite(join(d1Dir, readdirSync(d1Dir).find((f) => f.endsWith(".sqlite"))!), { readonly: !o?.write }),
    output: () => out,
    stop,
  };
}
