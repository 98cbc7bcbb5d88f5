import { PrismaClient as WorkerdPrismaClient } from "../generated/prisma-workerd/client.ts";
import { d1Database, D1_TX_OPTIONS } from "./d1-database.ts";
import type { D1Like } from "./d1-like.ts";
import type { Database, PrismaClient } from "./database.ts";

/**
 * Opens D1 on Workers with the workerd-generated client. It comes from the same schema as the
 * Node SQLite client, so the rest of the code types against that one (as with PostgreSQL).
 */
export function openWorkerDatabase(binding: D1Like): Database {
  return d1Database(binding, (adapter) => new WorkerdPrismaClient({ adapter, transactionOptions: D1_TX_OPTIONS }) as unknown as PrismaClient);
}
