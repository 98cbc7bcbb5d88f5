import { createRuntime } from "../../src/app/create-app.ts";
import type { Clock } from "../../src/app/deps.ts";
import { loadConfig } from "../../src/config/config.ts";
import { resvgScoreChartRenderer } from "../../src/app/reports/score-chart.node.ts";
import type { FlowDefinition } from "../../src/flows/flow-schema.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { createFakeWecom, type FakeWecom, type FakeSent } from "../fakes/fake-wecom-api.ts";
import { cardClickXml, enterAgentXml, signCallback, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { memoryLogger } from "./silent-logger.ts";
import { createTestDatabase, type TestDatabase, type TestProvider } from "./test-db.ts";

export const WECOM = {
  corpId: "wwTestCorp0001",
  agentId: "1000002",
  secret: "test-secret",
  token: "TestToken123",
  encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
};

/** The WeCom channel's variables for the test app (`apiBase`: where its fake answers). */
export const wecomVars = (apiBase = "http://127.0.0.1:9") => ({
  WECOM_CORP_ID: WECOM.corpId,
  WECOM_AGENT_ID: WECOM.agentId,
  WECOM_SECRET: WECOM.secret,
  WECOM_TOKEN: WECOM.token,
  WECOM_ENCODING_AES_KEY: WECOM.encodingAesKey,
  WECOM_API_BASE: apiBase,
});

/** A clock tests can move. */
export function testClock(start = new Date()): Clock & { set(d: Date): void; advance(ms: number): void } {
  let t = start.getTime();
  return { now: () => new Date(t), set: (d) => (t = d.getTime()), advance: (ms) => (t += ms) };
}

export interface WecomHarness {
  t: TestDatabase;
  fake: FakeWecom;
  readonly runtime: ReturnType<typeof createRuntime>;
  config: ReturnType<typeof loadConfig>;
  /** Replace the running app over the same database (a restart). */
  restart(opts?: { flows?: FlowDefinition[] }): void;
  clock: ReturnType<typeof testClock>;
  logs: ReturnType<typeof memoryLogger>;
  /** POST a signed text message through the real route; resolves when handled and sent. */
  text(userId: string, content: string, opts?: { msgId?: string }): Promise<Response>;
  click(userId: string, key: string, taskId: string): Promise<Response>;
  enter(userId: string): Promise<Response>;
  /** POST a raw signed callback (for redelivery tests). */
  post(innerXml: string): Promise<Response>;
  settle(): Promise<void>;
  to(userId: string): FakeSent[];
  close(): Promise<void>;
}

let msgSeq = 1;

export async function createWecomHarness(opts: { env?: Record<string, string>; seedDemo?: boolean; clock?: ReturnType<typeof testClock>; flows?: FlowDefinition[]; logLevel?: string; provider?: TestProvider } = {}): Promise<WecomHarness> {
  const t = await createTestDatabase(opts.provider);
  await seedDatabase(t.db.prisma, { production: opts.seedDemo === false });
  const clock = opts.clock ?? testClock();
  const fake = createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, now: clock.now });
  const logs = memoryLogger(opts.logLevel ?? "info");
  const chartRenderer = resvgScoreChartRenderer; // the Node entry's PNG chart
  const config = loadConfig({
    ...wecomVars(),
    ...opts.env,
  });
  let runtime = createRuntime({ config, db: t.db, logger: logs.logger, clock, fetch: fake.fetch, flows: opts.flows, chartRenderer });
  const settle = async () => {
    await runtime.services.settle();
    await runtime.services.dispatcher.drain();
  };
  const post = async (innerXml: string) => {
    // People take a few seconds per message; without this WeCom's 30/min cap defers replies.
    clock.advance(3_000);
    const signed = signCallback({ ...WECOM, innerXml, timestamp: Math.floor(clock.now().getTime() / 1000), agentId: WECOM.agentId });
    const res = await runtime.app.request(`/webhooks/wecom?${signed.query}`, { method: "POST", body: signed.body, headers: { "content-type": "text/xml" } });
    await settle();
    return res;
  };
  const createTime = () => Math.floor(clock.now().getTime() / 1000);
  return {
    t,
    fake,
    config,
    get runtime() {
      return runtime;
    },
    restart(o) {
      runtime = createRuntime({ config, db: t.db, logger: logs.logger, clock, fetch: fake.fetch, flows: o?.flows ?? opts.flows, chartRenderer });
    },
    clock,
    logs,
    post,
    settle,
    text: (userId, content, o) =>
      post(textMessageXml({ toUser: WECOM.corpId, fromUser: userId, content, msgId: o?.msgId ?? String(1_000_000 + msgSeq++), createTime: createTime(), agentId: WECOM.agentId })),
    click: (userId, key, taskId) =>
      post(cardClickXml({ fromUser: userId, eventKey: key, taskId, responseCode: fake.issueResponseCode(userId, taskId), createTime: createTime(), agentId: WECOM.agentId })),
    enter: (userId) => post(enterAgentXml({ fromUser: userId, createTime: createTime(), agentId: WECOM.agentId })),
    to: (userId) => fake.sent.filter((s) => s.touser === userId),
    async close() {
      await settle();
      await t.drop();
    },
  };
}
