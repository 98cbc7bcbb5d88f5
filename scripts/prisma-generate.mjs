// Generates the Prisma clients from prisma/schema.prisma: SQLite and PostgreSQL for Node, and the
// workerd one (SQLite dialect over D1, the small query compiler) for Cloudflare Workers.
// The Prisma CLI cannot download its schema-engine binary here, and generate never runs it:
// pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable lets generate work offline.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "prisma/schema.prisma");
const pgSchema = join(root, "prisma/postgres/schema.prisma");
const workerdSchema = join(root, "prisma/workerd/schema.prisma");

/** Another schema from the source: each [from, to] replaced; every `from` must be there. */
function derive(text, replacements) {
  let out = text;
  for (const [from, to] of replacements) {
    if (!out.includes(from)) throw new Error(`prisma/schema.prisma: "${from}" not found`);
    out = out.replace(from, to);
  }
  return "// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs: do not edit.\n" + out;
}

const OUTPUT = 'output       = "../src/generated/prisma-sqlite"';

export function derivePostgresSchema(text) {
  return derive(text, [
    ['provider = "sqlite"', 'provider = "postgresql"'],
    [OUTPUT, 'output       = "../../src/generated/prisma-pg"'],
  ]);
}

/** The same model for workerd: its runtime, and the smaller query compiler (bundle size on Workers). */
export function deriveWorkerdSchema(text) {
  return derive(text, [
    ['runtime      = "nodejs"', 'runtime      = "workerd"\n  compilerBuild = "small"'],
    [OUTPUT, 'output       = "../../src/generated/prisma-workerd"'],
  ]);
}

function main() {
  const text = readFileSync(source, "utf8");
  for (const [file, derive] of [[pgSchema, derivePostgresSchema], [workerdSchema, deriveWorkerdSchema]]) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, derive(text));
  }
  const engine = existsSync("/bin/true") ? "/bin/true" : process.execPath;
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? engine, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
  const cli = join(root, "node_modules/prisma/build/index.js");
  for (const schema of [source, pgSchema, workerdSchema]) {
    execFileSync(process.execPath, [cli, "generate", "--schema", schema], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  }
  console.log("prisma clients generated (sqlite, postgresql, workerd)");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
