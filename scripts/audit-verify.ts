// Audit chain check (npm run audit:verify): walks AuditLog in id order and names the first
// entry that was changed, removed or inserted. Exit code 0 when intact, 1 when broken or on error.
import { existsSync } from "node:fs";
import { openDatabase, sqlitePath } from "../src/storage/database.ts";
import { verifyAuditChain } from "../src/storage/audit-log.ts";

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL || "file:./data/ipstudio.db";
  const provider = /^postgres(ql)?:\/\//.test(url) ? "postgresql" : url.startsWith("file:") ? "sqlite" : null;
  if (!provider) throw new Error("DATABASE_URL must be file:<path> or postgres://...");
  // Opening a missing SQLite file would create an empty database: a typo must not look "OK".
  if (provider === "sqlite" && !existsSync(sqlitePath(url))) throw new Error(`no database at ${sqlitePath(url)}`);
  const db = await openDatabase({ provider, url });
  try {
    const r = await verifyAuditChain(db.prisma);
    if (r.ok) {
      console.log(`audit chain OK: ${r.checked} entries (${r.legacy} before the chain)`);
      return 0;
    }
    console.log(`audit chain BROKEN at entry #${r.firstBroken!.id}: ${r.firstBroken!.reason}`);
    return 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // The URL may carry a password: print the reason only.
    console.error(`audit:verify: ${(e instanceof Error ? e.message : String(e)).trim().replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  },
);
