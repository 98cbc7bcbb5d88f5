import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyAndApprove, linkOfficers } from "../support/journey.ts";
import { createWecomHarness, WECOM, type WecomHarness } from "../support/wecom-harness.ts";

// Issue 9, reliability suite "Logs": a whole journey, failures included, logged at trace level,
// leaves no secret, token, AES key, full mobile number or full credit code in the logs.
describe("logs of a full journey", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness({ logLevel: "trace", env: { ADMIN_TOKEN: "admin-token-for-log-test-0123456789" } });
    await linkOfficers(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it("hold no secret, token, AES key, full mobile number or full credit code", async () => {
    // Failures on the way make the error paths log too.
    h.fake.injectFailure({ kind: "http500", path: "message/send", times: 2 });
    h.fake.injectFailure({ kind: "errcode", errcode: 45009, path: "message/send", times: 1 });
    h.fake.expireToken();
    await applyAndApprove(h, "chenxm");
    await h.text("chenxm", "我的申请");
    const app = await h.t.db.prisma.application.findFirstOrThrow();
    expect(app.status).toBe("APPROVED");
    // An admin call with a wrong token is logged as refused, without the token.
    await h.runtime.app.request("/admin/outbox", { headers: { authorization: "Bearer wrong-token-value-xyz" } });

    const logs = h.logs.text();
    // The logger really captured the journey's failures and refusals.
    expect(logs).toContain("outbox send failed");
    expect(logs).toContain("request refused");
    for (const secret of [WECOM.secret, WECOM.token, WECOM.encodingAesKey, "admin-token-for-log-test-0123456789", "wrong-token-value-xyz", "fake_token_"]) {
      expect(logs, secret).not.toContain(secret);
    }
    for (const mobile of ["13800138000", "13912345678", "138-0013-8000", "139 1234 5678"]) expect(logs, mobile).not.toContain(mobile);
    for (const uscc of ["91350100M000100Y43", "9135 0100 m000 100y43", "91350100m000100y43"]) expect(logs, uscc).not.toContain(uscc);
  });
});
