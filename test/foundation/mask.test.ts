import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { maskCreditCodes, maskMobiles, scrubForLog } from "../../src/domain/mask.ts";
import { createLogger } from "../../src/log/logger.ts";

describe("log hygiene", () => {
  it("masks mainland mobiles, also inside text and with +86 or dashes", () => {
    expect(maskMobiles("13812345678")).toBe("138****5678");
    expect(maskMobiles("联系人手机 +86 138-1234-5678 谢谢")).toBe("联系人手机 138****5678 谢谢");
    expect(maskMobiles("订单 2138123456789")).toBe("订单 2138123456789"); // not a mobile: part of a longer number
  });

  it("masks unified social credit codes, also inside text, and leaves other words alone", () => {
    expect(maskCreditCodes("91350100M000100Y43")).toBe("9135************43");
    expect(maskCreditCodes("信用代码 91440101mA59ABCD1X，已核对")).toBe("信用代码 9144************1X，已核对");
    expect(maskCreditCodes("ZSIPS-2026-007 and abcdefghijklmnopqr")).toBe("ZSIPS-2026-007 and abcdefghijklmnopqr");
    expect(scrubForLog({ uscc: "91350100M000100Y43" })).toEqual({ uscc: "9135************43" });
  });

  it("censors secret-looking keys deeply", () => {
    expect(scrubForLog({ a: { access_token: "x", corpSecret: "y", mobile: "13912345678" } })).toEqual({
      a: { access_token: "[redacted]", corpSecret: "[redacted]", mobile: "139****5678" },
    });
  });

  it("never writes a full mobile or a secret through the logger", () => {
    const lines: string[] = [];
    const dest = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger({ level: "info", destination: dest });
    logger.info({ headMobile: "13512345678", secret: "topsecret", nested: { token: "abc" } }, "申请人 13512345678 提交");
    const out = lines.join("");
    expect(out).not.toContain("13512345678");
    expect(out).not.toContain("topsecret");
    expect(out).toContain("135****5678");
    expect(JSON.parse(out).msg).toBe("申请人 135****5678 提交");
  });
});
