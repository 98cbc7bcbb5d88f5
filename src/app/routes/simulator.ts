// The chat simulator: a page where anyone tries every persona and card in a browser (roadmap).
// Inbound goes through the generic POST /webhooks/web; this file serves the page, personas,
// history, the SSE stream and the dev-only reset. In production it sits behind an admin sign-in.
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isWebAdapter, WEB_USER_ID, type WebAdapter, type WebPushEvent } from "../../channels/web/web-adapter.ts";
import type { OutboundMessage } from "../../domain/chat.ts";
import { ForbiddenError, NotFoundError, PayloadTooLargeError, UnauthenticatedError, ValidationError } from "../../domain/errors.ts";
import { ROLE_LABELS, ROLES, type Role } from "../../domain/roles.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { DEMO_PEOPLE } from "../../storage/demo-directory.ts";
import { seedDemoStudio } from "../../storage/demo-studio.ts";
import type { AppDeps } from "../deps.ts";
import type { Services } from "../services.ts";
import { resetDemo } from "../simulator/reset-demo.ts";
import { sameSecret } from "../same-secret.ts";
import { cookieOf, createAdminSessions, SESSION_SECONDS, SIM_COOKIE, simulatorAuthorizer, simulatorRefusalAuditor } from "../simulator/simulator-auth.ts";
import { createSignInLimiter } from "../simulator/sign-in-limiter.ts";
import { signInPage, simulatorPage } from "../simulator/simulator-page.ts";
import { newNonce, setPageHeaders } from "./page-security.ts";

const HEARTBEAT_MS = 15_000;
const HISTORY_LIMIT = 300;

// ---------- routes ----------

export interface SimulatorDeps extends AppDeps {
  services: Pick<Services, "adapters" | "settle">;
}

/** Every route 404s unless the simulator is enabled and the web channel exists. */
export function simulatorRoutes(deps: SimulatorDeps) {
  const app = new Hono().basePath("/simulator");
  const web = deps.services.adapters.web;
  if (!deps.config.simulatorEnabled || !isWebAdapter(web)) return app;
  const { config, db } = deps;
  const production = config.env === "production";
  const sessions = createAdminSessions(db.prisma, () => deps.clock.now());
  const authorize = simulatorAuthorizer(config, sessions, simulatorRefusalAuditor({ prisma: db.prisma, clock: deps.clock, logger: deps.logger }));
  const limiter = createSignInLimiter({ now: () => deps.clock.now().getTime() });
  const html = (c: Context, body: (nonce: string) => string, status: 200 | 401 | 403 | 429 = 200) => {
    const nonce = newNonce();
    setPageHeaders(c, nonce, "connect-src 'self'; img-src 'self' data:; form-action 'self'");
    return c.html(body(nonce), status);
  };

  // A sign-in form is a few bytes; cap it like every other body.
  app.post("/login", bodyLimit({ maxSize: 4096, onError: () => { throw new PayloadTooLargeError("sign-in body too large"); } }), async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof form["token"] === "string" ? form["token"] : "";
    if (!production) return c.redirect("/simulator", 303);
    const client = clientAddress(c);
    const wait = limiter.retryAfter(client);
    if (wait > 0) {
      deps.logger.warn({ path: c.req.path, retryAfter: wait }, "simulator sign-in rate-limited");
      c.header("retry-after", String(wait));
      return html(c, (n) => signInPage(n, `尝试次数过多，请 ${wait} 秒后再试`), 429);
    }
    if (!config.adminToken || !(await sameSecret(token, config.adminToken))) {
      limiter.failed(client);
      deps.logger.warn({ path: c.req.path }, "simulator sign-in refused");
      return html(c, (n) => signInPage(n, "令牌不正确"), 403);
    }
    limiter.succeeded(client);
    const session = await sessions.create();
    c.header("set-cookie", `${SIM_COOKIE}=${session.token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${SESSION_SECONDS}`);
    return c.redirect("/simulator", 303);
  });

  // Sign-out revokes the session server-side (a copied cookie stops working too).
  app.post("/logout", async (c) => {
    const token = cookieOf(c.req.raw, SIM_COOKIE);
    if (token && (await sessions.revoke(token))) deps.logger.info("simulator: admin signed out");
    c.header("set-cookie", `${SIM_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`);
    return c.redirect("/simulator", 303);
  });

  app.use("*", async (c, next) => {
    if (!authorize || c.req.path === "/simulator/login" || c.req.path === "/simulator/logout") return next();
    try {
      await authorize(c.req.raw);
    } catch (err) {
      // The page itself answers with the sign-in form; the API with the JSON error.
      if (c.req.path === "/simulator" && (err instanceof UnauthenticatedError || err instanceof ForbiddenError)) {
        return html(c, (n) => signInPage(n, err instanceof ForbiddenError ? "登录已失效，请重新登录" : ""), err instanceof ForbiddenError ? 403 : 401);
      }
      throw err;
    }
    return next();
  });

  app.get("/", (c) => html(c, simulatorPage));

  // The demo's running studio, added on the first visit (not at start, so the demo directory
  // tests count stays as seeded); never in production, never into a real directory.
  const studioDeps = () => ({ now: deps.clock.now(), timeZone: config.timeZone, studioNumberFormat: config.studioNumberFormat });
  let demoStudio: Promise<unknown> | undefined;
  app.get("/api/personas", async (c) => {
    if (!production) await (demoStudio ??= seedDemoStudio(db.prisma, studioDeps()).catch((err) => ((demoStudio = undefined), deps.logger.warn({ err }, "simulator: demo studio not added"))));
    return c.json({ personas: await personas(db.prisma), canReset: !production });
  });

  app.get("/api/history", async (c) => c.json({ items: await history(db.prisma, userIdParam(c)) }));

  app.get("/api/stream", (c) => sseStream(web, userIdParam(c), c.req.raw.signal));

  app.post("/api/reset", async (c) => {
    if (production) throw new NotFoundError("reset is for development only");
    // JSON only, so a cross-site form cannot wipe a developer's data.
    if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) throw new ValidationError("reset: Content-Type must be application/json");
    await resetDemo(db.prisma, deps.services, studioDeps());
    await web.broadcastReset();
    deps.logger.info("simulator: demo data reset");
    return c.json({ ok: true });
  });

  return app;
}

