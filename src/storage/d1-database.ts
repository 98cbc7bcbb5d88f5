import { PrismaD1 } from "@prisma/adapter-d1";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { Database, PrismaClient } from "./database.ts";
import { journaledD1 } from "./d1-journal.ts";
import type { D1Like } from "./d1-like.ts";
import { serializeSqlite } from "./serialized-sqlite.ts";

/** Interactive transactions wait their turn behind the one in flight (see serializeSqlite). */
export const D1_TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

/**
 * The database on Cloudflare D1: Prisma's D1 adapter, made all-or-nothing per transaction by the
 * undo journal and one-at-a-time by serializeSqlite. `client` builds the Prisma client for the
 * runtime (the workerd-generated one on Workers; tests pass the Node SQLite one).
 */
export function d1Database(binding: D1Like, client: (adapter: SqlDriverAdapterFactory) => PrismaClient): Database {
  const prisma = client(serializeSqlite(journaledD1(binding, (b) => new PrismaD1(b as unknown as ConstructorParameters<typeof PrismaD1>[0]))));
  return {
    provider: "d1",
    prisma,
    async ping() {
      await prisma.$queryRawUnsafe("SELECT 1");
    },
    async close() {
      await prisma.$disconnect();
    },
  };
}
