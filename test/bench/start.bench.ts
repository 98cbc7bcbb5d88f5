// Issue 10: `npm start` to healthy on an existing database, and the server's RSS idle.
// The database (a temp SQLite file) is created, migrated and seeded by one unmeasured start; then
// each variant starts 3 times (--runs=), each in a fresh process group:
//   npm start           exactly package.json's "start" (npm → sh → tsx's CLI → node with tsx's
//                       loader, which is the process that listens and serves)
//   node --import tsx   the serving process alone, without npm and tsx's CLI parent
//   compiled JS         src/entry/node.ts bundled once by esbuild (node_modules left external) and
//                       run by plain node: what tsx costs. Measurement only: package.json is not
//                       touched; the bundle goes to dist/bench-node/ (ignored by git, two levels
//                       below the root as start-node.ts's ROOT needs) and is deleted afterwards.
// Figures: time from spawn to the first 200 of GET /healthz (polled every 10 ms); RSS of the
// serving process (the one whose socket listens on PORT, found through /proc) and of its whole
// process tree, 5 s after healthy (--idle-s=). Production settings: NODE_ENV=production, WeCom
// configured (its API at a closed port: nothing is sent while idle), LOG_LEVEL=warn.
// Linux only (/proc). Table on stdout, JSON in bench-results/start.json.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { wecomVars } from "../support/wecom-harness.ts";

const ROOT = join(import.meta.dirname, "../..");
const BUNDLE = join(ROOT, "dist/bench-node/node.mjs");
const IDLE_GOAL_MB = 150;

interface Variant {
  name: string;
  cmd: string;
  args: string[];
}

interface Proc {
  pid: number;
  ppid: number;
  rssMb: number;
  cmd: string;
}

interface StartRun {
  healthyMs: number;
  servingPid: number;
  servingCmd: string;
  servingRssMb: number;
  treeRssMb: number;
  tree: Proc[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function proc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    return { pid, ppid, rssMb: Math.round(rssKb / 102.4) / 10, cmd };
  } catch {
    return null; // gone
  }
}

/** The process and all its descendants. */
function treeOf(root: number): Proc[] {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => proc(Number(d)))
    .filter((p): p is Proc => p !== null);
  const out: Proc[] = [];
  const walk = (pid: number) => {
    const p = all.find((x) => x.pid === pid);
    if (!p) return;
    out.push(p);
    for (const c of all.filter((x) => x.ppid === pid)) walk(c.pid);
  };
  walk(root);
  return out;
}

