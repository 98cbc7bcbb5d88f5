import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.ts";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("has working defaults for a newcomer", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ provider: "sqlite", url: "file:./data/ipstudio.db" });
    expect(c.timeZone).toBe("Asia/Shanghai");
    expect(c.publicBaseUrl).toBe("http://localhost:3000");
    expect(c.channels).toEqual({});
    expect(c.simulatorEnabled).toBe(true);
  });

  it("selects PostgreSQL from a postgres:// URL", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u:p@127.0.0.1:5432/ipstudio" }).database.provider).toBe("postgresql");
    expect(loadConfig({ DATABASE_URL: "postgresql://u@db/ipstudio" }).database.provider).toBe("postgresql");
  });

  it("reports a bad PORT with the name, the problem and an example", () => {
    const [line] = problemsOf({ PORT: "abc" });
    expect(line).toMatch(/^PORT: /);
    expect(line).toContain('got "abc"');
    expect(line).toContain("e.g. PORT=3000");
    expect(problemsOf({ PORT: "70000" })[0]).toMatch(/^PORT: must be 1–65535/);
  });

  it("reports a bad DATABASE_URL without echoing its password", () => {
    const [line] = problemsOf({ DATABASE_URL: "mysql://root:hunter2@db/x" });
    expect(line).toMatch(/^DATABASE_URL: must be file:/);
    expect(line).not.toContain("hunter2");
  });

  it("lists every problem, one line each", () => {
    const problems = problemsOf({ PORT: "-1", LOG_LEVEL: "loud", TZ_BUSINESS: "Mars/Olympus", PUBLIC_BASE_URL: "not a url" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["LOG_LEVEL", "PORT", "PUBLIC_BASE_URL", "TZ_BUSINESS"]);
  });

  it("treats a partial WeCom set as a mistake and never prints secrets", () => {
    const problems = problemsOf({ WECOM_CORP_ID: "ww123", WECOM_SECRET: "s3cr3t-value" });
    expect(problems.some((p) => p.startsWith("WECOM_TOKEN: missing"))).toBe(true);
    expect(problems.join("\n")).not.toContain("s3cr3t-value");
    const bad = problemsOf({ WECOM_CORP_ID: "ww1", WECOM_AGENT_ID: "x", WECOM_SECRET: "s", WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: "short-key" });
    expect(bad.some((p) => p.startsWith("WECOM_AGENT_ID"))).toBe(true);
    expect(bad.some((p) => p.startsWith("WECOM_ENCODING_AES_KEY") && p.includes("***"))).toBe(true);
  });

  it("enables WeCom when all five variables are set", () => {
    const c = loadConfig({
      WECOM_CORP_ID: "wx5823bf96d3bd56c7",
      WECOM_AGENT_ID: "1000002",
      WECOM_SECRET: "secret",
      WECOM_TOKEN: "QDG6eK",
      WECOM_ENCODING_AES_KEY: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
      WECOM_API_BASE: "http://127.0.0.1:9/",
    });
    expect(c.channels.wecom).toMatchObject({ corpId: "wx5823bf96d3bd56c7", apiBase: "http://127.0.0.1:9" });
  });

  it("keeps the simulator off in production unless asked, and then requires an admin token", () => {
    expect(loadConfig({ NODE_ENV: "production" }).simulatorEnabled).toBe(false);
    expect(problemsOf({ NODE_ENV: "production", SIMULATOR_ENABLED: "true" })[0]).toMatch(/^ADMIN_TOKEN: required/);
  });
});

describe("studio number format", () => {
  it("is checked at start, so the first final approval cannot fail on it", () => {
    expect(loadConfig({ STUDIO_NUMBER_FORMAT: "ZS-{year}{seq:4}" }).studioNumberFormat).toBe("ZS-{year}{seq:4}");
    for (const bad of ["ZSIPS-{seq:3}", "ZSIPS-{year}", "ZSIPS-{year}-{seq}-{seq}", "ZSIPS-{yr}-{seq}", "ZSIPS-{year}-{seq:3"]) {
      expect(problemsOf({ STUDIO_NUMBER_FORMAT: bad })[0], bad).toMatch(/^STUDIO_NUMBER_FORMAT: must contain exactly one \{year\}/);
    }
  });
});
