// Load pieces for the inbound benchmark (issue 10): child processes that print "READY <port>",
// a keep-alive HTTP client, a closed-loop burst (users in parallel, each user's messages one after
// another, a bounded number of requests in flight) and an open-loop phase at a fixed rate.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

export interface Proc {
  url: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  /** SIGTERM (so a --cpu-prof profile is written), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

/** Runs `node [nodeArgs] --import tsx [--import each of preloads] <script>` from the repository root; resolves once it prints READY <port>. */
export async function startProcess(script: string, env: Record<string, string>, nodeArgs: string[] = [], preloads: string[] = []): Promise<Proc> {
  const { PATH, HOME, TMPDIR } = process.env;
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", ...preloads.flatMap((p) => ["--import", p]), script], { cwd: ROOT, env: { PATH: PATH ?? "", HOME: HOME ?? "", TMPDIR: TMPDIR ?? "/tmp", NODE_ENV: "development", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  child.stderr!.on("data", (d: Buffer) => (out = (out + String(d)).slice(-20_000)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s:\n${out}`)), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      out = (out + String(d)).slice(-20_000);
      const m = /^READY (\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before serving:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    output: () => out,
    async stop() {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** The SQL counts of a server started with test/bench/count-sql.ts (it writes them on SIGUSR2). */
export async function sqlCounts(pid: number, file: string): Promise<Record<string, number>> {
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 500; i++) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, "utf8")) as Record<string, number>;
      } catch {
        // half written
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no SQL counts from the server (started without test/bench/count-sql.ts?)");
}

/** VmRSS of a live process, in MB (Linux). */
export function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

export interface Client {
  post(path: string, body: string): Promise<number>;
  close(): void;
}

/** POSTs over keep-alive connections (at most `sockets` open) and resolves with the status once the answer is read. */
export function keepAliveClient(base: string, sockets: number): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const { hostname, port } = new URL(base);
  return {
    post: (path, body) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ agent, host: hostname, port, path, method: "POST", headers: { "content-type": "text/xml", "content-length": Buffer.byteLength(body) } }, (res) => {
          res.on("data", () => undefined);
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        });
        req.setTimeout(60_000, () => req.destroy(new Error("request timed out (60 s)")));
        req.on("error", reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

export interface Message {
  user: string;
  /** Position in the user's conversation (0: 申请工作室). */
  index: number;
  path: string;
  body: string;
}

export interface Sent {
  msg: Message;
  /** When it was (or, open loop, should have been) sent, and when its 200 was read (performance.timeOrigin + now ms, i.e. epoch ms). */
  start: number;
  ack: number;
  status: number;
}

export const epochMs = () => performance.timeOrigin + performance.now();

/** A FIFO semaphore. */
function semaphore(n: number) {
  let free = n;
  const waiting: Array<() => void> = [];
  return {
    async acquire() {
      if (free > 0) free--;
      else await new Promise<void>((r) => waiting.push(r));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

/**
 * Closed loop: every user's messages in order, each sent after the previous one's answer (as WeCom
 * delivers one member's messages), all users at once with at most `concurrency` requests in flight.
 * Throws on any answer but 200.
 */
export async function closedLoop(client: Client, conversations: Message[][], concurrency: number): Promise<Sent[]> {
  const sem = semaphore(concurrency);
  const done: Sent[] = [];
  await Promise.all(
    conversations.map(async (msgs) => {
      for (const msg of msgs) {
        await sem.acquire();
        try {
          const start = epochMs();
          const status = await client.post(msg.path, msg.body);
          const ack = epochMs();
          if (status !== 200) throw new Error(`${msg.user} #${msg.index}: HTTP ${status}`);
          done.push({ msg, start, ack, status });
        } finally {
          sem.release();
        }
      }
    }),
  );
  return done;
}

const sleepUntil = (t: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t - epochMs())));

/**
 * Open loop at `rate` messages/s: message slots at fixed times whatever the answers do. Users come
 * in blocks of `block`; within a block the slots go round the users, so one user's consecutive
 * messages are `block/rate` s apart (a user still waits for its previous answer: WeCom's order).
 * Latency counts from the slot's time, so a slow answer is not hidden by sending later.
 */
export async function openLoop(client: Client, conversations: Message[][], rate: number, block: number): Promise<Sent[]> {
  const t0 = epochMs() + 50;
  const done: Sent[] = [];
  const before: number[] = [0]; // messages of all users before user u
  for (const c of conversations) before.push(before.at(-1)! + c.length);
  await Promise.all(
    conversations.map(async (msgs, u) => {
      const b = Math.floor(u / block);
      const j = u % block;
      const inBlock = Math.min(block, conversations.length - b * block);
      for (const msg of msgs) {
        const slot = before[b * block]! + msg.index * inBlock + j;
        const start = t0 + (slot * 1000) / rate;
        await sleepUntil(start);
        const status = await client.post(msg.path, msg.body);
        const ack = epochMs();
        if (status !== 200) throw new Error(`${msg.user} #${msg.index}: HTTP ${status}`);
        done.push({ msg, start, ack, status });
      }
    }),
  );
  return done;
}

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
