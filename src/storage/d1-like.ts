/**
 * The part of Cloudflare's D1 binding this project uses, typed here so storage code compiles
 * without the Workers type package (the real binding, and a test double over SQLite, fit it).
 */
export interface D1Result<T = unknown> {
  results: T[];
  meta: { changes?: number; [key: string]: unknown };
}

export interface D1Statement {
  bind(...values: unknown[]): D1Statement;
  run(): Promise<D1Result>;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  first<T = unknown>(column?: string): Promise<T | null>;
  raw(options?: { columnNames?: boolean }): Promise<unknown[][]>;
}

export interface D1Like {
  prepare(sql: string): D1Statement;
  /** Runs the statements as one transaction: all of them or none. */
  batch(statements: D1Statement[]): Promise<D1Result[]>;
  exec(sql: string): Promise<unknown>;
}
