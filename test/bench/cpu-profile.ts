// BENCH_CPU_PROF=dir: a V8 CPU profile of a measured section of this process (node:inspector),
// written to dir/<name>.cpuprofile (open it in Chrome DevTools), with a summary of where the time
// went: self time by module (a package under node_modules, a src/ or test/ file, node's internals,
// GC, idle) and the top functions.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byModule: { module: string; ms: number; pct: number }[];
  topFunctions: { fn: string; ms: number; pct: number }[];
  /** Coarse, node's own code charged to its nearest caller outside node: database, HTTP client, product code, GC, idle, the rest. */
  byCategory: { category: string; ms: number; pct: number }[];
}

/** Runs fn under the profiler when BENCH_CPU_PROF is set; otherwise just runs it. */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<{ value: T; profile?: ProfileSummary }> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return { value: await fn() };
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  let value: T;
  let profile: CpuProfile;
  try {
    value = await fn();
  } finally {
    profile = ((await session.post("Profiler.stop")) as unknown as { profile: CpuProfile }).profile;
    session.disconnect();
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  return { value, profile: summarize(profile, file) };
}

export function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.includes("deps/undici")) return "node:undici (fetch)";
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const src = /\/((?:src|test|scripts)\/.*)$/.exec(url);
  return src ? src[1]! : url;
}

export function summarize(p: CpuProfile, file: string): ProfileSummary {
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const parent = new Map<number, ProfileNode>();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  // A native function (no url: writev, better-sqlite3's Statement.all…) is charged to its caller's module.
  const moduleOfNode = (n: ProfileNode): string => {
    const { functionName, url } = n.callFrame;
    if (url || functionName.startsWith("(")) return moduleOf(url, functionName);
    for (let q = parent.get(n.id); q; q = parent.get(q.id)) if (q.callFrame.url) return `${moduleOf(q.callFrame.url, q.callFrame.functionName)} (native)`;
    return "(native)";
  };
  const categoryOf = (mod: string): string => {
    if (/prisma|sqlite|^pg($| )|pg-protocol|pg-pool|pg-types|^wasm:/.test(mod) || mod.startsWith("src/storage/")) return "database (Prisma client, driver adapter, driver)";
    if (/undici/.test(mod)) return "HTTP client (fetch/undici, its sockets)";
    if (mod.startsWith("src/channels/")) return "WeCom adapter (src/channels/)";
    if (mod.startsWith("src/")) return "other product code (src/)";
    if (mod === "(garbage collector)") return "garbage collector";
    if (mod === "(root)") return "node internals with no JS caller (ticks, microtasks, I/O callbacks)";
    if (mod.endsWith("bench/cpu-profile.ts")) return "the profiler itself";
    if (mod === "(idle)") return "idle (waiting for I/O)";
    return `other: ${mod}`;
  };
  // For the categories, node's own code (streams, sockets, writev, promises) is charged to the
  // nearest caller outside node: a socket write from pg is the database's, one from undici HTTP's.
  const callerModule = (n: ProfileNode): string => {
    for (let q: ProfileNode | undefined = n; q; q = parent.get(q.id)) {
      const { url, functionName } = q.callFrame;
      if (functionName.startsWith("(")) return functionName;
      if (url && !url.startsWith("node:")) return moduleOf(url, functionName);
      if (url.includes("deps/undici")) return moduleOf(url, functionName);
    }
    return moduleOfNode(n);
  };
  const byModule = new Map<string, number>();
  const byFn = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (!us) continue;
    total += us;
    const { functionName, url, lineNumber } = n.callFrame;
    const mod = moduleOfNode(byId.get(n.id)!);
    const cat = categoryOf(callerModule(n));
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    const key = `${functionName || "(anonymous)"} ${mod}${url ? `:${lineNumber + 1}` : ""}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / total) / 10 }));
  return {
    file,
    totalMs: Math.round(total / 1000),
    byModule: top(byModule, 15).map(({ name, ms, pct }) => ({ module: name, ms, pct })),
    topFunctions: top(byFn, 20).map(({ name, ms, pct }) => ({ fn: name, ms, pct })),
    byCategory: top(byCategory, 12).map(({ name, ms, pct }) => ({ category: name, ms, pct })),
  };
}

export function printSummary(s: ProfileSummary): void {
  console.error(`CPU profile ${s.file} (${s.totalMs} ms sampled). Self time by module (native code charged to its caller's module):`);
  for (const m of s.byModule) console.error(`  ${String(m.pct).padStart(5)}%  ${String(m.ms).padStart(6)} ms  ${m.module}`);
  console.error("Top functions (self time):");
  for (const f of s.topFunctions) console.error(`  ${String(f.pct).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.fn}`);
  console.error("By category:");
  for (const c of s.byCategory) console.error(`  ${String(c.pct).padStart(5)}%  ${String(c.ms).padStart(6)} ms  ${c.category}`);
}