/** Which of these processes holds the socket listening on `port` (/proc/net/tcp{,6}, state 0A). */
function listenerOf(tree: Proc[], port: number): Proc | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(f, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  return tree.find((p) => {
    try {
      return readdirSync(`/proc/${p.pid}/fd`).some((fd) => {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p.pid}/fd/${fd}`));
          return m !== null && inodes.has(m[1]!);
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid!, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
  // npm may exit before its grandchildren: wait for the group to be gone.
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function startOnce(v: Variant, env: Record<string, string>, idleS: number): Promise<StartRun> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/healthz`;
  let out = "";
  const t0 = performance.now();
  // detached: its own process group, so npm, sh, tsx and node are all stopped together.
  const child = spawn(v.cmd, v.args, { cwd: ROOT, env: { ...env, PORT: String(port) }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d: Buffer) => (out += String(d)));
  child.stderr!.on("data", (d: Buffer) => (out += String(d)));
  try {
    let healthyMs = 0;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${v.name}: exited (${child.exitCode}) before healthy:\n${out}`);
      if (performance.now() - t0 > 60_000) throw new Error(`${v.name}: not healthy in 60 s:\n${out}`);
      const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
        async (r) => (await r.arrayBuffer(), r.status === 200),
        () => false,
      );
      if (ok) {
        healthyMs = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, idleS * 1000));
    const tree = treeOf(child.pid!);
    const serving = listenerOf(tree, port);
    if (!serving) throw new Error(`${v.name}: no process of the tree listens on ${port}: ${JSON.stringify(tree)}`);
    return { healthyMs, servingPid: serving.pid, servingCmd: serving.cmd, servingRssMb: serving.rssMb, treeRssMb: Math.round(tree.reduce((a, p) => a + p.rssMb, 0) * 10) / 10, tree };
  } finally {
    await stopGroup(child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const num = (args: string[], name: string, dflt: number) => {
  const v = args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${v}"`);
  return n;
};

export async function run(args: string[]): Promise<void> {
  if (process.platform !== "linux") throw new Error("start: reads /proc (Linux only)");
  const quick = args.includes("--quick");
  const runs = num(args, "runs", quick ? 1 : 3);
  const idleS = num(args, "idle-s", quick ? 2 : 5);
  const startScript = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["start"]!;
  const dir = mkdtempSync(join(tmpdir(), "ipstudio-start-"));
  const { PATH, HOME, TMPDIR } = process.env;
  const env: Record<string, string> = {
    PATH: PATH ?? "",
    HOME: HOME ?? "",
    TMPDIR: TMPDIR ?? "/tmp",
    NODE_ENV: "production",
    DATABASE_URL: `file:${join(dir, "ipstudio.db")}`,
    LOG_LEVEL: "warn",
    SIGNING_SECRET: "bench-signing-secret-0123456789abcdef",
    ...wecomVars("http://127.0.0.1:9"),
  };
  const variants: (Variant & { note: string })[] = [
    { name: "npm start", cmd: "npm", args: ["start", "--silent"], note: `package.json "start": ${startScript}` },
    { name: "node --import tsx", cmd: process.execPath, args: ["--import", "tsx", "src/entry/node.ts"], note: "the serving process alone" },
  ];
  let build: { ok: boolean; ms: number; error?: string } | undefined;
  try {
    const b0 = performance.now();
    try {
      mkdirSync(join(ROOT, "dist/bench-node"), { recursive: true });
      execFileSync(join(ROOT, "node_modules/.bin/esbuild"), ["src/entry/node.ts", "--bundle", "--platform=node", "--format=esm", "--packages=external", `--outfile=${BUNDLE}`, "--log-level=error"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      build = { ok: true, ms: Math.round(performance.now() - b0) };
      variants.push({ name: "compiled JS", cmd: process.execPath, args: [BUNDLE], note: `esbuild bundle (${build.ms} ms to build), node_modules external` });
    } catch (err) {
      build = { ok: false, ms: Math.round(performance.now() - b0), error: String((err as { stderr?: Buffer }).stderr ?? err) };
      console.error(`compiled JS: esbuild failed, variant left out:\n${build.error}`);
    }
    // Create, migrate and seed the database once (not measured).
    const first = await startOnce(variants[0]!, env, 0.1);
    console.error(`[setup] database created, migrated and seeded by a first npm start (${(first.healthyMs / 1000).toFixed(2)} s)`);
    const results: Record<string, unknown>[] = [];
    const lines: string[] = [];
    for (const v of variants) {
      const all: StartRun[] = [];
      for (let i = 0; i < runs; i++) {
        let r: StartRun;
        try {
          r = await startOnce(v, env, idleS);
        } catch (err) {
          console.error(`[${v.name}] run ${i + 1}/${runs} failed: ${(err as Error).message}`);
          results.push({ variant: v.name, note: v.note, error: (err as Error).message.slice(0, 2000) });
          break;
        }
        console.error(`[${v.name}] run ${i + 1}/${runs}: healthy in ${(r.healthyMs / 1000).toFixed(2)} s; serving pid ${r.servingPid} (${r.servingCmd}) RSS ${r.servingRssMb} MB; tree ${r.tree.length} processes, ${r.treeRssMb} MB`);
        all.push(r);
      }
      if (all.length < runs) {
        lines.push(row([v.name, "FAILED", "", "", "", "", "", ""]));
        continue;
      }
      const healthyS = median(all.map((r) => r.healthyMs)) / 1000;
      const rss = median(all.map((r) => r.servingRssMb));
      const treeRss = median(all.map((r) => r.treeRssMb));
      lines.push(row([v.name, healthyS.toFixed(2), rss, `≤ ${IDLE_GOAL_MB}`, (rss / IDLE_GOAL_MB).toFixed(2), treeRss, all[0]!.tree.length, all[0]!.servingCmd.slice(0, 70)]));
      results.push({ variant: v.name, note: v.note, healthyS, servingRssMb: rss, treeRssMb: treeRss, idleGoalMb: IDLE_GOAL_MB, ratioToGoal: rss / IDLE_GOAL_MB, runs: all });
    }
    mkdirSync(join(ROOT, "bench-results"), { recursive: true });
    writeFileSync(join(ROOT, "bench-results/start.json"), JSON.stringify({ scenario: "start", at: new Date().toISOString(), node: process.version, loadAvg: loadavg(), cpus: cpus().length, startScript, runs, idleS, build, results }, null, 2));
    console.log(
      [
        "",
        `start on an existing SQLite database; RSS ${idleS} s idle after healthy; median of ${runs}`,
        row(["variant", "to healthy s", "serving RSS MB", "goal", "ratio", "tree RSS MB", "processes", "serving process"]),
        row(Array(8).fill("---")),
        ...lines,
        "",
        "JSON: bench-results/start.json",
      ].join("\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(ROOT, "dist/bench-node"), { recursive: true, force: true });
  }
}
