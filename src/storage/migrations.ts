// Creates and applies Prisma migrations (the same files and `_prisma_migrations` bookkeeping as
// `prisma migrate dev/deploy`) through the wasm schema engine, since the CLI's native engine
// cannot be downloaded here.
import { existsSync, mkdirSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { MigrationList, SchemaFilter } from "@prisma/schema-engine-wasm";
import { openSchemaEngine, pgConnectionConfig, sqliteFilePath, type MigrationProvider, type OpenSchemaEngineOptions, type SchemaEngine } from "./schema-engine.ts";

export type { MigrationProvider };

const LOCKFILE = "migration_lock.toml";
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Reads a migrations directory the way the Prisma CLI does (sorted `<name>/migration.sql`). */
export async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  const baseDir = resolve(migrationsDir);
  const lockContent = await readFile(join(baseDir, LOCKFILE), "utf8").catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    dirs.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: await readFile(join(baseDir, name, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (e: Error) => ({ tag: "error" as const, value: e.message }),
        ),
      },
    })),
  );
  return { baseDir, lockfile: { path: LOCKFILE, content: lockContent }, shadowDbInitScript: "", migrationDirectories };
}

async function withEngine<T>(opts: OpenSchemaEngineOptions, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const opened = await openSchemaEngine(opts);
  try {
    return await fn(opened.engine);
  } catch (e) {
    throw new Error(opened.describeError(e));
  } finally {
    await opened.close();
  }
}

/**
 * Names of migrations finished (and not rolled back) according to `_prisma_migrations`, read
 * with a plain query; null when the table or database does not exist yet.
 */
export async function readAppliedMigrations(provider: MigrationProvider, url: string): Promise<Set<string> | null> {
  const sql = `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  if (provider === "sqlite") {
    const file = sqliteFilePath(url);
    if (file === ":memory:" || !existsSync(file)) return null;
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
      if (!hasTable) return null;
      return new Set((db.prepare(sql).all() as { migration_name: string }[]).map((r) => r.migration_name));
    } finally {
      db.close();
    }
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client(pgConnectionConfig(url).config);
  await client.connect();
  try {
    const t = await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`);
    if (!t.rows[0]?.present) return null;
    return new Set((await client.query<{ migration_name: string }>(sql)).rows.map((r) => r.migration_name));
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL `?schema=X`: create X before the engine runs, since the migration SQL lands in
 * whatever the search_path names. Checked first: CREATE SCHEMA needs CREATE on the database
 * even with IF NOT EXISTS, which a locked-down production role may lack.
 */
