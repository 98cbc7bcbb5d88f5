// The demo's running studio in the simulator (Chromium): the studio manager asks for a service,
// both agency staff personas get the 受理 / 转派 card, one taps 受理 — the card is answered in
// place on both tabs, and the manager is told who accepted; then 登记进展 and 办结 from the owner's card. Cards are rendered generically by the
// web channel; this is the proof that the service cards render and are tappable there.
import { describe, expect, it } from "vitest";
import { botMessageCount, lastBotMessage, send, skipBrowserTests, tapButton, waitForBotText, waitForCardFinal, waitForNewBotMessage, useSimulator } from "../support/browser.ts";

describe.skipIf(skipBrowserTests)("studio services in the simulator (Chromium)", () => {
  const sim = useSimulator();

  it("[4] [7.2.4 b] the manager persona asks for trade-fair risk screening; the agency personas get the 受理 card, one taps it, the other card and the manager follow; progress and 办结 from the owner's cards", { timeout: 90_000 }, async () => {
    const manager = await sim.session.openAs("demo-manager-xiaolan");
    await waitForBotText(manager, "您好，梁婉仪");
    // The demo studio is OPERATING with 梁婉仪 as its manager: 申请服务 is on her menu.
    await expect(manager.locator(".card button", { hasText: "申请服务" }).count()).resolves.toBeGreaterThan(0);

    let n = await botMessageCount(manager);
    await tapButton(manager, "申请服务");
    expect(await waitForNewBotMessage(manager, n)).toContain("提高知识产权海外保护能力");
    for (const typed of ["4", "2", "下月参加广交会，需要排查参展产品的专利风险", "跳过"]) {
      n = await botMessageCount(manager);
      await send(manager, typed);
      await waitForNewBotMessage(manager, n);
    }
    n = await botMessageCount(manager);
    await send(manager, "是");
    await waitForBotText(manager, "已提交服务申请");
    await sim.session.screenshot(manager, "studio-01-manager-requested");

    const staff = await sim.session.openAs("demo-agency-staff");
    await waitForBotText(staff, "7.2.4 b 展前风险排查");
    const other = await sim.session.openAs("demo-agency-staff-2");
    await waitForBotText(other, "7.2.4 b 展前风险排查");
    for (const page of [staff, other]) {
      await expect(page.locator(".card button", { hasText: "受理" }).count()).resolves.toBeGreaterThan(0);
      await expect(page.locator(".card button", { hasText: "转派" }).count()).resolves.toBeGreaterThan(0);
    }
    await sim.session.screenshot(staff, "studio-02-agency-card");

    await tapButton(staff, "受理");
    await waitForCardFinal(staff, "受理");
    await waitForBotText(staff, "由您负责办理");
    await waitForCardFinal(other, "已由 刘洋 受理"); // or-sign: the other holder's card is spent
    await waitForBotText(manager, "已由 刘洋 受理");
    await sim.session.screenshot(staff, "studio-03-agency-accepted");

    // The owner's card: 登记进展 and 办结 ask for the text; the manager is told each.
    await tapButton(staff, "登记进展");
    await waitForBotText(staff, "请输入办理进展");
    await send(staff, "已完成专利检索，正在比对参展产品");
    await waitForBotText(manager, "已完成专利检索，正在比对参展产品");
    // That card is spent (a WeCom card answers once); 我的服务 gives the owner a fresh one.
    n = await botMessageCount(staff);
    await send(staff, "我的服务");
    await waitForNewBotMessage(staff, n);
    await tapButton(staff, "办结");
    await waitForBotText(staff, "请输入办理结果");
    await send(staff, "已出具展前风险排查报告并当面讲解");
    await waitForBotText(manager, "已由 刘洋 办结");
    await sim.session.screenshot(manager, "studio-04-manager-closed");

    // 我的服务 lists it for the manager, with its owner.
    n = await botMessageCount(manager);
    await send(manager, "我的服务");
    await waitForNewBotMessage(manager, n);
    expect(await lastBotMessage(manager)).toContain("刘洋");
    expect(sim.session.errors).toEqual([]);
  });
});
