// Preload for a benchmark's server process (`node --import tsx --import ./test/bench/count-sql.ts …`):
// counts the SQL statements the process sends, by first keyword, without touching product code.
// better-sqlite3: each statement run (Statement#run/all/get/iterate) and Database#exec; pg: Client#query. On SIGUSR2 the counts so far are written to
// BENCH_SQL_COUNT_FILE (the benchmark takes the difference around a phase).
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const counts: Record<string, number> = {};
/** BENCH_SQL_TOP=file: also each statement's count by its text (which queries a message costs). */
const byText = new Map<string, number>();
const note = (sql: unknown) => {
  const text = typeof sql === "string" ? sql : typeof sql === "object" && sql !== null && "text" in sql ? String((sql as { text: unknown }).text) : "";
  if (process.env.BENCH_SQL_TOP) byText.set(text, (byText.get(text) ?? 0) + 1);
  const word = (/^\s*(\w+)/.exec(text)?.[1] ?? "?").toUpperCase();
  counts[word] = (counts[word] ?? 0) + 1;
  counts["total"] = (counts["total"] ?? 0) + 1;
};

const require = createRequire(import.meta.url);
try {
  // Statements are counted when they run, not when prepared: the product keeps prepared
  // statements (src/storage/sqlite-statement-cache.ts). BEGIN/COMMIT run through `run` too.
  type Statement = { source: string; run(...a: unknown[]): unknown; all(...a: unknown[]): unknown; get(...a: unknown[]): unknown; iterate(...a: unknown[]): unknown };
  const Database = require("better-sqlite3") as { new (file: string): { prepare(sql: string): Statement; exec(sql: string): unknown; close(): void }; prototype: { exec(sql: string): unknown } };
  const probe = new Database(":memory:");
  const proto = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<"run" | "all" | "get" | "iterate", (this: Statement, ...a: unknown[]) => unknown>;
  probe.close();
  for (const method of ["run", "all", "get", "iterate"] as const) {
    const original = proto[method];
    proto[method] = function (this: Statement, ...a: unknown[]) {
      note(this.source);
      return original.apply(this, a);
    };
  }
  const { exec } = Database.prototype;
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
  if (process.env.BENCH_SQL_TOP) writeFileSync(process.env.BENCH_SQL_TOP, [...byText].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${n}\t${t.replace(/\s+/g, " ").slice(0, 400)}`).join("\n"));
});
