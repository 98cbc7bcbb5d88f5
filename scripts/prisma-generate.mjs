// Generates both Prisma clients (SQLite and PostgreSQL) from prisma/schema.prisma.
// The Prisma CLI cannot download its schema-engine binary here, and generate never runs it:
// pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable lets generate work offline.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "prisma/schema.prisma");
const pgSchema = join(root, "prisma/postgres/schema.prisma");

export function derivePostgresSchema(text) {
  const out = text
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output       = "../src/generated/prisma-sqlite"', 'output       = "../../src/generated/prisma-pg"');
  if (out === text) throw new Error("prisma/schema.prisma: provider/output lines not found");
  return "// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs: do not edit.\n" + out;
}

function main() {
  mkdirSync(dirname(pgSchema), { recursive: true });
  writeFileSync(pgSchema, derivePostgresSchema(readFileSync(source, "utf8")));
  const engine = existsSync("/bin/true") ? "/bin/true" : process.execPath;
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? engine, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
  const cli = join(root, "node_modules/prisma/build/index.js");
  for (const schema of [source, pgSchema]) {
    execFileSync(process.execPath, [cli, "generate", "--schema", schema], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  }
  console.log("prisma clients generated (sqlite, postgresql)");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
