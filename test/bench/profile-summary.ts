// Summarises V8 .cpuprofile files (node --cpu-prof; BENCH_CPU_PROF=dir in the benchmarks): self time
// by function and by package / module (node_modules package, src/ file, node internals, GC, idle).
// `npx tsx test/bench/profile-summary.ts <file.cpuprofile|dir> [--top=25]`
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** A script URL → the package (node_modules/<pkg>, scoped too), src/… file, or node:internal. */
export function moduleOf(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native / V8)";
  if (url.startsWith("node:")) return "node internals";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return pkg;
  }
  const src = url.indexOf("/src/");
  if (src >= 0) {
    const file = url.slice(src + 1);
    return file.startsWith("src/generated/") ? "src/generated (prisma client)" : file;
  }
  const scripts = url.indexOf("/scripts/");
  if (scripts >= 0) return url.slice(scripts + 1);
  return url.replace(/^file:\/\//, "");
}

export function summarise(p: Profile, top: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const m = moduleOf(url, functionName);
    const key = `${functionName || "(anonymous)"}  ${url ? `${m}:${lineNumber + 1}` : ""}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  const idle = mod.get("(idle)") ?? 0;
  const busy = total - idle;
  const fmt = (entries: Map<string, number>) =>
    [...entries]
      .filter(([k]) => k !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(7)} ms  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  return [
    `profiled ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (percentages: of busy)`,
    "by package / module:",
    fmt(mod),
    "by function (self):",
    fmt(fn),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2];
  if (!target) throw new Error("usage: profile-summary.ts <file.cpuprofile|dir> [--top=N]");
  const top = Number(process.argv.find((a) => a.startsWith("--top="))?.slice(6) ?? 25);
  const files = statSync(target).isDirectory() ? readdirSync(target).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(target, f)) : [target];
  for (const f of files) {
    console.log(`== ${f}`);
    console.log(summarise(JSON.parse(readFileSync(f, "utf8")) as Profile, top));
  }
}
