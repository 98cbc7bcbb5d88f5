// Migration CLI (the Prisma CLI's schema engine cannot be downloaded here):
//   tsx scripts/migrate.ts apply          applies pending migrations to DATABASE_URL
//   tsx scripts/migrate.ts create NAME    writes NAME for both SQLite and PostgreSQL
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations, diffMigrations, writeMigration } from "../src/storage/migrations.ts";
// @ts-expect-error plain .mjs build script without type declarations
import { derivePostgresSchema } from "./prisma-generate.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sets = {
  sqlite: { schemaPath: join(root, "prisma/schema.prisma"), migrationsDir: join(root, "prisma/migrations") },
  postgresql: { schemaPath: join(root, "prisma/postgres/schema.prisma"), migrationsDir: join(root, "prisma/postgres/migrations") },
} as const;

async function main(argv: string[]): Promise<void> {
  const [command, name] = argv;
  if (command === "apply") {
    const url = process.env.DATABASE_URL || "file:./data/ipstudio.db";
    const provider = /^postgres(ql)?:\/\//.test(url) ? "postgresql" : url.startsWith("file:") ? "sqlite" : null;
    if (!provider) throw new Error("DATABASE_URL must be file:<path> or postgres://...");
    const t = performance.now();
    const { applied } = await applyMigrations({ provider, url, ...sets[provider] });
    const ms = Math.round(performance.now() - t);
    console.log(applied.length ? `${provider}: applied ${applied.join(", ")} (${ms} ms)` : `${provider}: up to date (${ms} ms)`);
    return;
  }
  if (command === "create") {
    if (!name) throw new Error("usage: tsx scripts/migrate.ts create NAME");
    // Keep the PostgreSQL schema derived from the source of truth before diffing it.
    writeFileSync(sets.postgresql.schemaPath, derivePostgresSchema(readFileSync(sets.sqlite.schemaPath, "utf8")) as string);
    // Diff both before writing either, so a failure leaves no half-created pair behind.
    const plans = [];
    for (const provider of ["sqlite", "postgresql"] as const) {
      plans.push({ provider, ...sets[provider], ...(await diffMigrations({ provider, ...sets[provider] })) });
    }
    const timestamp = new Date(); // one directory name for both sets
    for (const p of plans) {
      if (p.sql === null) {
        console.log(`${p.provider}: no changes, nothing written`);
        continue;
      }
      const dir = await writeMigration({ provider: p.provider, migrationsDir: p.migrationsDir, name, sql: p.sql, timestamp });
      console.log(`${p.provider}: created ${relative(root, dir)}/migration.sql`);
    }
    return;
  }
  throw new Error("usage: tsx scripts/migrate.ts apply | create NAME");
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(`migrate: ${(e instanceof Error ? e.message : String(e)).trim().replace(/\s*\n\s*/g, " ")}`);
  process.exit(1);
});
