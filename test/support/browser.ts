import { afterAll, beforeAll } from "vitest";
// Browser tests against the real server: Debian's Chromium driven by playwright-core.
// Helpers speak the simulator's language (open a persona, send, tap, read the bot) so a journey
// across several personas' tabs reads like the story it tests.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startNode } from "../../src/entry/start-node.ts";

export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Skip only on a developer machine without Chromium; in CI a missing browser must fail. */
export const skipBrowserTests = !existsSync(CHROMIUM_PATH) && !process.env.CI;
export const SCREENSHOT_DIR = join(import.meta.dirname, "../../test-results/screenshots");
const WAIT_MS = 10_000;

export interface SimulatorServer {
  baseUrl: string;
  /** The server's SQLite file, for a test that seeds or inspects rows (WAL: safe alongside). */
  databaseUrl: string;
  stop(): Promise<void>;
}

/** The real product on 127.0.0.1 with a fresh SQLite database (migrated and demo-seeded by startNode). */
export async function startSimulatorServer(env: Record<string, string> = {}): Promise<SimulatorServer> {
  const dir = mkdtempSync(join(tmpdir(), "ipstudio-browser-"));
  const databaseUrl = `file:${join(dir, "sim.db")}`;
  const running = await startNode({ env: { DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", ...env }, listenPort: 0 });
  return {
    baseUrl: `http://127.0.0.1:${running.port}`,
    databaseUrl,
    async stop() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession {
  context: BrowserContext;
  /** Console errors and uncaught page errors from every tab, as "<tab>: <text>". */
  errors: string[];
  /** A new tab signed in as this persona (`?as=`), once its live stream is connected. */
  openAs(personId: string): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Headless Chromium with a phone-sized viewport; all tabs share one context, like one phone's browser. */
export async function launchBrowser(baseUrl: string, opts: { viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), "ipstudio-chromium-"));
  // launchPersistentContext is how playwright takes a --user-data-dir; a fresh one per run.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: opts.viewport ?? { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    baseURL: baseUrl,
  });
  const errors: string[] = [];
  // The persistent context opens a blank tab of its own; close it so tabs are only ours.
  for (const p of context.pages()) await p.close();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    errors,
    async openAs(personId) {
      const page = await context.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(`${personId}: console: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`${personId}: pageerror: ${e.message}`));
      await page.goto(`/simulator?as=${encodeURIComponent(personId)}`);
      await page.locator('#status[data-state="live"]').waitFor({ timeout: WAIT_MS });
      return page;
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Type a message and press send. */
export async function send(page: Page, text: string): Promise<void> {
  await page.locator("#input").fill(text);
  await page.locator("#send").click();
}

/** Tap the newest enabled button with this label (older cards may still show the same one). */
export async function tapButton(page: Page, label: string): Promise<void> {
  // Exact label: "同意" must not hit "不同意".
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
  await page.locator(".card .buttons button:enabled", { hasText: exact }).last().click({ timeout: WAIT_MS });
}

export function botMessages(page: Page) {
  return page.locator("#chat .msg.bot");
}

export async function botMessageCount(page: Page): Promise<number> {
  return botMessages(page).count();
}

/** Text of the bot's newest message (a card's title, description, facts and buttons). */
export async function lastBotMessage(page: Page): Promise<string> {
  return (await botMessages(page).last().innerText({ timeout: WAIT_MS })).trim();
}

/** Waits until the bot has sent more than `count` messages; returns the newest one's text. */
export async function waitForNewBotMessage(page: Page, count: number): Promise<string> {
  await page.waitForFunction((n) => document.querySelectorAll("#chat .msg.bot").length > n, count, { timeout: WAIT_MS });
  return lastBotMessage(page);
}

/** Waits until some bot message contains the text. */
export async function waitForBotText(page: Page, text: string): Promise<void> {
  await botMessages(page).filter({ hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

/** Waits until a card shows a final state (its buttons replaced) containing the text. */
export async function waitForCardFinal(page: Page, text: string): Promise<void> {
  await page.locator(".card.done .final", { hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

/**
 * One real server and one Chromium for the enclosing describe block; call it inside describe().
 * The browser closes first: its open SSE streams would otherwise keep the server from closing.
 */
export function useSimulator(env: Record<string, string> = {}, opts: { viewport?: { width: number; height: number } } = {}): { readonly server: SimulatorServer; readonly session: BrowserSession } {
  let server: SimulatorServer | undefined;
  let session: BrowserSession | undefined;
  beforeAll(async () => {
    server = await startSimulatorServer(env);
    session = await launchBrowser(server.baseUrl, opts);
  }, 60_000);
  afterAll(async () => {
    await session?.close();
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get session() {
      return session!;
    },
  };
}
