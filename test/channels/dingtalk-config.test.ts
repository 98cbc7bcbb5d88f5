import { describe, expect, it } from "vitest";
import { dingtalkChannel } from "../../src/channels/dingtalk/dingtalk-channel.ts";
import { memoryTokenStore } from "../../src/channels/token-store.ts";
import { loadConfig } from "../../src/config/config.ts";

const base = { DINGTALK_APP_KEY: "dingkey01", DINGTALK_APP_SECRET: "secret-01", DINGTALK_ROBOT_CODE: "dingkey01" };
const parse = (env: Record<string, string | undefined>) => dingtalkChannel.configSchema.safeParse(env);
const issues = (env: Record<string, string | undefined>) => {
  const r = parse(env);
  return r.success ? [] : r.error.issues.map((i) => String(i.path[0]));
};

describe("dingtalk config", () => {
  it("is null when no DINGTALK_ variable is set (empty ones count as unset)", () => {
    expect(parse({ PORT: "3000", DINGTALK_APP_KEY: "" })).toEqual({ success: true, data: null });
  });

  it("takes the three required ones, defaulting the API base", () => {
    expect(parse(base).data).toEqual({ appKey: "dingkey01", appSecret: "secret-01", robotCode: "dingkey01", apiBase: "https://api.dingtalk.com" });
  });

  it("names each missing required variable", () => {
    expect(issues({ DINGTALK_APP_KEY: "k" }).sort()).toEqual(["DINGTALK_APP_SECRET", "DINGTALK_ROBOT_CODE"]);
    expect(issues({ DINGTALK_API_BASE: "https://api.dingtalk.com" }).sort()).toEqual(["DINGTALK_APP_KEY", "DINGTALK_APP_SECRET", "DINGTALK_ROBOT_CODE"]);
  });

  it("wants https, or http only to loopback", () => {
    expect(issues({ ...base, DINGTALK_API_BASE: "http://api.dingtalk.com" })).toEqual(["DINGTALK_API_BASE"]);
    expect(issues({ ...base, DINGTALK_API_BASE: "not a url" })).toEqual(["DINGTALK_API_BASE"]);
    expect(parse({ ...base, DINGTALK_API_BASE: "http://127.0.0.1:9999/" }).data).toMatchObject({ apiBase: "http://127.0.0.1:9999" });
  });

  it("takes the callback token and 43-character aes key together, and the card template with its route key", () => {
    expect(issues({ ...base, DINGTALK_CALLBACK_TOKEN: "t" })).toEqual(["DINGTALK_CALLBACK_AES_KEY"]);
    expect(issues({ ...base, DINGTALK_CALLBACK_TOKEN: "t", DINGTALK_CALLBACK_AES_KEY: "short" })).toEqual(["DINGTALK_CALLBACK_AES_KEY"]);
    expect(issues({ ...base, DINGTALK_CARD_ROUTE_KEY: "r" })).toEqual(["DINGTALK_CARD_TEMPLATE_ID"]);
    const full = parse({ ...base, DINGTALK_CALLBACK_TOKEN: "t", DINGTALK_CALLBACK_AES_KEY: "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij", DINGTALK_CARD_TEMPLATE_ID: "abc-123.schema", DINGTALK_CARD_ROUTE_KEY: "r1" }).data;
    expect(full).toMatchObject({ callbackToken: "t", callbackAesKey: "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij", cardTemplateId: "abc-123.schema", cardRouteKey: "r1" });
  });

  it("has an example per variable, and its adapter's capabilities follow the card template", () => {
    for (const k of ["DINGTALK_APP_KEY", "DINGTALK_APP_SECRET", "DINGTALK_ROBOT_CODE", "DINGTALK_API_BASE", "DINGTALK_CALLBACK_TOKEN", "DINGTALK_CALLBACK_AES_KEY", "DINGTALK_CARD_TEMPLATE_ID", "DINGTALK_CARD_ROUTE_KEY"]) {
      expect(dingtalkChannel.examples[k], k).toBeTruthy();
    }
    const deps = { now: () => new Date(), maxAgeSeconds: 300, tokens: memoryTokenStore(), signingSecret: "s".repeat(32) };
    expect(dingtalkChannel.create(parse(base).data, deps).capabilities.buttons).toBe(false);
    const withCards = parse({ ...base, DINGTALK_CARD_TEMPLATE_ID: "t.schema", DINGTALK_CARD_ROUTE_KEY: "r" }).data;
    expect(dingtalkChannel.create(withCards, deps).capabilities).toMatchObject({ buttons: true, cardUpdate: true, maxButtons: 6, cardHandle: { singleUse: false } });
  });
});

describe("dingtalk config through loadConfig", () => {
  it("turns the channel on; production refuses to start without SIGNING_SECRET (its buttons are signed)", () => {
    expect(loadConfig(base).channels["dingtalk"]).toMatchObject({ appKey: "dingkey01" });
    expect(() => loadConfig({ ...base, NODE_ENV: "production" })).toThrow(/SIGNING_SECRET: required in production with 钉钉/);
    expect(loadConfig({ ...base, NODE_ENV: "production", SIGNING_SECRET: "x".repeat(32) }).channels["dingtalk"]).toBeDefined();
  });
});
