// npm run dev:worker [-- <wrangler dev arguments>]: the Workers build on this machine. Writes the
// D1 migrations from prisma/migrations, applies them to the local D1 (.wrangler/state), then runs
// `wrangler dev` (workerd, simulator and demo data on) and fires the cron trigger every minute, as
// Cloudflare would (wrangler dev alone never fires it). Nothing leaves the machine.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// No metrics, error reports, request.cf lookup or update check: nothing leaves the machine.
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true" };
const wrangler = join(root, "node_modules/.bin/wrangler");
const extra = process.argv.slice(2);
/** A `--name value` or `--name=value` among the arguments given. */
const arg = (name) => {
  const i = extra.findIndex((a) => a === name || a.startsWith(`${name}=`));
  return i < 0 ? undefined : extra[i].includes("=") ? extra[i].slice(name.length + 1) : extra[i + 1];
};
const persist = ["--persist-to", arg("--persist-to") ?? ".wrangler/state"];
const must = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

must(process.execPath, ["scripts/d1-migrations.mjs"]);
must(wrangler, ["d1", "migrations", "apply", "DB", "--local", ...persist]);
const dev = spawn(wrangler, ["dev", "--local", "--test-scheduled", "--var", "NODE_ENV:development", ...(arg("--persist-to") ? [] : persist), ...extra], { cwd: root, env, stdio: "inherit" });

// The cron trigger (wrangler.toml: every minute), at the start of each minute.
const port = arg("--port") ?? "8787";
const host = arg("--ip") ?? "127.0.0.1";
const fire = () =>
  fetch(`http://${host}:${port}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${Math.floor(Date.now() / 60_000) * 60_000}`).then(
    (r) => r.ok || console.error(`cron trigger: HTTP ${r.status}`),
    (err) => console.error(`cron trigger: ${err.message}`),
  );
let timer;
const next = () => (timer = setTimeout(() => (void fire(), next()), 60_000 - (Date.now() % 60_000) + 50));
next();
dev.on("exit", (code) => {
  clearTimeout(timer);
  process.exit(code ?? 0);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
