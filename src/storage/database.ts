import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { PrismaClient } from "../generated/prisma-sqlite/client.ts";
import { serializeSqlite } from "./serialized-sqlite.ts";
import { cacheSqliteStatements } from "./sqlite-statement-cache.ts";

export type { PrismaClient };
/** The client inside an interactive transaction. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type DatabaseProvider = "sqlite" | "postgresql";

/** The storage handle the app receives: one Prisma client, whichever database is behind it. */
export interface Database {
  /** "d1": Cloudflare D1 on Workers (src/storage/d1-database.ts). */
  provider: DatabaseProvider | "d1";
  prisma: PrismaClient;
  /** Cheap round trip for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Interactive transactions wait for a connection longer than Prisma's 2 s default under bursts. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

export function sqlitePath(url: string): string {
  return url.replace(/^file:/, "").replace(/\?.*$/, "");
}

/** `?schema=name` selects a PostgreSQL schema (as in Prisma's URLs); pg itself does not know it. */
export function splitPgSchema(url: string): { connectionString: string; schema?: string } {
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? undefined;
  u.searchParams.delete("schema");
  return { connectionString: u.toString(), schema };
}

/**
 * Opens the database for a Node process. Both generated clients come from one schema and
 * have the same shape, so the rest of the code types against the SQLite one.
 */
export async function openDatabase(opts: { provider: DatabaseProvider; url: string }): Promise<Database> {
  let prisma: PrismaClient;
  if (opts.provider === "sqlite") {
    // Each generated client is loaded only for its database (its query compiler is ~15 MB in memory).
    const { PrismaClient } = await import("../generated/prisma-sqlite/client.ts");
    const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
    const file = sqlitePath(opts.url);
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    // timeout: wait on a locked database instead of failing at once under concurrent writes.
    // serializeSqlite: a statement outside a transaction never runs inside someone else's.
    prisma = new PrismaClient({ adapter: serializeSqlite(cacheSqliteStatements(new PrismaBetterSqlite3({ url: file, timeout: 10_000 }))), transactionOptions: TX_OPTIONS });
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  } else {
    const { PrismaClient: PgPrismaClient } = await import("../generated/prisma-pg/client.ts");
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const { connectionString, schema } = splitPgSchema(opts.url);
    const client = new PgPrismaClient({ adapter: new PrismaPg({ connectionString, max: 10 }, schema ? { schema } : undefined), transactionOptions: TX_OPTIONS });
    prisma = client as unknown as PrismaClient;
  }
  return {
    provider: opts.provider,
    prisma,
    async ping() {
      await prisma.$queryRawUnsafe("SELECT 1");
    },
    async close() {
      await prisma.$disconnect();
    },
  };
}
