// Preload for a benchmark's server process (`node --import tsx --import ./test/bench/count-sql.ts …`):
// counts the SQL statements the process sends, by first keyword, without touching product code.
// better-sqlite3: Database#prepare (Prisma's adapter prepares every statement it runs, BEGIN
// included) and Database#exec; pg: Client#query. On SIGUSR2 the counts so far are written to
// BENCH_SQL_COUNT_FILE (the benchmark takes the difference around a phase).
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const counts: Record<string, number> = {};
const note = (sql: unknown) => {
  const text = typeof sql === "string" ? sql : typeof sql === "object" && sql !== null && "text" in sql ? String((sql as { text: unknown }).text) : "";
  const word = (/^\s*(\w+)/.exec(text)?.[1] ?? "?").toUpperCase();
  counts[word] = (counts[word] ?? 0) + 1;
  counts["total"] = (counts["total"] ?? 0) + 1;
};

const require = createRequire(import.meta.url);
try {
  const Database = require("better-sqlite3") as { prototype: { prepare(sql: string): unknown; exec(sql: string): unknown } };
  const { prepare, exec } = Database.prototype;
  Database.prototype.prepare = function (sql: string) {
    note(sql);
    return prepare.call(this, sql);
  };
  Database.prototype.exec = function (sql: string) {
    note(sql);
    return exec.call(this, sql);
  };
} catch {
  // not installed
}
try {
  const pg = require("pg") as { Client: { prototype: { query(...a: unknown[]): unknown } } };
  const { query } = pg.Client.prototype;
  pg.Client.prototype.query = function (...a: unknown[]) {
    note(a[0]);
    return query.apply(this, a);
  };
} catch {
  // not installed
}

process.on("SIGUSR2", () => {
  if (process.env.BENCH_SQL_COUNT_FILE) writeFileSync(process.env.BENCH_SQL_COUNT_FILE, JSON.stringify(counts));
});