/**
 * Who is signing in, for the rate limit: the peer the runtime entry names (`env.peer`: on Workers
 * CF-Connecting-IP, which Cloudflare sets) or Node's socket peer, or behind a local/private reverse
 * proxy the address that proxy appended to X-Forwarded-For (a client cannot forge the last entry).
 */
function clientAddress(c: Context): string {
  const env = c.env as { peer?: string; incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const peer = env?.peer ?? env?.incoming?.socket?.remoteAddress ?? "";
  const proxied = /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|::ffff:(127|10|192\.168)\.|f[cd][0-9a-f]{2}:)/i.test(peer);
  const forwarded = c.req.header("x-forwarded-for")?.split(",").pop()?.trim();
  return (proxied && forwarded ? forwarded : peer).slice(0, 64) || "unknown";
}

function userIdParam(c: Context): string {
  const id = c.req.query("userId") ?? "";
  if (!WEB_USER_ID.test(id)) throw new ValidationError("userId is missing or malformed");
  return id;
}

// ---------- personas ----------

export interface Persona {
  userId: string;
  personId: string;
  name: string;
  title: string | null;
  roles: { role: Role; label: string; town: string | null; enterprise: string | null; agency: string | null }[];
}

async function personas(prisma: PrismaClient): Promise<Persona[]> {
  const rows = await prisma.channelIdentity.findMany({
    where: { channel: "web" },
    include: { person: { include: { roles: { where: { revokedAt: null }, include: { town: true, enterprise: true, agency: true } } } } },
  });
  const list = rows.map((r) => ({
    userId: r.externalId,
    personId: r.personId,
    name: r.person.name,
    title: r.person.title,
    roles: r.person.roles.map((g) => ({
      role: g.role as Role,
      label: ROLE_LABELS[g.role as Role] ?? g.role,
      town: g.town?.name ?? null,
      enterprise: g.enterprise?.name ?? null,
      agency: g.agency?.name ?? null,
    })),
  }));
  // Role order of the standard, then the demo directory's order, then name.
  const rank = (p: Persona) => Math.min(99, ...p.roles.map((r) => ROLES.indexOf(r.role)).filter((i) => i >= 0));
  const demo = (p: Persona) => {
    const i = DEMO_PEOPLE.findIndex((d) => d.id === p.personId);
    return i < 0 ? 999 : i;
  };
  return list.sort((a, b) => rank(a) - rank(b) || demo(a) - demo(b) || a.name.localeCompare(b.name, "zh-CN"));
}

