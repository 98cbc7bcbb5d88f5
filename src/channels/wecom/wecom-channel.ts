// The WeCom channel's registry entry: its variables, limits and factory.
import { z } from "zod";
import { apiBaseUrl, requireAllOrNone } from "../api-base.ts";
import { defineChannel } from "../channel-module.ts";
import { createWecomAdapter, WECOM_CAPABILITIES, WECOM_RATE_LIMITS } from "./wecom-adapter.ts";

const REQUIRED = ["WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_ENCODING_AES_KEY"] as const;

export interface WecomConfig {
  corpId: string;
  agentId: string;
  secret: string;
  token: string;
  encodingAesKey: string;
  apiBase: string;
}

const configSchema = z
  .object({
    WECOM_CORP_ID: z.string().min(1).optional(),
    WECOM_AGENT_ID: z.string().regex(/^\d+$/, "must be the numeric AgentId").optional(),
    WECOM_SECRET: z.string().min(1).optional(),
    WECOM_TOKEN: z.string().regex(/^[A-Za-z0-9]{1,32}$/, "must be 1–32 letters or digits").optional(),
    WECOM_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, "must be exactly 43 letters or digits").optional(),
    WECOM_API_BASE: apiBaseUrl("https://qyapi.weixin.qq.com"),
  })
  .transform((e, ctx): WecomConfig | null => {
    if (!requireAllOrNone(e, REQUIRED, "WeCom", ctx)) return null;
    return { corpId: e.WECOM_CORP_ID!, agentId: e.WECOM_AGENT_ID!, secret: e.WECOM_SECRET!, token: e.WECOM_TOKEN!, encodingAesKey: e.WECOM_ENCODING_AES_KEY!, apiBase: e.WECOM_API_BASE };
  });

export const wecomChannel = defineChannel<WecomConfig>({
  name: "wecom",
  label: "企业微信",
  configSchema,
  examples: {
    WECOM_CORP_ID: "ww0123456789abcdef",
    WECOM_AGENT_ID: "1000002",
    WECOM_SECRET: "(the app's Secret from the WeCom admin console)",
    WECOM_TOKEN: "(the callback Token, 3–32 letters/digits)",
    WECOM_ENCODING_AES_KEY: "(43 characters from the WeCom admin console)",
    WECOM_API_BASE: "https://qyapi.weixin.qq.com",
  },
  capabilities: WECOM_CAPABILITIES,
  rateLimits: WECOM_RATE_LIMITS,
  create: (config, deps) => createWecomAdapter({ ...config, maxAgeSeconds: deps.maxAgeSeconds, now: deps.now, tokens: deps.tokens, ...(deps.fetch ? { fetch: deps.fetch } : {}) }),
});
