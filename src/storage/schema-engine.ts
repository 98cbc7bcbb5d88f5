// Prisma's schema engine compiled to wasm, driven through a driver adapter. The Prisma CLI
// would download a native schema-engine binary, which this environment cannot; the wasm build
// does the same diff/apply work over our own better-sqlite3 / pg connections.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum, mockAdapter, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

export type { SchemaEngine };
export type MigrationProvider = "sqlite" | "postgresql";

type BgModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg") & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

// The bg glue keeps one module-level wasm instance, so the instance (not just the compiled
// module) is shared by every engine this process opens. Loaded lazily, on first use only:
// instantiating takes ~30 ms, but the engine's first command pays ~100 ms more for V8 to
// compile the functions it touches (see applyMigrations' fast path).
let loading: Promise<BgModule> | undefined;

export function loadSchemaEngineWasm(): Promise<BgModule> {
  loading ??= (async () => {
    const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as BgModule;
    // The package's main entry `import`s the .wasm file, which Node cannot; load it by hand.
    const glue = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(join(dirname(glue), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

/** `file:./data/x.db?foo` → `./data/x.db` (relative to the working directory, like Prisma 7). */
export function sqliteFilePath(url: string): string {
  return url.replace(/^file:/, "").replace(/\?.*$/, "");
}

/**
 * pg config for a postgres:// URL. Prisma's `?schema=NAME` is not a libpq parameter: it is
 * stripped and turned into the session search_path, because migration SQL names tables
 * unqualified. `schema` is also what adapter-pg needs as its `schema` option.
 */
export function pgConnectionConfig(url: string): { config: pg.PoolConfig; schema: string | undefined } {
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? undefined;
  u.searchParams.delete("schema");
  const config: pg.PoolConfig = { connectionString: u.toString(), max: 2, Client: CharAsTextClient };
  if (schema) config.options = `-c search_path="${schema.replace(/"/g, '""')}"`;
  return { config, schema };
}

/**
 * adapter-pg 7.10 rejects result columns of PostgreSQL's internal "char" type (oid 18) as
 * "could not be deserialized", and the engine's schema describer selects such catalogue
 * columns (pg_constraint.contype, ...) whenever it replays migrations on a shadow database.
 * pg already hands their values over as strings, so labelling them text (oid 25) is exact.
 */
const PG_CHAR = 18;
const PG_TEXT = 25;
function charAsText<T>(result: T): T {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const f of (r as Partial<pg.QueryResult> | undefined)?.fields ?? []) if (f.dataTypeID === PG_CHAR) f.dataTypeID = PG_TEXT;
  }
  return result;
}
class CharAsTextClient extends pg.Client {}
const baseQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(CharAsTextClient.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const cb = args.at(-1);
  if (typeof cb === "function") args[args.length - 1] = (err: unknown, res: unknown) => cb(err, err ? res : charAsText(res));
  const out = baseQuery.apply(this, args);
  return out instanceof Promise ? out.then(charAsText) : out;
};

/** Same server and credentials, optionally another database, never Prisma's `?schema=`. */
function serverUrl(url: string, database?: string): string {
  const u = new URL(url);
  if (database) u.pathname = "/" + encodeURIComponent(database);
  u.searchParams.delete("schema");
  return u.toString();
}

/**
 * A main connection that never reaches a database: diffing touches only the shadow one. The
 * PostgreSQL connector still probes the server when it starts, so that single query gets a
 * canned answer; anything else fails loudly.
 */
function offlineAdapter(provider: "sqlite" | "postgres"): SqlDriverAdapter {
  const mock = mockAdapter(provider);
  return {
    ...mock,
    queryRaw: async (q) => {
      if (provider === "postgres" && q.sql.startsWith("SELECT EXISTS(SELECT 1 FROM pg_namespace")) {
        return {
          columnNames: ["exists", "version", "numeric_version"],
          columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
          rows: [[true, "PostgreSQL 15.0 (offline diff)", 150000]],
        };
      }
      throw new Error(`offline diff connection cannot run: ${q.sql.slice(0, 80)}`);
    },
    // The mock rejects dispose too; make it harmless so freeing the engine stays quiet.
    dispose: () => Promise.resolve(),
  };
}

/**
 * Replaying a migration on the SQLite shadow database, the engine sends the whole
 * migration.sql as one raw query, which better-sqlite3's prepare() refuses ("more than one
 * statement"). Such parameterless scripts are run through executeScript (exec) instead.
 */
function multiStatementScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const isMulti = (e: unknown) => e instanceof RangeError && /more than one statement/.test(e.message);
  const executeRaw = adapter.executeRaw.bind(adapter);
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.executeRaw = async (q) => {
    try {
      return await executeRaw(q);
    } catch (e) {
      if (q.args.length > 0 || !isMulti(e)) throw e;
      await adapter.executeScript(q.sql);
      return 0;
    }
  };
  adapter.queryRaw = async (q) => {
    try {
      return await queryRaw(q);
    } catch (e) {
      if (q.args.length > 0 || !isMulti(e)) throw e;
      await adapter.executeScript(q.sql);
      return { columnNames: [], columnTypes: [], rows: [] };
    }
  };
  return adapter;
}

async function sqliteFactory(url: string | undefined): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
  // connectToShadowDb defaults to ":memory:", so SQLite never needs a shadow file.
  const real = new PrismaBetterSqlite3({ url: url ? sqliteFilePath(url) : ":memory:", timeout: 10_000 });
  return {
    provider: real.provider,
    adapterName: real.adapterName,
    connect: async () => (url ? real.connect() : offlineAdapter("sqlite")),
    connectToShadowDb: async () => multiStatementScripts(await real.connectToShadowDb()),
  };
}

async function pgFactory(url: string | undefined, shadowUrl: string | undefined): Promise<SqlMigrationAwareDriverAdapterFactory> {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const cfg = url ? pgConnectionConfig(url) : null;
  const main = cfg ? new PrismaPg(cfg.config, cfg.schema ? { schema: cfg.schema } : undefined) : null;
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: async () => (main ? main.connect() : offlineAdapter("postgres")),
    // adapter-pg's own connectToShadowDb spreads `database` over a config whose
    // connectionString wins, so the "shadow" would be the main database. Instead: a throwaway
    // database on the shadow server, dropped on dispose.
    connectToShadowDb: async (): Promise<SqlDriverAdapter> => {
      if (!shadowUrl) throw new Error("replaying PostgreSQL migrations needs a shadow database server: set SHADOW_DATABASE_URL (postgres://... of a role allowed to CREATE DATABASE)");
      const name = `prisma_shadow_${globalThis.crypto.randomUUID().replace(/-/g, "")}`;
      const admin = new pg.Client({ connectionString: serverUrl(shadowUrl) });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } catch (e) {
        await admin.end();
        throw e;
      }
      const shadow = await new PrismaPg(pgConnectionConfig(serverUrl(shadowUrl, name)).config).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        try {
          await dispose();
          await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
        } finally {
          await admin.end();
        }
      };
      return shadow;
    },
  };
}