async function ensurePgSchema(url: string): Promise<void> {
  const { config, schema } = pgConnectionConfig(url);
  if (!schema) return;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ ...config, options: undefined });
  await client.connect();
  try {
    const exists = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

export interface ApplyMigrationsOptions {
  provider: MigrationProvider;
  /** `file:./data/ipstudio.db` (relative to the working directory) or a postgres:// URL. */
  url: string;
  migrationsDir: string;
  /** Prisma schema for `provider`; the engine only needs it to pick the connector. */
  schemaPath: string;
  log?: (line: string) => void;
}

/** Like `prisma migrate deploy`: applies pending migrations; a second call applies nothing. */
export async function applyMigrations(opts: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const list = await readMigrationsList(opts.migrationsDir);
  if (list.migrationDirectories.length === 0) return { applied: [] };
  if (opts.provider === "sqlite") {
    const file = sqliteFilePath(opts.url);
    if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  }
  // Fast path for every start-up (~10 ms instead of ~100 ms): when the bookkeeping already
  // lists every directory as finished, the engine is not loaded at all. Pending or failed
  // migrations go to the engine, which applies or reports them.
  const done = await readAppliedMigrations(opts.provider, opts.url);
  if (done && list.migrationDirectories.every((d) => done.has(d.path))) return { applied: [] };
  if (opts.provider === "postgresql") await ensurePgSchema(opts.url);

  const datamodel: [string, string] = [opts.schemaPath, await readFile(opts.schemaPath, "utf8")];
  const out = await withEngine({ provider: opts.provider, url: opts.url, datamodel, log: opts.log }, (engine) =>
    engine.applyMigrations({ migrationsList: list, filters: NO_FILTER }),
  );
  return { applied: out.appliedMigrationNames };
}

export interface CreateMigrationOptions {
  provider: MigrationProvider;
  schemaPath: string;
  migrationsDir: string;
  /** Free text; normalised to snake_case for the directory name. */
  name: string;
  /** Shared by callers that create one migration per provider, so both directories match. */
  timestamp?: Date;
  /**
   * PostgreSQL only, and only when migrations exist already: a server on which a throwaway
   * shadow database is created to replay them. Defaults to SHADOW_DATABASE_URL.
   */
  shadowDatabaseUrl?: string;
  log?: (line: string) => void;
}

/** `20261125101648` (UTC), as Prisma names migration directories. */
export function migrationTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

function normaliseName(name: string): string {
  const n = name.trim().toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (!n) throw new Error(`invalid migration name ${JSON.stringify(name)}: use letters, digits and _`);
  return n.slice(0, 200);
}

/** The SQL that would bring the existing migrations up to the schema; null when in sync. */
export async function diffMigrations(
  opts: Pick<CreateMigrationOptions, "provider" | "schemaPath" | "migrationsDir" | "shadowDatabaseUrl" | "log">,
): Promise<{ sql: string | null }> {
  const list = await readMigrationsList(opts.migrationsDir);
  const schema = await readFile(opts.schemaPath, "utf8");
  const hasHistory = list.migrationDirectories.length > 0;
  // Replaying existing migrations needs a shadow database: SQLite's is in memory; PostgreSQL's
  // a throwaway database on shadowDatabaseUrl's server. From "empty" no database is touched.
  const shadowDatabaseUrl = opts.shadowDatabaseUrl ?? (process.env.SHADOW_DATABASE_URL || undefined);
  if (opts.provider === "postgresql" && hasHistory && !shadowDatabaseUrl) {
    throw new Error("diffing PostgreSQL migrations replays them on a shadow database: set SHADOW_DATABASE_URL (postgres://... of a role allowed to CREATE DATABASE)");
  }
  const result = await withEngine({ provider: opts.provider, datamodel: [opts.schemaPath, schema], shadowDatabaseUrl, log: opts.log }, (engine) =>
    engine.diff({
      from: hasHistory ? { tag: "migrations", ...list } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: opts.schemaPath, content: schema }] },
      script: true,
      exitCode: true, // 2 = there is a difference, 0 = none
      filters: NO_FILTER,
    }),
  );
  if (result.exitCode !== 2) return { sql: null };
  let sql = result.stdout ?? "";
  // From "empty" the engine also emits CREATE SCHEMA IF NOT EXISTS "public", which fails for
  // an app role without CREATE on the database even though public exists (PostgreSQL checks
  // the privilege first). `prisma migrate dev` never emits it: its shadow database has public.
  if (opts.provider === "postgresql" && !hasHistory) sql = sql.replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n\n/, "");
  return { sql };
}

/** Writes `<timestamp>_<name>/migration.sql`, and migration_lock.toml when missing. */
export async function writeMigration(opts: {
  provider: MigrationProvider;
  migrationsDir: string;
  name: string;
  sql: string;
  timestamp?: Date;
}): Promise<string> {
  const dirName = `${migrationTimestamp(opts.timestamp ?? new Date())}_${normaliseName(opts.name)}`;
  const list = await readMigrationsList(opts.migrationsDir);
  const last = list.migrationDirectories.at(-1)?.path;
  // Order is the history: a new directory that sorts earlier would be applied out of turn.
  if (last && last.localeCompare(dirName) >= 0) throw new Error(`new migration ${dirName} does not sort after ${last}`);
  const dir = join(list.baseDir, dirName);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "migration.sql"), opts.sql);
  if (list.lockfile.content === null) {
    await writeFile(
      join(list.baseDir, LOCKFILE),
      `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${opts.provider}"\n`,
    );
  }
  return dir;
}

/**
 * Like `prisma migrate dev --create-only`: diffs the existing migrations against the schema
 * and writes `<timestamp>_<name>/migration.sql`. Returns dir null and writes nothing when the
 * migrations already match the schema.
 */
export async function createMigration(opts: CreateMigrationOptions): Promise<{ dir: string | null; sql: string }> {
  normaliseName(opts.name); // fail on a bad name before the engine spends time diffing
  const { sql } = await diffMigrations(opts);
  if (sql === null) return { dir: null, sql: "" };
  return { dir: await writeMigration({ ...opts, sql }), sql };
}
