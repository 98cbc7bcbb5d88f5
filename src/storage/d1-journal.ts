import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import type { D1Like, D1Statement } from "./d1-like.ts";

/**
 * All-or-nothing units of work on Cloudflare D1.
 *
 * D1 refuses BEGIN/SAVEPOINT, and Prisma's D1 adapter turns commit and rollback into no-ops, so a
 * unit that fails halfway would leave its first writes behind. Here every row a unit changes is
 * journaled, by triggers inside D1 itself, as the statement that undoes the change (the technique
 * of sqlite.org's "Automatic Undo/Redo Using SQLite"). Commit forgets the journal in one atomic
 * batch; rollback replays it backwards in atomic batches; a host that died mid-unit finds the
 * journal on its next start (or before its next statement) and replays it then.
 *
 * This is only correct when units never overlap: one Durable Object owns the database and
 * serializeSqlite gives it one unit at a time, with every plain statement waiting its turn.
 */
export const JOURNAL_TABLE = "_uow_undo";
const STATE_TABLE = "_uow_state";
/** Undo statements replayed per batch: each batch also deletes exactly the entries it replayed. */
const UNDO_CHUNK = 200;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** A SQL string literal holding `sql` (what a trigger concatenates into the undo statement). */
const literal = (sql: string) => `'${sql.replaceAll("'", "''")}'`;

/** Columns per printf(): D1 caps an expression's depth at 100, so a long `a || b || …` chain fails. */
const PRINTF_COLUMNS = 40;

/** `quote()`d old values of `columns`, rendered by `format` ("%s" placeholders), joined by commas. */
function rendered(columns: string[], format: (column: string) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i += PRINTF_COLUMNS) {
    const chunk = columns.slice(i, i + PRINTF_COLUMNS);
    const template = chunk.map((c) => format(c).replaceAll("%", "%%").replace("%%s", "%s")).join(",");
    parts.push(`printf(${literal(template)}, ${chunk.map((c) => `quote(old.${quoteIdent(c)})`).join(", ")})`);
  }
  return parts.join(" || ',' || ");
}

/** The three triggers that journal one table's changes while a unit is active. */
export function undoTriggers(table: string, columns: string[]): Map<string, string> {
  const t = quoteIdent(table);
  const active = `WHEN (SELECT active FROM ${STATE_TABLE} WHERE id = 1) = 1`;
  const log = (expr: string) => `INSERT INTO ${JOURNAL_TABLE} (stmt) VALUES (${expr})`;
  const name = (op: string) => `_uow_${table}_${op}`;
  const sets = rendered(columns, (c) => `${quoteIdent(c)}=%s`);
  const values = rendered(columns, () => "%s");
  return new Map([
    [name("i"), `CREATE TRIGGER ${quoteIdent(name("i"))} AFTER INSERT ON ${t} ${active} BEGIN ${log(`${literal(`DELETE FROM ${t} WHERE rowid = `)} || new.rowid`)}; END`],
    [name("u"), `CREATE TRIGGER ${quoteIdent(name("u"))} AFTER UPDATE ON ${t} ${active} BEGIN ${log(`${literal(`UPDATE ${t} SET `)} || ${sets} || ${literal(" WHERE rowid = ")} || old.rowid`)}; END`],
    [name("d"), `CREATE TRIGGER ${quoteIdent(name("d"))} AFTER DELETE ON ${t} ${active} BEGIN ${log(`${literal(`INSERT INTO ${t} (rowid,${columns.map(quoteIdent).join(",")}) VALUES (`)} || old.rowid || ',' || ${values} || ')'`)}; END`],
  ]);
}

/** Tables that are not the app's: SQLite's, Cloudflare's, wrangler's migration log, the journal's own. */
const APP_TABLES = `m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND m.name NOT LIKE '\\_uow\\_%' ESCAPE '\\' AND m.name NOT IN ('d1_migrations', '_prisma_migrations')`;

/**
 * Creates the journal tables and brings every app table's triggers in line with its columns (a
 * migration that rebuilds a table drops them). Idempotent; returns how many triggers changed.
 */
