// Defect 7 c: WECOM_API_BASE carries the access token; plain http is refused at start unless it
// points at a loopback address (local fakes), in every mode.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.ts";

const wecom = {
  WECOM_CORP_ID: "ww0123456789abcdef",
  WECOM_AGENT_ID: "1000002",
  WECOM_SECRET: "secret",
  WECOM_TOKEN: "Token123",
  WECOM_ENCODING_AES_KEY: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe("WECOM_API_BASE", () => {
  it.each(["http://wecom.fake", "http://10.0.0.5:8080", "http://qyapi.weixin.qq.com", "http://127.example.com", "ftp://127.0.0.1/", "http://[::2]:80"])("refuses %s with one line naming the variable", (base) => {
    for (const mode of ["development", "production", "test"]) {
      const p = problems({ ...wecom, NODE_ENV: mode, WECOM_API_BASE: base });
      expect(p, `${mode} ${base}`).toHaveLength(1);
      expect(p[0]).toMatch(/^WECOM_API_BASE: .*https.*loopback.*; e\.g\. WECOM_API_BASE=https:\/\/qyapi\.weixin\.qq\.com$/);
      expect(p[0]).not.toContain("\n");
    }
  });

  it.each(["https://qyapi.weixin.qq.com", "https://proxy.example.gov.cn:8443/wecom", "http://127.0.0.1:9", "http://127.1.2.3", "http://localhost:8080", "http://[::1]:9/"])("accepts %s in every mode", (base) => {
    for (const mode of ["development", "production", "test"]) {
      expect(problems({ ...wecom, NODE_ENV: mode, WECOM_API_BASE: base }), `${mode} ${base}`).toEqual([]);
    }
  });
});
