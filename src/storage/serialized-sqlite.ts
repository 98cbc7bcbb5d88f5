import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

/** A FIFO lock: one holder at a time, waiters served in arrival order. */
class FifoLock {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  async acquire(): Promise<() => void> {
    if (this.#held) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#held = false;
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
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
  const lock = new FifoLock();
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q) => lock.run(() => inner.queryRaw(q)),
    executeRaw: (q) => lock.run(() => inner.executeRaw(q)),
    executeScript: (script) => lock.run(() => inner.executeScript(script)),
    async startTransaction(isolationLevel?: IsolationLevel) {
      const release = await lock.acquire();
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