export async function installUndoJournal(db: D1Like): Promise<number> {
  await db.batch([
    db.prepare(`CREATE TABLE IF NOT EXISTS ${JOURNAL_TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT, stmt TEXT NOT NULL)`),
    db.prepare(`CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), active INTEGER NOT NULL)`),
    db.prepare(`INSERT OR IGNORE INTO ${STATE_TABLE} (id, active) VALUES (1, 0)`),
  ]);
  const cols = await db.prepare(`SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE ${APP_TABLES} ORDER BY m.name, p.cid`).all<{ t: string; c: string }>();
  const byTable = new Map<string, string[]>();
  for (const { t, c } of cols.results) byTable.set(t, [...(byTable.get(t) ?? []), c]);
  const wanted = new Map<string, string>();
  for (const [t, columns] of byTable) for (const [name, sql] of undoTriggers(t, columns)) wanted.set(name, sql);
  const existing = await db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 5) = '_uow_'`).all<{ name: string; sql: string }>();
  const have = new Map(existing.results.map((r) => [r.name, r.sql]));
  const changes: D1Statement[] = [];
  for (const [name, sql] of have) if (wanted.get(name) !== sql) changes.push(db.prepare(`DROP TRIGGER IF EXISTS ${quoteIdent(name)}`));
  for (const [name, sql] of wanted) if (have.get(name) !== sql) changes.push(db.prepare(sql));
  if (changes.length > 0) await db.batch(changes);
  return changes.length;
}

const isRead = (sql: string) => /^\s*(SELECT|PRAGMA|EXPLAIN)\b/i.test(sql);

/** The journal's bookkeeping for the one unit in flight. */
class UndoJournal {
  inUnit = false;
  wrote = false;
  /** Unknown (a fresh host) or known to hold a failed unit's changes: replay before anything else. */
  dirty = true;

  constructor(readonly db: D1Like) {}

  /** The binding Prisma's D1 adapter talks to: inside a unit, the first write turns journaling on. */
  binding(): D1Like {
    const db = this.db;
    const journal = this;
    const wrap = (sql: string, stmt: D1Statement): D1Statement => ({
      bind: (...values: unknown[]) => wrap(sql, stmt.bind(...values)),
      all: () => journal.beforeWrite(sql).then(() => stmt.all()),
      first: (col?: string) => journal.beforeWrite(sql).then(() => stmt.first(col)),
      raw: (opts?: { columnNames?: boolean }) => journal.beforeWrite(sql).then(() => stmt.raw(opts as { columnNames: true })),
      async run() {
        if (!journal.inUnit || isRead(sql)) return stmt.run();
        await journal.beforeWrite(sql);
        // D1's meta.changes also counts the journal rows the triggers wrote; changes() does not,
        // and Prisma's updateMany counts (claims: "count !== 1") must be the statement's own.
        const [result, counted] = await db.batch([stmt, db.prepare("SELECT changes() AS c")]);
        const c = (counted!.results?.[0] as { c: number } | undefined)?.c ?? 0;
        return { ...result!, meta: { ...result!.meta, changes: c } };
      },
    });
    return { prepare: (sql) => wrap(sql, db.prepare(sql)), batch: (s) => db.batch(s), exec: (sql) => db.exec(sql) };
  }

  async beforeWrite(sql: string) {
    if (!this.inUnit || this.wrote || isRead(sql)) return;
    await this.db.prepare(`UPDATE ${STATE_TABLE} SET active = 1 WHERE id = 1`).run();
    this.wrote = true;
  }

  /** Replays a dead or failed unit's journal, if any. */
  async recover() {
    if (!this.dirty) return;
    const state = await this.db.prepare(`SELECT active FROM ${STATE_TABLE} WHERE id = 1`).first<number>("active");
    if (state === 1) await this.undo(0, false);
    this.dirty = false;
  }

  /** Undoes every journaled change after `mark`, newest first, a chunk per atomic batch. */
  async undo(mark: number, stayActive: boolean) {
    for (;;) {
      const { results } = await this.db.prepare(`SELECT seq, stmt FROM ${JOURNAL_TABLE} WHERE seq > ? ORDER BY seq DESC LIMIT ${UNDO_CHUNK}`).bind(mark).all<{ seq: number; stmt: string }>();
      const last = results.length < UNDO_CHUNK;
      const oldest = results.at(-1)?.seq ?? mark + 1;
      await this.db.batch([
        this.db.prepare(`UPDATE ${STATE_TABLE} SET active = 0 WHERE id = 1`), // the replay itself is not journaled
        this.db.prepare("PRAGMA defer_foreign_keys = ON"), // a cascade's rows come back in any order
        ...results.map((r) => this.db.prepare(r.stmt)),
        this.db.prepare(`DELETE FROM ${JOURNAL_TABLE} WHERE seq >= ?`).bind(oldest),
        ...(stayActive || !last ? [this.db.prepare(`UPDATE ${STATE_TABLE} SET active = 1 WHERE id = 1`)] : []),
      ]);
      if (last) return;
    }
  }

  async commit() {
    await this.db.batch([this.db.prepare(`DELETE FROM ${JOURNAL_TABLE}`), this.db.prepare(`UPDATE ${STATE_TABLE} SET active = 0 WHERE id = 1`)]);
  }

  async lastSeq(): Promise<number> {
    return (await this.db.prepare(`SELECT COALESCE(MAX(seq), 0) AS s FROM ${JOURNAL_TABLE}`).first<number>("s")) ?? 0;
  }

  /** Ends the unit: `finish` commits or undoes; if that fails, the next statement replays the journal. */
  async end(finish: () => Promise<void>) {
    try {
      if (this.wrote) await finish();
    } catch (err) {
      this.dirty = true;
      throw err;
    } finally {
      this.inUnit = false;
      this.wrote = false;
    }
  }

  /** Statements run as the adapter's own (D1 has no session); Prisma sends no BEGIN/COMMIT (phantom). */
  transaction(inner: SqlDriverAdapter): Transaction {
    const savepoints = new Map<string, number>();
    return {
      provider: inner.provider,
      adapterName: inner.adapterName,
      options: { usePhantomQuery: true },
      queryRaw: (q) => inner.queryRaw(q),
      executeRaw: (q) => inner.executeRaw(q),
      commit: () => this.end(() => this.commit()),
      rollback: () => this.end(() => this.undo(0, false)),
      createSavepoint: async (name) => {
        savepoints.set(name, this.wrote ? await this.lastSeq() : 0);
      },
      rollbackToSavepoint: async (name) => {
        if (this.wrote) await this.undo(savepoints.get(name) ?? 0, true);
      },
      releaseSavepoint: async (name) => {
        savepoints.delete(name);
      },
    };
  }

  adapter(inner: SqlDriverAdapter): SqlDriverAdapter {
    const clean = <T>(run: () => Promise<T>) => (this.dirty ? this.recover().then(run) : run());
    return {
      provider: inner.provider,
      adapterName: inner.adapterName,
      queryRaw: (q) => clean(() => inner.queryRaw(q)),
      executeRaw: (q) => clean(() => inner.executeRaw(q)),
      executeScript: (script) => clean(() => inner.executeScript(script)),
      // Not inner.startTransaction: it would only warn that D1 has no transactions, which is what
      // this journal mends. Serializable is what one unit at a time gives.
      startTransaction: (isolationLevel?: IsolationLevel) =>
        clean(async () => {
          if (isolationLevel && isolationLevel !== "SERIALIZABLE") throw new Error(`D1 units of work are serializable, not ${isolationLevel}`);
          this.inUnit = true;
          this.wrote = false;
          return this.transaction(inner);
        }),
      getConnectionInfo: inner.getConnectionInfo ? () => inner.getConnectionInfo!() : undefined,
      dispose: () => inner.dispose(),
    };
  }
}

/**
 * Wraps Prisma's D1 adapter (`adapterFor` builds it over the binding given) so interactive
 * transactions are all-or-nothing. Put serializeSqlite around the result.
 */
export function journaledD1(db: D1Like, adapterFor: (binding: D1Like) => SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  const journal = new UndoJournal(db);
  const factory = adapterFor(journal.binding());
  // Another name: Prisma refuses interactive transactions outright on "@prisma/adapter-d1".
  const adapterName = `${factory.adapterName}+undo-journal`;
  return {
    provider: factory.provider,
    adapterName,
    connect: async () => ({ ...journal.adapter(await factory.connect()), adapterName }),
  };
}