// ---------- history ----------

export type HistoryItem =
  | { from: "bot"; id: string; at: string; message: Exclude<OutboundMessage, { kind: "card_update" }>; finalText?: string }
  | { from: "user"; id: string; at: string; text?: string; tap?: string };

/** The conversation as the page shows it: sent messages (card updates applied) and what the user typed or tapped. */
async function history(prisma: PrismaClient, userId: string): Promise<HistoryItem[]> {
  const [out, inbound] = await Promise.all([
    prisma.outboxMessage.findMany({
      where: { channel: "web", externalUserId: userId, status: { not: "DEAD" } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: HISTORY_LIMIT * 2,
    }),
    prisma.inboundEvent.findMany({
      where: { channel: "web", dedupeKey: { startsWith: `${userId}:` } },
      orderBy: { receivedAt: "desc" },
      take: HISTORY_LIMIT,
    }),
  ]);
  const finals = new Map<string, string>();
  const labels = new Map<string, string>(); // cardId + key → button label
  const bot: HistoryItem[] = [];
  for (const row of out.reverse()) {
    const m = JSON.parse(row.payloadJson) as OutboundMessage;
    if (m.kind === "card_update") {
      finals.set(m.cardId, m.replaceName);
      continue;
    }
    if (m.kind === "card") for (const b of m.card.buttons) labels.set(`${m.card.id}\u0000${b.key}`, b.label);
    // Unsent rows have no id yet; they arrive on the stream when sent.
    // nextAttemptAt: when it became due on the app's clock, the clock inbound receivedAt uses too.
    if (row.status === "SENT" && row.externalId) bot.push({ from: "bot", id: row.externalId, at: row.nextAttemptAt.toISOString(), message: m });
  }
  for (const item of bot) {
    if (item.from === "bot" && item.message.kind === "card") {
      const f = finals.get(item.message.card.id);
      if (f) item.finalText = f;
    }
  }
  const user: HistoryItem[] = [];
  for (const row of inbound.reverse()) {
    const e = JSON.parse(row.payloadJson) as { kind: string; text?: string; key?: string; cardId?: string };
    const id = row.dedupeKey.slice(userId.length + 1);
    const at = row.receivedAt.toISOString();
    if (e.kind === "text") user.push({ from: "user", id, at, text: e.text ?? "" });
    else if (e.kind === "button") user.push({ from: "user", id, at, tap: labels.get(`${e.cardId}\u0000${e.key}`) ?? e.key ?? "" });
  }
  return mergeByTime(user, bot.slice(-HISTORY_LIMIT)).slice(-HISTORY_LIMIT);
}

/** Merges two lists already in order; on a tie what the user did comes before the answer. */
function mergeByTime(user: HistoryItem[], bot: HistoryItem[]): HistoryItem[] {
  const out: HistoryItem[] = [];
  let i = 0;
  let j = 0;
  while (i < user.length || j < bot.length) {
    if (j >= bot.length || (i < user.length && user[i]!.at <= bot[j]!.at)) out.push(user[i++]!);
    else out.push(bot[j++]!);
  }
  return out;
}

// ---------- live stream ----------

/** Server-Sent Events: "ready" once subscribed, then one data line per push; comments as heartbeat. */
function sseStream(web: WebAdapter, userId: string, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const end = () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      const write = (s: string) => {
        try {
          controller.enqueue(encoder.encode(s));
        } catch {
          cleanup(); // the client is gone
        }
      };
      const unsubscribe = web.subscribe(userId, (ev: WebPushEvent) => (ev.type === "close" ? end() : write(`data: ${JSON.stringify(ev)}\n\n`)));
      const beat = setInterval(() => write(`: ping\n\n`), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(beat);
        unsubscribe();
        signal.removeEventListener("abort", end);
      };
      signal.addEventListener("abort", end);
      write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}

