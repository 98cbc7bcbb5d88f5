import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrationSet } from "../../src/entry/start-node.ts";
import { PrismaClient } from "../../src/generated/prisma-sqlite/client.ts";
import { d1Database, D1_TX_OPTIONS } from "../../src/storage/d1-database.ts";
import { installUndoJournal } from "../../src/storage/d1-journal.ts";
import { openDatabase, sqlitePath, type Database, type DatabaseProvider } from "../../src/storage/database.ts";
import { applyMigrations } from "../../src/storage/migrations.ts";
import { sqliteD1 } from "./sqlite-d1.ts";

/** "d1": the Workers storage path (Prisma's D1 adapter + the undo journal) over a D1 double on SQLite. */
export type TestProvider = DatabaseProvider | "d1";

export interface TestDatabase {
  db: Database;
  provider: TestProvider;
  url: string;
  /** Close and delete everything this test database created. */
  drop(): Promise<void>;
}

/** The databases a contract suite runs on: SQLite and D1 always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testProviders(): TestProvider[] {
  return process.env.TEST_DATABASE_URL ? ["sqlite", "d1", "postgresql"] : ["sqlite", "d1"];
}

/** The databases a Node server process can open (the D1 path runs only inside a Worker). */
export function serverProviders(): DatabaseProvider[] {
  return process.env.TEST_DATABASE_URL ? ["sqlite", "postgresql"] : ["sqlite"];
}

/**
 * The provider for integration tests: PostgreSQL in the CI run that sets TEST_DATABASE_URL;
 * TEST_DATABASE=d1 runs them all on the Workers storage path instead.
 */
export function defaultTestProvider(): TestProvider {
  if (process.env.TEST_DATABASE === "d1") return "d1";
  return process.env.TEST_DATABASE_URL ? "postgresql" : "sqlite";
}

/** A fresh, migrated, empty database: a temp SQLite file, or a throwaway PostgreSQL schema. */
export async function createTestDatabase(provider: TestProvider = defaultTestProvider(), opts: { failWhen?: (sql: string) => boolean } = {}): Promise<TestDatabase> {
  const { url, cleanup } = provider === "postgresql" ? await pgSchemaLocation() : sqliteLocation();
  const kind = provider === "postgresql" ? "postgresql" : "sqlite";
  await applyMigrations({ provider: kind, url, ...migrationSet(kind) });
  const db = provider === "d1" ? await openD1(sqlitePath(url), opts) : await openDatabase({ provider, url });
  return {
    db,
    provider,
    url,
    async drop() {
      await db.close();
      await cleanup();
    },
  };
}

/** A D1-path database over an already migrated SQLite file (a second host on the same D1, for recovery tests). */
export async function openD1(file: string, opts: { failWhen?: (sql: string) => boolean }): Promise<Database> {
  const binding = sqliteD1(file, opts);
  await installUndoJournal(binding);
  const db = d1Database(binding, (adapter) => new PrismaClient({ adapter, transactionOptions: D1_TX_OPTIONS }));
  return { ...db, close: async () => (await db.close(), binding.close()) };
}

function sqliteLocation() {
  const dir = mkdtempSync(join(tmpdir(), "ipstudio-test-"));
  return { url: `file:${join(dir, "test.db")}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function pgSchemaLocation() {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const sql = async (q: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await sql(`CREATE SCHEMA "${schema}"`);
  const u = new URL(base);
  u.searchParams.set("schema", schema);
  return { url: u.toString(), cleanup: () => sql(`DROP SCHEMA "${schema}" CASCADE`) };
}
