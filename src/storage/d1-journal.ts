import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";
import type { D1Like, D1Statement } from "./d1-like.ts";

/**
 * All-or-nothing units of work on Cloudflare D1.
 *
 * D1 refuses BEGIN/SAVEPOINT, and Prisma's D1 adapter turns commit and rollback into no-ops, so a
 * unit that fails halfway would leave its first writes behind. Here every row a unit changes is
 * journaled by triggers inside D1 itself (after sqlite.org's "Automatic Undo/Redo Using SQLite"):
 * `_uow_undo` lists the changes in order (table, insert/update/delete, rowid) and a shadow table per
 * table (`_uow_old_<table>`) keeps the old row of each update and delete, as SQL values — never as
 * SQL text, so no row is too big for D1's 100 KB statements and no function meets its argument cap.
 * Commit forgets the journal in one atomic batch; rollback replays it backwards in atomic batches;
 * a host that died mid-unit finds the journal on its next start (or before its next statement) and
 * replays it then.
 *
 * This is only correct when units never overlap: one Durable Object owns the database and
 * serializeSqlite gives it one unit at a time, with every plain statement waiting its turn. And no
 * statement may use INSERT OR REPLACE (its implicit delete fires no trigger); Prisma's SQL does not.
 */
export const JOURNAL_TABLE = "_uow_undo";
const STATE_TABLE = "_uow_state";
/** Fails a batch on purpose: inserting NULL into its NOT NULL column (D1 has no RAISE outside triggers). */
const GUARD_TABLE = "_uow_guard";
const SHADOW_PREFIX = "_uow_old_";
/** A shadow's key: the journal entry's seq (named apart from the app's columns, e.g. OutboxMessage.seq). */
const SHADOW_KEY = "_uow_seq";
/** Undo steps replayed per batch: each batch also deletes exactly the entries it replayed. */
const UNDO_CHUNK = 200;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const shadowOf = (table: string) => quoteIdent(`${SHADOW_PREFIX}${table}`);
const list = (columns: string[], prefix = "") => columns.map((c) => `${prefix}${quoteIdent(c)}`).join(", ");

/** One table's shadow (its columns, untyped: values are kept exactly as stored) and three triggers. */
export function undoObjects(table: string, columns: string[]): { shadow: string; triggers: Map<string, string> } {
  const t = quoteIdent(table);
  const active = `WHEN (SELECT active FROM ${STATE_TABLE} WHERE id = 1) = 1`;
  const entry = (op: string, row: "new" | "old") => `INSERT INTO ${JOURNAL_TABLE} (tbl, op, rid) VALUES (${literal(table)}, '${op}', ${row}.rowid);`;
  // last_insert_rowid() inside a trigger is the journal entry it has just written.
  const keep = `INSERT INTO ${shadowOf(table)} (${SHADOW_KEY}, ${list(columns)}) VALUES (last_insert_rowid(), ${list(columns, "old.")});`;
  const name = (op: string) => `_uow_${table}_${op}`;
  const trigger = (op: string, event: string, body: string) => [name(op), `CREATE TRIGGER ${quoteIdent(name(op))} AFTER ${event} ON ${t} ${active} BEGIN ${body} END`] as const;
  return {
    shadow: `CREATE TABLE ${shadowOf(table)} (${SHADOW_KEY} INTEGER PRIMARY KEY, ${list(columns)})`,
    // An update's entry names the row as it is now (new.rowid): an INTEGER PRIMARY KEY change moves it.
    triggers: new Map([trigger("i", "INSERT", entry("i", "new")), trigger("u", "UPDATE", `${entry("u", "new")} ${keep}`), trigger("d", "DELETE", `${entry("d", "old")} ${keep}`)]),
  };
}

/** Tables that are not the app's: SQLite's, Cloudflare's, wrangler's migration log, the journal's own. */
const APP_TABLES = `m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND m.name NOT LIKE '\\_uow\\_%' ESCAPE '\\' AND m.name NOT IN ('d1_migrations', '_prisma_migrations')`;

const SHADOW_TABLES = `m.type = 'table' AND substr(m.name, 1, ${SHADOW_PREFIX.length}) = ${literal(SHADOW_PREFIX)}`;

async function columnsByTable(db: D1Like, where: string): Promise<Map<string, string[]>> {
  const cols = await db.prepare(`SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE ${where} ORDER BY m.name, p.cid`).all<{ t: string; c: string }>();
  const byTable = new Map<string, string[]>();
  for (const { t, c } of cols.results) byTable.set(t, [...(byTable.get(t) ?? []), c]);
  return byTable;
}

/**
 * Creates the journal's tables (`atStart`: and undoes a dead host's unit) and brings every app
 * table's shadow and triggers in line with its columns (a migration that rebuilds a table drops its triggers). Idempotent and cheap when nothing
 * changed; a change waits while a unit's journal is live (its batch fails on the guard and is
 * retried at the next call). Also drops the old rows committed units left in the shadows.
 * Returns how many objects it changed.
 */