export interface OpenSchemaEngineOptions {
  provider: MigrationProvider;
  /**
   * SQLite `file:...` / `:memory:`, or a postgres:// URL. Omitted for diffing: the engine then
   * gets an offline stand-in and only ever connects to the shadow database.
   */
  url?: string;
  /** The Prisma schema, as [path, text]; its datasource provider must match `provider`. */
  datamodel: [string, string];
  /** PostgreSQL only: server on which a temporary shadow database is created when needed. */
  shadowDatabaseUrl?: string;
  /** Engine log lines (JSON strings); dropped when absent. */
  log?: (line: string) => void;
}

/** Remembers every connection handed to the engine, with a dispose that runs at most once. */
function trackConnections(inner: SqlMigrationAwareDriverAdapterFactory) {
  const open = new Set<() => Promise<void>>();
  const track = async (connect: () => Promise<SqlDriverAdapter>): Promise<SqlDriverAdapter> => {
    const adapter = await connect();
    let disposed: Promise<void> | undefined;
    const dispose = adapter.dispose.bind(adapter);
    const once = () => {
      open.delete(once);
      return (disposed ??= dispose());
    };
    open.add(once);
    adapter.dispose = once;
    return adapter;
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => track(() => inner.connect()),
    connectToShadowDb: () => track(() => inner.connectToShadowDb()),
  };
  return { factory, disposeAll: async () => void (await Promise.all([...open].map((d) => d()))) };
}

export interface OpenedSchemaEngine {
  engine: SchemaEngine;
  /** One readable line for an engine error, resolving "External error id#N" to the driver's error. */
  describeError(e: unknown): string;
  /**
   * Frees the engine and closes every connection it opened. Awaited, because freeing alone
   * closes them only some time later, and SQLite's stays in locking_mode=EXCLUSIVE until then.
   */
  close(): Promise<void>;
}

export async function openSchemaEngine(opts: OpenSchemaEngineOptions): Promise<OpenedSchemaEngine> {
  const bg = await loadSchemaEngineWasm();
  const tracked = trackConnections(opts.provider === "sqlite" ? await sqliteFactory(opts.url) : await pgFactory(opts.url, opts.shadowDatabaseUrl));
  const factory = bindMigrationAwareSqlAdapterFactory(tracked.factory);
  const describeError = (e: unknown): string => {
    const msg = withoutSpanTrace(engineErrorMessage(e));
    // Driver errors cross the wasm boundary as ids into the factory's registry.
    return msg.replace(/External error id#(\d+)/g, (whole, id: string) => {
      const rec = factory.errorRegistry.consumeError(Number(id));
      return rec ? `${whole}: ${engineErrorMessage(rec.error)}` : whole;
    });
  };
  let engine: SchemaEngine;
  try {
    engine = await bg.SchemaEngine.new({ datamodels: [opts.datamodel] }, (line: string) => opts.log?.(line), factory);
  } catch (e) {
    await tracked.disposeAll();
    throw new Error(describeError(e));
  }
  return {
    engine,
    describeError,
    close: async () => {
      engine.free();
      await tracked.disposeAll();
    },
  };
}

/**
 * Engine errors end in a Rust span trace ("   0: sql_schema_connector::... with ... at x.rs");
 * keep the message, plus the migration name the trace may be the only place to mention.
 */
function withoutSpanTrace(msg: string): string {
  const at = msg.search(/^\s+0: /m);
  if (at < 0) return msg;
  const head = msg.slice(0, at).trim();
  const name = /migration_name="([^"]+)"/.exec(msg.slice(at))?.[1];
  return name && !head.includes(name) ? `${head} (migration ${name})` : head;
}

/** Engine errors arrive as Errors, objects or JSON strings; reduce them to a message. */
function engineErrorMessage(e: unknown): string {
  if (e instanceof Error) return e.message.trim();
  if (typeof e === "string") {
    try {
      return engineErrorMessage(JSON.parse(e));
    } catch {
      return e;
    }
  }
  if (e && typeof e === "object") {
    const o = e as { message?: unknown; error?: unknown; meta?: { message?: unknown }; kind?: unknown };
    for (const m of [o.message, o.error, o.meta?.message]) if (typeof m === "string") return m;
    // DriverAdapterError carries { kind, ...details } rather than a message.
    if (typeof o.kind === "string") return JSON.stringify(e);
  }
  return String(e);
}
