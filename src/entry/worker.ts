// Cloudflare Workers entry (wrangler.toml `main`): every request and cron tick goes to the one
// AppHost Durable Object, which runs the same createApp as Node, over D1.
import type { DurableObjectNamespace, ExecutionContext, ScheduledController } from "cloudflare:workers";
import type { AppHost, WorkerEnv } from "./app-host.ts";

export { AppHost } from "./app-host.ts";

type Env = WorkerEnv & { APP_HOST: DurableObjectNamespace<AppHost> };

const host = (env: Env) => env.APP_HOST.get(env.APP_HOST.idFromName("app"));

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const app = host(env);
    const response = await app.fetch(request);
    // The answer goes back at once; the work it started (the event, then the outbox drain that
    // sends the reply) runs on in the host, and this keeps the invocation alive until it ends.
    ctx.waitUntil(app.settle());
    return response;
  },

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(host(env).tick(controller.scheduledTime));
  },
};
