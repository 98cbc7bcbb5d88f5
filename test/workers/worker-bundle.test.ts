import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { WRANGLER_OFFLINE } from "./worker-process.ts";

const ROOT = join(import.meta.dirname, "../..");
const run = promisify(execFile);
/** Cloudflare's Workers Free plan: 3 MB after gzip (the paid plans allow 10 MB). */
const FREE_PLAN_LIMIT = 3 * 1024 * 1024;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

describe("the Workers bundle [issue 16]", () => {
  it("`wrangler deploy --dry-run` builds it, and it fits the free plan's 3 MB after gzip, without the Node-only modules", async () => {
    const out = mkdtempSync(join(tmpdir(), "ipstudio-bundle-"));
    try {
      const { stdout } = await run(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], { cwd: ROOT, env: { ...process.env, ...WRANGLER_OFFLINE } });
      const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
      expect(reported, stdout).not.toBeNull();
      // Our own measure too: each module gzipped on its own, as uploaded.
      const modules = files(out).filter((f) => !f.endsWith(".map") && !f.endsWith("README.md"));
      const gzip = modules.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
      console.log(`worker bundle: ${reported![1]} KiB, gzip ${reported![2]} KiB (wrangler); ${(gzip / 1024).toFixed(0)} KiB gzip over ${modules.length} modules (measured)`);
      expect(Number(reported![2]) * 1024).toBeLessThan(FREE_PLAN_LIMIT);
      expect(gzip).toBeLessThan(FREE_PLAN_LIMIT);
      const code = modules.filter((f) => f.endsWith(".js")).map((f) => readFileSync(f, "utf8")).join("\n");
      // esbuild marks each bundled package with a `// node_modules/<package>/…` comment.
      expect(code).toContain("node_modules/hono/");
      for (const nodeOnly of ["better-sqlite3", "@resvg/resvg-js", "node-cron", "@hono/node-server", "@prisma/schema-engine-wasm", "@prisma/adapter-pg"]) expect(code, nodeOnly).not.toContain(`node_modules/${nodeOnly}/`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
