import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, createMigration, diffMigrations, readMigrationsList } from "../../src/storage/migrations.ts";
import { openSchemaEngine } from "../../src/storage/schema-engine.ts";
// @ts-expect-error plain .mjs build script without type declarations
import { derivePostgresSchema } from "../../scripts/prisma-generate.mjs";

const root = join(import.meta.dirname, "../..");
const sqliteSet = { schemaPath: join(root, "prisma/schema.prisma"), migrationsDir: join(root, "prisma/migrations") };
const pgMigrationsDir = join(root, "prisma/postgres/migrations");
const models = [...readFileSync(sqliteSet.schemaPath, "utf8").matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!);
const migrationNames = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const tmp = mkdtempSync(join(tmpdir(), "ipstudio-migrations-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The PostgreSQL schema as scripts/prisma-generate.mjs derives it from the current source. */
function currentPgSchema(): string {
  const path = join(tmp, "postgres.prisma");
  writeFileSync(path, derivePostgresSchema(readFileSync(sqliteSet.schemaPath, "utf8")) as string);
  return path;
}

describe("SQLite migrations", () => {
  const url = `file:${join(tmp, "nested/dir/ipstudio.db")}`;

  it("creates every table on an empty database and records the migrations", async () => {
    const { applied } = await applyMigrations({ provider: "sqlite", url, ...sqliteSet });
    expect(applied).toEqual(migrationNames(sqliteSet.migrationsDir));
    const db = new Database(url.slice("file:".length), { readonly: true });
    try {
      const tables = new Set(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all().map((r) => (r as { name: string }).name));
      for (const t of ["Application", "OutboxMessage", "_prisma_migrations", ...models]) expect(tables, t).toContain(t);
      const rows = db.prepare(`SELECT migration_name, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`).all() as {
        migration_name: string;
        finished_at: string | null;
        rolled_back_at: string | null;
        applied_steps_count: number;
      }[];
      expect(rows.map((r) => r.migration_name)).toEqual(applied);
      for (const r of rows) {
        expect(r.finished_at).not.toBeNull();
        expect(r.rolled_back_at).toBeNull();
      }
    } finally {
      db.close();
    }
  });

  it("applies nothing the second time, through the fast path and through the engine alike", async () => {
    expect(await applyMigrations({ provider: "sqlite", url, ...sqliteSet })).toEqual({ applied: [] });
    const opened = await openSchemaEngine({ provider: "sqlite", url, datamodel: [sqliteSet.schemaPath, readFileSync(sqliteSet.schemaPath, "utf8")] });
    try {
      const out = await opened.engine.applyMigrations({ migrationsList: await readMigrationsList(sqliteSet.migrationsDir), filters: { externalTables: [], externalEnums: [] } });
      expect(out.appliedMigrationNames).toEqual([]);
    } finally {
      await opened.close();
    }
    // close() really released the engine's exclusive lock: a writer gets in at once.
    const db = new Database(url.slice("file:".length), { timeout: 0 });
    db.prepare(`INSERT INTO "Town" ("id", "name", "kind") VALUES ('t', 'T', '镇')`).run();
    db.close();
  });

  it("has migrations in sync with prisma/schema.prisma", async () => {
    const { sql } = await diffMigrations({ provider: "sqlite", ...sqliteSet });
    expect(sql, "prisma/schema.prisma changed without a migration: run `npm run db:migrate:create <name>`").toBeNull();
  });

  it("createMigration writes a migration and the lockfile, then reports no change", async () => {
    const dir = join(tmp, "created");
    const first = await createMigration({ provider: "sqlite", ...sqliteSet, migrationsDir: dir, name: "Init schema", timestamp: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)) });
    expect(first.dir).toBe(join(dir, "20300102030405_init_schema"));
    expect(readFileSync(join(first.dir!, "migration.sql"), "utf8")).toBe(first.sql);
    expect(first.sql).toContain(`CREATE TABLE "OutboxMessage"`);
    expect(readFileSync(join(dir, "migration_lock.toml"), "utf8")).toContain(`provider = "sqlite"`);
    const second = await createMigration({ provider: "sqlite", ...sqliteSet, migrationsDir: dir, name: "again" });
    expect(second).toEqual({ dir: null, sql: "" });
    expect(migrationNames(dir)).toEqual(["20300102030405_init_schema"]);
  });
});

describe("migration sets", () => {
  it("SQLite and PostgreSQL have the same migration directories", () => {
    expect(migrationNames(pgMigrationsDir)).toEqual(migrationNames(sqliteSet.migrationsDir));
    expect(readFileSync(join(pgMigrationsDir, "migration_lock.toml"), "utf8")).toContain(`provider = "postgresql"`);
  });

  it("PostgreSQL init migration is derivable offline (no database)", async () => {
    const dir = join(tmp, "pg-offline");
    const { dir: created, sql } = await createMigration({ provider: "postgresql", schemaPath: currentPgSchema(), migrationsDir: dir, name: "init" });
    expect(created).not.toBeNull();
    expect(sql).toContain(`CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")`);
  });
});

const pgUrl = process.env.TEST_DATABASE_URL;
const onPg = /^postgres(ql)?:\/\//.test(pgUrl ?? "");

describe("PostgreSQL migrations", () => {
  const schema = `test_${process.pid}_${Date.now()}`;
  const url = () => {
    const u = new URL(pgUrl!);
    u.searchParams.set("schema", schema);
    return u.toString();
  };
  const query = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    if (onPg) await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it.skipIf(!onPg)("creates every table in a fresh schema and records the migrations", async () => {
    const { applied } = await applyMigrations({ provider: "postgresql", url: url(), schemaPath: currentPgSchema(), migrationsDir: pgMigrationsDir });
    expect(applied).toEqual(migrationNames(pgMigrationsDir));
    const tables = new Set((await query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema])).map((r) => r.table_name));
    for (const t of ["Application", "OutboxMessage", "_prisma_migrations", ...models]) expect(tables, t).toContain(t);
    const rows = await query<{ migration_name: string; finished_at: Date | null }>(`SELECT migration_name, finished_at FROM "${schema}"._prisma_migrations ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(applied);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it.skipIf(!onPg)("applies nothing the second time", async () => {
    expect(await applyMigrations({ provider: "postgresql", url: url(), schemaPath: currentPgSchema(), migrationsDir: pgMigrationsDir })).toEqual({ applied: [] });
  });

  it.skipIf(!onPg)("has migrations in sync with the derived PostgreSQL schema (shadow database on the test server)", async () => {
    const { sql } = await diffMigrations({ provider: "postgresql", schemaPath: currentPgSchema(), migrationsDir: pgMigrationsDir, shadowDatabaseUrl: pgUrl });
    expect(sql, "prisma/schema.prisma changed without a PostgreSQL migration: run `npm run db:migrate:create <name>`").toBeNull();
    // The throwaway shadow databases are gone again.
    expect(await query(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'`)).toEqual([]);
  });
});
