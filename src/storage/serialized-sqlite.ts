import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

/** Plain statements served ahead of a waiting transaction, at most, before it gets its turn. */
const PLAIN_AHEAD = 8;

/**
 * A lock with one holder at a time and two queues, each in arrival order: single statements (a
 * webhook storing its event before answering, a send marked done) and transactions (handling).
 * Statements go first, up to PLAIN_AHEAD of them past a waiting transaction: an acknowledgement
 * never queues behind a burst of handling, and handling is never starved.
 */
class StatementFirstLock {
  #held = false;
  #ahead = 0;
  readonly #statements: (() => void)[] = [];
  readonly #transactions: (() => void)[] = [];

  async acquire(kind: "statement" | "transaction"): Promise<() => void> {
    if (this.#held) await new Promise<void>((resolve) => (kind === "statement" ? this.#statements : this.#transactions).push(resolve));
    this.#held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const statementTurn = this.#statements.length > 0 && (this.#transactions.length === 0 || this.#ahead < PLAIN_AHEAD);
      this.#ahead = statementTurn && this.#transactions.length > 0 ? this.#ahead + 1 : 0;
      const next = statementTurn ? this.#statements.shift() : this.#transactions.shift();
      if (next) next(); // the lock passes straight to the next holder
      else this.#held = false;
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire("statement");
    try {
      return await task();
    } finally {
      release();
    }
  }
}

function serializedTransaction(tx: Transaction, release: () => void): Transaction {
  const end = async (finish: () => Promise<void>) => {
    try {
      await finish();
    } finally {
      release();
    }
  };
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (q: SqlQuery) => tx.queryRaw(q),
    executeRaw: (q: SqlQuery) => tx.executeRaw(q),
    commit: () => end(() => tx.commit()),
    rollback: () => end(() => tx.rollback()),
    createSavepoint: tx.createSavepoint ? (name: string) => tx.createSavepoint!(name) : undefined,
    rollbackToSavepoint: tx.rollbackToSavepoint ? (name: string) => tx.rollbackToSavepoint!(name) : undefined,
    releaseSavepoint: tx.releaseSavepoint ? (name: string) => tx.releaseSavepoint!(name) : undefined,
  };
}

function serializedAdapter(inner: SqlDriverAdapter): SqlDriverAdapter {
  const lock = new StatementFirstLock();
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q) => lock.run(() => inner.queryRaw(q)),
    executeRaw: (q) => lock.run(() => inner.executeRaw(q)),
    executeScript: (script) => lock.run(() => inner.executeScript(script)),
    async startTransaction(isolationLevel?: IsolationLevel) {
      const release = await lock.acquire("transaction");
      try {
        return serializedTransaction(await inner.startTransaction(isolationLevel), release);
      } catch (err) {
        release();
        throw err;
      }
    },
    getConnectionInfo: inner.getConnectionInfo ? () => inner.getConnectionInfo!() : undefined,
    dispose: () => inner.dispose(),
  };
}

/**
 * better-sqlite3 gives Prisma ONE connection. A plain query issued while another caller's
 * interactive transaction is open runs on that connection, i.e. inside that transaction, and is
 * undone if it rolls back — although it returned OK (an acknowledged webhook could vanish).
 * This wrapper makes the connection's owner explicit: an open transaction holds a lock until it
 * commits or rolls back, and every statement outside it waits its turn. Consequence: code inside
 * a `$transaction(async (tx) => …)` callback must use `tx`, never the plain client (it would wait
 * for its own transaction), and must not await network I/O while holding the database.
 */
export function serializeSqlite<F extends SqlDriverAdapterFactory>(factory: F): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serializedAdapter(await factory.connect()),
  };
}
