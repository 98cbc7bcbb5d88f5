// The few workerd APIs the Workers entry uses (typed here: @cloudflare/workers-types' globals
// would clash with Node's in this one tsconfig).
declare module "cloudflare:workers" {
  export interface DurableObjectState {
    blockConcurrencyWhile<T>(task: () => Promise<T>): Promise<T>;
    waitUntil(promise: Promise<unknown>): void;
  }
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
  export interface DurableObjectStub<T> {
    fetch(request: Request): Promise<Response>;
  }
  export type Rpc<T> = DurableObjectStub<T> & { [K in keyof T]: T[K] extends (...a: infer A) => Promise<infer R> ? (...a: A) => Promise<R> : never };
  export interface DurableObjectNamespace<T> {
    idFromName(name: string): unknown;
    get(id: unknown): Rpc<T>;
  }
  export interface ExecutionContext {
    waitUntil(promise: Promise<unknown>): void;
  }
  export interface ScheduledController {
    scheduledTime: number;
    cron: string;
  }
}
