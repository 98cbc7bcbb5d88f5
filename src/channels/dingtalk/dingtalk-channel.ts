// The DingTalk channel as the registry sees it: its variables, capabilities and factory.
import { z } from "zod";
import { defineChannel } from "../channel-module.ts";
import { createDingtalkAdapter, dingtalkCapabilities } from "./dingtalk-adapter.ts";

export interface DingtalkConfig {
  appKey: string;
  appSecret: string;
  robotCode: string;
  apiBase: string;
  callbackToken?: string;
  callbackAesKey?: string;
  cardTemplateId?: string;
  cardRouteKey?: string;
}

const REQUIRED = ["DINGTALK_APP_KEY", "DINGTALK_APP_SECRET", "DINGTALK_ROBOT_CODE"] as const;
const CALLBACK = ["DINGTALK_CALLBACK_TOKEN", "DINGTALK_CALLBACK_AES_KEY"] as const;
const CARDS = ["DINGTALK_CARD_TEMPLATE_ID", "DINGTALK_CARD_ROUTE_KEY"] as const;
const ALL = [...REQUIRED, "DINGTALK_API_BASE", ...CALLBACK, ...CARDS] as const;
type Var = (typeof ALL)[number];

const EXAMPLES: Record<Var, string> = {
  DINGTALK_APP_KEY: "dingxxxxxxxxxxxxxxxx (the app's AppKey / Client ID)",
  DINGTALK_APP_SECRET: "(the app's AppSecret / Client Secret)",
  DINGTALK_ROBOT_CODE: "dingxxxxxxxxxxxxxxxx (the robot's RobotCode, often the AppKey)",
  DINGTALK_API_BASE: "https://api.dingtalk.com",
  DINGTALK_CALLBACK_TOKEN: "(事件订阅 签名 Token)",
  DINGTALK_CALLBACK_AES_KEY: "(事件订阅 加密 aes_key, 43 characters)",
  DINGTALK_CARD_TEMPLATE_ID: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.schema",
  DINGTALK_CARD_ROUTE_KEY: "(callbackRouteKey registered for https://<host>/webhooks/dingtalk)",
};

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/i;
const TOKENISH = /^\S{1,256}$/;

/** Problem with one value, or undefined. */
function check(name: Var, v: string): string | undefined {
  switch (name) {
    case "DINGTALK_API_BASE": {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        return "must be an absolute URL";
      }
      const ok = u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.test(u.hostname));
      return ok ? undefined : "must use https (plain http only to a loopback address: 127.0.0.0/8, ::1 or localhost)";
    }
    case "DINGTALK_CALLBACK_AES_KEY":
      return /^[A-Za-z0-9+/]{43}$/.test(v) ? undefined : "must be exactly 43 letters or digits";
    case "DINGTALK_CARD_TEMPLATE_ID":
    case "DINGTALK_CARD_ROUTE_KEY":
      return /^[\w.\-@]{1,128}$/.test(v) ? undefined : "must be 1–128 letters, digits, or . _ - @";
    default:
      return TOKENISH.test(v) ? undefined : "must be 1–256 characters without spaces";
  }
}

/** Over the whole environment: null when no DINGTALK_ variable is set (empty counts as unset). */
export const dingtalkConfigSchema = z.record(z.string(), z.unknown()).transform((env, ctx): DingtalkConfig | null => {
  const val = (k: Var): string | undefined => (typeof env[k] === "string" && env[k] !== "" ? (env[k] as string) : undefined);
  const set = ALL.filter((k) => val(k) !== undefined);
  if (set.length === 0) return null;
  const issue = (k: Var, message: string) => ctx.addIssue({ code: "custom", path: [k], message });
  for (const k of set) {
    const p = check(k, val(k)!);
    if (p) issue(k, p);
  }
  for (const k of REQUIRED) if (val(k) === undefined) issue(k, `missing; the DingTalk channel needs all of ${REQUIRED.join(", ")}`);
  for (const group of [CALLBACK, CARDS]) {
    if (group.some((k) => val(k) !== undefined)) for (const k of group) if (val(k) === undefined) issue(k, `missing; set ${group.join(" and ")} together`);
  }
  if (ctx.issues.length > 0) return z.NEVER;
  const cfg: DingtalkConfig = {
    appKey: val("DINGTALK_APP_KEY")!,
    appSecret: val("DINGTALK_APP_SECRET")!,
    robotCode: val("DINGTALK_ROBOT_CODE")!,
    apiBase: (val("DINGTALK_API_BASE") ?? "https://api.dingtalk.com").replace(/\/+$/, ""),
  };
  if (val("DINGTALK_CALLBACK_TOKEN")) Object.assign(cfg, { callbackToken: val("DINGTALK_CALLBACK_TOKEN"), callbackAesKey: val("DINGTALK_CALLBACK_AES_KEY") });
  if (val("DINGTALK_CARD_TEMPLATE_ID")) Object.assign(cfg, { cardTemplateId: val("DINGTALK_CARD_TEMPLATE_ID"), cardRouteKey: val("DINGTALK_CARD_ROUTE_KEY") });
  return cfg;
});

export const dingtalkChannel = defineChannel<DingtalkConfig>({
  signsWithSecret: true,
  name: "dingtalk",
  label: "钉钉",
  configSchema: dingtalkConfigSchema,
  examples: EXAMPLES,
  // With a card template; an app without one has no buttons (the adapter reports its own).
  capabilities: dingtalkCapabilities(true),
  // DingTalk publishes no per-member cap for robot one-to-one messages that we could find; this
  // is our own pacing, well under its app-wide QPS limits.
  rateLimits: { perMinute: 20, perHour: 600 },
  create: (config, deps) =>
    createDingtalkAdapter({
      ...config,
      tokens: deps.tokens,
      signingSecret: deps.signingSecret,
      maxAgeSeconds: deps.maxAgeSeconds,
      now: deps.now,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }),
});