export async function installUndoJournal(db: D1Like, opts: { atStart?: boolean } = {}): Promise<number> {
  await db.batch([
    db.prepare(`CREATE TABLE IF NOT EXISTS ${JOURNAL_TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, op TEXT NOT NULL, rid INTEGER NOT NULL)`),
    db.prepare(`CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), active INTEGER NOT NULL)`),
    db.prepare(`CREATE TABLE IF NOT EXISTS ${GUARD_TABLE} (ok INTEGER NOT NULL)`),
    db.prepare(`INSERT OR IGNORE INTO ${STATE_TABLE} (id, active) VALUES (1, 0)`),
  ]);
  // At start-up nothing runs yet: a dead host's unit is undone first, with the shadows it was written to.
  if (opts.atStart) await recoverDeadUnit(db);
  const tables = await columnsByTable(db, APP_TABLES);
  const shadows = await columnsByTable(db, SHADOW_TABLES);
  const existing = await db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 5) = '_uow_'`).all<{ name: string; sql: string }>();
  const have = new Map(existing.results.map((r) => [r.name, r.sql]));
  const wanted = new Map<string, string>();
  const changes: D1Statement[] = [];
  for (const [table, columns] of tables) {
    const { shadow, triggers } = undoObjects(table, columns);
    for (const [name, sql] of triggers) wanted.set(name, sql);
    const kept = shadows.get(`${SHADOW_PREFIX}${table}`);
    if (kept?.join("\u0000") !== [SHADOW_KEY, ...columns].join("\u0000")) {
      if (kept) changes.push(db.prepare(`DROP TABLE ${shadowOf(table)}`));
      changes.push(db.prepare(shadow));
    }
  }
  for (const [name, sql] of have) if (wanted.get(name) !== sql) changes.push(db.prepare(`DROP TRIGGER IF EXISTS ${quoteIdent(name)}`));
  for (const [name, sql] of wanted) if (have.get(name) !== sql) changes.push(db.prepare(sql));
  const purge = [...tables.keys()].filter((t) => shadows.has(`${SHADOW_PREFIX}${t}`)).map((t) => db.prepare(`DELETE FROM ${shadowOf(t)} WHERE ${SHADOW_KEY} < (SELECT COALESCE(MIN(seq), 9e18) FROM ${JOURNAL_TABLE})`));
  if (changes.length > 0) {
    // Never under a live journal: a shadow it still needs would be dropped.
    const guard = db.prepare(`INSERT INTO ${GUARD_TABLE} (ok) SELECT NULL WHERE EXISTS (SELECT 1 FROM ${JOURNAL_TABLE})`);
    try {
      await db.batch([guard, ...changes]);
    } catch (err) {
      if (/NOT NULL constraint failed: _uow_guard/.test(String(err))) return 0;
      throw err;
    }
  }
  // Only rows older than the oldest live entry go: those of committed units, whatever runs now.
  if (purge.length > 0) await db.batch(purge);
  return changes.length;
}

/** Undoes every journaled change after `mark`, newest first, a chunk per atomic batch. */
async function replay(db: D1Like, mark: number, stayActive: boolean) {
  // The shadows' columns are the ones the journal was written with.
  const columns = new Map([...(await columnsByTable(db, SHADOW_TABLES))].map(([shadow, cols]) => [shadow.slice(SHADOW_PREFIX.length), cols.slice(1)]));
  for (;;) {
    const { results } = await db.prepare(`SELECT seq, tbl, op, rid FROM ${JOURNAL_TABLE} WHERE seq > ? ORDER BY seq DESC LIMIT ${UNDO_CHUNK}`).bind(mark).all<{ seq: number; tbl: string; op: string; rid: number }>();
    const last = results.length < UNDO_CHUNK;
    const oldest = results.at(-1)?.seq ?? mark + 1;
    const steps = results.map((r) => {
      const t = quoteIdent(r.tbl);
      const cols = columns.get(r.tbl);
      // An update or delete needs the shadow it was journaled into (it names the columns to restore).
      if (!cols && r.op !== "i") throw new Error(`D1 undo journal: no shadow table for ${r.tbl} (entry ${r.seq}); restore it or drop the entry by hand`);
      if (r.op === "i") return db.prepare(`DELETE FROM ${t} WHERE rowid = ?`).bind(r.rid);
      if (r.op === "u") return db.prepare(`UPDATE ${t} SET (${list(cols!)}) = (SELECT ${list(cols!)} FROM ${shadowOf(r.tbl)} WHERE ${SHADOW_KEY} = ?) WHERE rowid = ?`).bind(r.seq, r.rid);
      return db.prepare(`INSERT INTO ${t} (rowid, ${list(cols!)}) SELECT ?, ${list(cols!)} FROM ${shadowOf(r.tbl)} WHERE ${SHADOW_KEY} = ?`).bind(r.rid, r.seq);
    });
    const shadows = [...new Set(results.filter((r) => r.op !== "i").map((r) => r.tbl))];
    await db.batch([
      db.prepare(`UPDATE ${STATE_TABLE} SET active = 0 WHERE id = 1`), // the replay itself is not journaled
      db.prepare("PRAGMA defer_foreign_keys = ON"), // a cascade's rows come back in any order
      ...steps,
      ...shadows.map((t) => db.prepare(`DELETE FROM ${shadowOf(t)} WHERE ${SHADOW_KEY} >= ?`).bind(oldest)),
      db.prepare(`DELETE FROM ${JOURNAL_TABLE} WHERE seq >= ?`).bind(oldest),
      ...(stayActive || !last ? [db.prepare(`UPDATE ${STATE_TABLE} SET active = 1 WHERE id = 1`)] : []),
    ]);
    if (last) return;
  }
}

/** Replays what a dead host's unit left, if anything. Only where no unit can be running (start-up). */
async function recoverDeadUnit(db: D1Like) {
  if ((await db.prepare(`SELECT active FROM ${STATE_TABLE} WHERE id = 1`).first<number>("active")) === 1) await replay(db, 0, false);
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
    await recoverDeadUnit(this.db);
    this.dirty = false;
  }

  async undo(mark: number, stayActive: boolean) {
    await replay(this.db, mark, stayActive);
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
