// Writes prisma/migrations as the directory `wrangler d1 migrations apply` reads
// (.wrangler/d1-migrations/<prisma name>.sql), so D1 gets exactly the SQL Node's SQLite gets.
// Prisma's names start with their timestamp: the files sort in order, and a name never changes
// (wrangler records applied migrations by file name).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function d1MigrationFiles(migrationsDir) {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(migrationsDir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => ({ file: `${name}.sql`, sql: readFileSync(join(migrationsDir, name, "migration.sql"), "utf8") }));
}

function main() {
  const out = join(root, ".wrangler/d1-migrations");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = d1MigrationFiles(join(root, "prisma/migrations"));
  for (const { file, sql } of files) writeFileSync(join(out, file), sql);
  console.log(`${files.length} D1 migrations in .wrangler/d1-migrations`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
