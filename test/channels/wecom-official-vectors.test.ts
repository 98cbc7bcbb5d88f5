// WeCom's own sample vectors, copied verbatim from the official PHP callback sample:
//   github.com/sbzhu/weworkapi_php, callback/Sample.php (commit f2c836f57187c5390546a70e99be54251c56a95c)
// (the sample linked from https://developer.work.weixin.qq.com/document/path/90968).
// Sample.php gives the inputs and the decrypted message XML. It does not print the echostr's
// plaintext; "1616140317555161061" is what that echostr decrypts to (checked here, and the same
// value appears in many independent test suites built on the same sample).
import { describe, expect, it } from "vitest";
import { createWecomAdapter } from "../../src/channels/wecom/wecom-adapter.ts";
import { computeSignature, decryptForCorp } from "../../src/channels/wecom/wecom-crypto.ts";
import { UnauthenticatedError } from "../../src/domain/errors.ts";

const encodingAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const token = "QDG6eK";
const corpId = "wx5823bf96d3bd56c7";

// 使用示例一：验证回调URL (the GET line, URL-encoded exactly as in the sample)
const verifyQuery =
  "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780" +
  "&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";
const echostr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
const echoPlain = "1616140317555161061";

// 使用示例二：对用户回复的消息解密
const msgQuery = "msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149";
const encrypt =
  "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
const reqData =
  "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" +
  encrypt +
  "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
const expectedPlainXml =
  "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n" +
  "<FromUserName><![CDATA[mycreate]]></FromUserName>\n" +
  "<CreateTime>1409659813</CreateTime>\n" +
  "<MsgType><![CDATA[text]]></MsgType>\n" +
  "<Content><![CDATA[hello]]></Content>\n" +
  "<MsgId>4561255354251345929</MsgId>\n" +
  "<AgentID>218</AgentID>\n" +
  "</xml>";

const noNetwork: typeof fetch = () => Promise.reject(new Error("no API call expected"));

function adapter(maxAgeSeconds: number) {
  return createWecomAdapter({ corpId, agentId: 218, secret: "unused", token, encodingAesKey, maxAgeSeconds, fetch: noNetwork });
}

describe("wecom official sample vectors", () => {
  it("signatures and ciphertexts match the sample", () => {
    expect(computeSignature(token, "1409659589", "263014780", echostr)).toBe("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
    expect(computeSignature(token, "1409659813", "1372623149", encrypt)).toBe("477715d11cdb4164915debcba66cb864d751f3e6");
    expect(decryptForCorp(encodingAesKey, encrypt, corpId)).toBe(expectedPlainXml);
    expect(decryptForCorp(encodingAesKey, echostr, corpId)).toBe(echoPlain);
  });

  it("URL verification answers the echostr plaintext (age check off)", async () => {
    const r = await adapter(0).handleRequest(new Request(`https://bot.test/wecom/callback?${verifyQuery}`));
    expect(r.response.status).toBe(200);
    expect(r.response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await r.response.text()).toBe(echoPlain);
    expect(r.events).toEqual([]);
  });

  it("the sample message decrypts to one text event", async () => {
    const req = new Request(`https://bot.test/wecom/callback?${msgQuery}`, { method: "POST", body: reqData });
    const r = await adapter(0).handleRequest(req);
    expect(r.response.status).toBe(200);
    expect(await r.response.text()).toBe("");
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      kind: "text",
      text: "hello",
      sender: { channel: "wecom", userId: "mycreate" },
      dedupeKey: "msg:4561255354251345929",
    });
  });

  it("the same 2014 vectors are stale with the default 300 s window", async () => {
    await expect(adapter(300).handleRequest(new Request(`https://bot.test/cb?${verifyQuery}`))).rejects.toBeInstanceOf(UnauthenticatedError);
    const req = new Request(`https://bot.test/cb?${msgQuery}`, { method: "POST", body: reqData });
    await expect(adapter(300).handleRequest(req)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("the sample refuses a different configured CorpID", async () => {
    const other = createWecomAdapter({ corpId: "ww0000000000000", agentId: 218, secret: "x", token, encodingAesKey, maxAgeSeconds: 0, fetch: noNetwork });
    await expect(other.handleRequest(new Request(`https://bot.test/cb?${verifyQuery}`))).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe("wecom official sample vectors through the real routes", () => {
  it("verifies the URL and handles the sample message end to end (age check off)", async () => {
    const { createRuntime } = await import("../../src/app/create-app.ts");
    const { loadConfig } = await import("../../src/config/config.ts");
    const { seedDatabase } = await import("../../src/storage/seed.ts");
    const { createFakeWecom } = await import("../fakes/fake-wecom-api.ts");
    const { createTestDatabase } = await import("../support/test-db.ts");
    const { memoryLogger } = await import("../support/silent-logger.ts");
    const t = await createTestDatabase();
    await seedDatabase(t.db.prisma, { production: false });
    const fake = createFakeWecom({ corpId, secret: "sample-secret", agentId: 218 });
    const config = loadConfig({
      WECOM_CORP_ID: corpId,
      WECOM_AGENT_ID: "218",
      WECOM_SECRET: "sample-secret",
      WECOM_TOKEN: token,
      WECOM_ENCODING_AES_KEY: encodingAesKey,
      WECOM_API_BASE: "http://127.0.0.1:9",
      WEBHOOK_MAX_AGE_SECONDS: "0",
    });
    const { app, services } = createRuntime({ config, db: t.db, logger: memoryLogger().logger, clock: { now: () => new Date() }, fetch: fake.fetch });
    try {
      const verify = await app.request(`/webhooks/wecom?${verifyQuery}`);
      expect(verify.status).toBe(200);
      expect(await verify.text()).toBe(echoPlain);

      const res = await app.request(`/webhooks/wecom?${msgQuery}`, { method: "POST", body: reqData, headers: { "content-type": "text/xml" } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
      await services.settle();
      await services.dispatcher.drain();
      const stored = await t.db.prisma.inboundEvent.findFirstOrThrow();
      expect(stored).toMatchObject({ channel: "wecom", dedupeKey: "msg:4561255354251345929", status: "DONE" });
      expect(JSON.parse(stored.payloadJson)).toMatchObject({ kind: "text", text: "hello", sender: { channel: "wecom", userId: "mycreate" } });
      // "hello" is answered with the menu, through the outbox, to the (fake) WeCom API.
      expect(fake.sent.map((s) => [s.touser, s.msgtype])).toEqual([["mycreate", "template_card"]]);
    } finally {
      await services.settle();
      await t.drop();
    }
  });
});
