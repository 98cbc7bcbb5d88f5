import Sqlite from "better-sqlite3";
import type { D1Like, D1Result, D1Statement } from "../../src/storage/d1-like.ts";

/**
 * A D1 binding over a SQLite file, behaving as D1 was measured to behave in workerd: BEGIN and
 * SAVEPOINT are refused, a batch is one transaction, blobs come back as ArrayBuffers, and
 * `meta.changes` counts rows changed by triggers too. `failWhen` injects a failure before a
 * statement runs (the fault tests' hook).
 */
export function sqliteD1(file: string, opts: { failWhen?: (sql: string) => boolean } = {}): D1Like & { close(): void; raw: Sqlite.Database } {
  const raw = new Sqlite(file);
  raw.pragma("foreign_keys = ON");
  const refuse = (sql: string) => {
    if (/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(sql)) throw new Error("D1_ERROR: To execute a transaction, please use the state.storage.transaction() or state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements.");
    if (opts.failWhen?.(sql)) throw new Error(`D1_ERROR: injected failure before: ${sql.slice(0, 60)}`);
  };
  const total = () => (raw.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
  const blobs = (row: unknown[]) => row.map((v) => (Buffer.isBuffer(v) ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : v));
  const execute = (sql: string, args: unknown[]): { rows: unknown[][]; columns: string[]; changes: number } => {
    refuse(sql);
    const params = args.map((a) => (a instanceof Uint8Array ? Buffer.from(a) : a instanceof Date ? a.toISOString() : a));
    const stmt = raw.prepare(sql);
    const before = total();
    if (!stmt.reader) {
      stmt.run(...params);
      return { rows: [], columns: [], changes: total() - before };
    }
    const rows = (stmt.raw(true).all(...params) as unknown[][]).map(blobs);
    return { rows, columns: stmt.columns().map((c) => c.name), changes: total() - before };
  };
  const asResult = (r: ReturnType<typeof execute>): D1Result => ({ results: r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))), meta: { changes: r.changes } });
  const statement = (sql: string, args: unknown[] = []): D1Statement & { exec(): ReturnType<typeof execute> } => ({
    bind: (...values) => statement(sql, values),
    exec: () => execute(sql, args),
    run: async () => asResult(execute(sql, args)),
    all: async <T,>() => asResult(execute(sql, args)) as D1Result<T>,
    first: async <T,>(column?: string) => {
      const row = asResult(execute(sql, args)).results[0] as Record<string, unknown> | undefined;
      return (row === undefined ? null : column ? row[column] : row) as T | null;
    },
    raw: async (o?: { columnNames?: boolean }) => {
      const r = execute(sql, args);
      return o?.columnNames ? [r.columns, ...r.rows] : r.rows;
    },
  });
  return {
    raw,
    prepare: (sql) => statement(sql),
    batch: async (statements) => raw.transaction(() => statements.map((s) => asResult((s as ReturnType<typeof statement>).exec())))(),
    exec: async (sql) => {
      refuse(sql);
      raw.exec(sql);
    },
    close: () => raw.close(),
  };
}
