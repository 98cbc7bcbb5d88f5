import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrationSet } from "../../src/entry/start-node.ts";
import { openDatabase, type Database, type DatabaseProvider } from "../../src/storage/database.ts";
import { applyMigrations } from "../../src/storage/migrations.ts";

export interface TestDatabase {
  db: Database;
  provider: DatabaseProvider;
  url: string;
  /** Close and delete everything this test database created. */
  drop(): Promise<void>;
}

/** The databases a contract suite runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testProviders(): DatabaseProvider[] {
  return process.env.TEST_DATABASE_URL ? ["sqlite", "postgresql"] : ["sqlite"];
}

/** The provider for integration tests: PostgreSQL in the CI run that sets TEST_DATABASE_URL. */
export function defaultTestProvider(): DatabaseProvider {
  return process.env.TEST_DATABASE_URL ? "postgresql" : "sqlite";
}

/** A fresh, migrated, empty database: a temp SQLite file, or a throwaway PostgreSQL schema. */
export async function createTestDatabase(provider: DatabaseProvider = defaultTestProvider()): Promise<TestDatabase> {
  const { url, cleanup } = provider === "sqlite" ? sqliteLocation() : await pgSchemaLocation();
  await applyMigrations({ provider, url, ...migrationSet(provider) });
  const db = await openDatabase({ provider, url });
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
