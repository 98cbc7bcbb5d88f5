// Issue 14 "done when" (6.2, A.1, 6.3 a): the manager on a 390×844 phone answers the whole form in
// natural words (test/flows/natural-answers.ts) — counted actions, one bubble per question, no
// refusal, the summary as section cards — then both head paths (the head confirms in chat; 声明授权
// with 确认声明), a forward to another town (转其他镇街) and the approval card with its link.
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { usccCheckChar } from "../../src/flows/validators.ts";
import { NATURAL_SCRIPT } from "../flows/natural-answers.ts";
import {
  botMessageCount,
  botMessages,
  send,
  skipBrowserTests,
  tapButton,
  waitForBotText,
  waitForCardFinal,
  waitForNewBotMessage,
  useSimulator,
  type SimulatorServer,
} from "../support/browser.ts";

const PHONE = { width: 390, height: 844 };
const MAX_ACTIONS = 42;
const REFUSAL = /没看懂|请回复.{0,12}序号|不像|没有第|没找到|没有听懂/;

/** The natural script with some lines replaced (by the typed text) and the head's answers at the end. */
function script(replace: Record<string, string>, headAnswers: string[]): string[] {
  const lines = NATURAL_SCRIPT.map((l) => replace[l.typed] ?? l.typed);
  expect(lines.at(-1)).toBe("是的，我是负责人");
  return [...lines.slice(0, -1), ...headAnswers];
}

/** Detach a demo manager from the directory enterprise, so known facts don't skip questions. */
function detach(server: SimulatorServer, personId: string): void {
  const db = new Database(server.databaseUrl.replace(/^file:/, ""));
  db.prepare(`UPDATE "RoleGrant" SET "enterpriseId" = NULL WHERE "personId" = ?`).run(personId);
  db.close();
}

function progressOf(text: string): number | null {
  const m = /第\s*(\d+)\s*\/\s*\d+\s*题/.exec(text);
  return m ? Number(m[1]) : null;
}

interface FormPlay {
  actions: number;
  /** Bot bubbles each question-answering action produced (the last one's answer is the summary). */
  bubbles: number[];
  refused: string[];
  summaryCards: number;
}

/**
 * 申请工作室 → every typed answer → the summary's section cards → 确认提交; every message typed
 * and button tapped counts as an action. A refusal is a reply that re-asks (no progress) or says so.
 */
async function playForm(page: Page, lines: string[]): Promise<FormPlay> {
  const play: FormPlay = { actions: 0, bubbles: [], refused: [], summaryCards: 0 };
  let before = await botMessageCount(page);
  await tapButton(page, "申请工作室");
  play.actions++;
  let reply = await waitForNewBotMessage(page, before);
  let progress = progressOf(reply);
  expect(progress, reply).toBe(1);
  for (const [i, typed] of lines.entries()) {
    const n = await botMessageCount(page);
    play.bubbles.push(n - before); // the previous action's bubbles, all arrived by now
    before = n;
    await send(page, typed);
    play.actions++;
    reply = await waitForNewBotMessage(page, n);
    if (i === lines.length - 1) break; // its answer is the summary
    const next = progressOf(reply);
    // The counts are one question: some of them ("发明12件，实用新型45件，外观8件") fill part of it, said back as 已填.
    const partly = next !== null && next === progress && reply.startsWith("已填：");
    if (REFUSAL.test(reply) || next === null || progress === null || (next <= progress && !partly)) play.refused.push(`${typed} → ${reply.slice(0, 120)}`);
    // A refusal puts the script out of step with the questions: stop here, saying which answer.
    expect(play.refused, `refused natural answer after ${play.actions} actions`).toEqual([]);
    progress = next ?? progress;
  }
  // The summary: one card per section, each with its own 修改, then the card with 确认提交.
  await page.locator(".card .buttons button:enabled", { hasText: /^\s*确认提交\s*$/ }).last().waitFor();
  await waitForBotText(page, "确认提交申请？");
  const total = await botMessageCount(page);
  const sections: string[] = [];
  const others: string[] = [];
  for (let i = before; i < total; i++) {
    const bubble = botMessages(page).nth(i);
    const title = (await bubble.locator(".title").count()) ? await bubble.locator(".title").innerText() : "";
    const buttons = await bubble.locator(".buttons button").allInnerTexts();
    if (/^\d+\/\d+ /.test(title)) {
      expect(buttons.map((b) => b.trim()), title).toEqual(["修改"]);
      sections.push(await bubble.innerText());
    } else if (title !== "确认提交申请？") others.push(await bubble.innerText());
  }
  play.summaryCards = sections.length;
  sections.forEach((t, i) => expect(t.startsWith(`${i + 1}/${sections.length} `), t).toBe(true));
  // Beside the cards only the last answer's own echo ("已选：…"), its one bubble.
  expect(others.filter((t) => !t.startsWith("已选：")), "bubbles beside the summary's cards").toEqual([]);
  expect(others.length).toBeLessThanOrEqual(1);
  const shown = sections.join("\n");
  expect(shown).not.toContain("负责人确认方式"); // internal steps are hidden
  expect(shown).not.toContain("联系人同负责人");
  before = await botMessageCount(page);
  await tapButton(page, "确认提交");
  play.actions++;
  await waitForNewBotMessage(page, before);
  return play;
}

function expectPlay(play: FormPlay, label: string, lines: number): void {
  // Reported in the test's output so a failing limit shows its numbers.
  console.info(`[${label}] actions ${play.actions}, bubbles per action ${play.bubbles.join(",")}, summary cards ${play.summaryCards}, refused ${play.refused.length}`);
  expect(play.refused, `${label}: refused natural answers`).toEqual([]);
  expect(play.actions).toBe(lines + 2);
  expect(play.actions, `${label}: actions for the whole form`).toBeLessThanOrEqual(MAX_ACTIONS);
  expect(play.bubbles.filter((b) => b !== 1), `${label}: one bubble per question`).toEqual([]);
  expect(play.summaryCards, `${label}: the summary's section cards`).toBeGreaterThanOrEqual(5);
}

/** The card's link, with its path and token, on this server (PUBLIC_BASE_URL is unset here). */
async function cardLink(page: Page, server: SimulatorServer, card: string): Promise<string> {
  const href = await page.locator(".card", { hasText: card }).last().locator("a.link").getAttribute("href");
  expect(href, `${card}: link`).toBeTruthy();
  const link = new URL(href!);
  return `${server.baseUrl}${link.pathname}${link.search}`;
}

describe.skipIf(skipBrowserTests)("issue 14: the manager's natural journey on a phone", () => {
  const sim = useSimulator({}, { viewport: PHONE });

  it("[6.2][A.1][6.3 a] natural answers within 42 actions, one bubble a question, section cards; the head confirms in chat; 转其他镇街; approved with a link", { timeout: 240_000 }, async () => {
    detach(sim.server, "demo-manager-mingzhu");
    const manager = await sim.session.openAs("demo-manager-mingzhu");
    expect(manager.viewportSize()).toEqual(PHONE);
    await waitForBotText(manager, "您好，陈晓明");
    // The head typed is the directory's head of 明珠 (黄志强, found by mobile), asked in chat.
    const lines = script({ 张三: "黄志强", "138 0013 8000": "138 0000 0002" }, ["不是", "请负责人确认"]);
    const play = await playForm(manager, lines);
    await sim.session.screenshot(manager, "natural-01-submitted-head-asked");
    expectPlay(play, "head in chat", lines.length);
    await waitForBotText(manager, "已请负责人 黄志强 在聊天中确认");

    // A.1: the head's card shows the key facts and links the whole form; 确认提交 submits it.
    const head = await sim.session.openAs("demo-head-mingzhu");
    await waitForBotText(head, "请确认工作室申请（负责人签名）");
    const headCard = botMessages(head).filter({ hasText: "请确认工作室申请（负责人签名）" }).last();
    expect(await headCard.innerText()).toContain("中山市小榄镇升平路1号");
    const headView = await sim.session.context.newPage();
    await headView.goto(await cardLink(head, sim.server, "请确认工作室申请"));
    expect(await headView.locator("body").innerText()).toContain("中山市某某（中国）科技有限公司");
    await headView.close();
    await sim.session.screenshot(head, "natural-02-head-card");
    await tapButton(head, "确认提交");
    await waitForBotText(head, "已确认，申请已提交审核");
    // Each tab holds a live stream and Chromium allows six connections to a host: close finished tabs.
    await head.close();
    await waitForBotText(manager, "已转镇街市场监督管理分局初审");

    // 6.3 a: 小榄's officer sends it to 中山港 with a reason; 中山港's officer approves.
    const xiaolan = await sim.session.openAs("demo-town-xiaolan");
    await waitForBotText(xiaolan, "第1/3阶段");
    let n = await botMessageCount(xiaolan);
    await tapButton(xiaolan, "转其他镇街");
    const prompt = await waitForNewBotMessage(xiaolan, n);
    expect(prompt).toContain("转到哪个镇街");
    n = await botMessageCount(xiaolan);
    await send(xiaolan, /(\d+)\.\s*中山港/.exec(prompt)?.[1] ?? "中山港");
    await waitForNewBotMessage(xiaolan, n);
    n = await botMessageCount(xiaolan);
    await send(xiaolan, "注册地址实际在火炬开发区");
    expect(await waitForNewBotMessage(xiaolan, n)).toMatch(/已转至中山港/);
    await sim.session.screenshot(xiaolan, "natural-03-forwarded");
    await xiaolan.close();

    const zsg = await sim.session.openAs("demo-town-zhongshangang");
    await waitForBotText(zsg, "第1/3阶段");
    await tapButton(zsg, "同意");
    await waitForCardFinal(zsg, "已同意");
    await zsg.close();
    const cityIp = await sim.session.openAs("demo-city-ip");
    await waitForBotText(cityIp, "第2/3阶段");
    await tapButton(cityIp, "同意");
    await waitForCardFinal(cityIp, "已同意");
    await cityIp.close();
    const leader = await sim.session.openAs("demo-city-leader");
    await waitForBotText(leader, "第3/3阶段");
    await tapButton(leader, "同意");
    await waitForCardFinal(leader, "已同意");
    await leader.close();

    // The approval card: the number on its own line, and the signed link to the approved form.
    const number = `ZSIPS-${new Date().getFullYear()}-001`;
    const approved = manager.locator("#chat .msg.bot.card", { hasText: "工作室申请已获批准" }).filter({ hasText: number }).last();
    await approved.waitFor();
    expect((await approved.innerText()).split("\n").map((l) => l.trim())).toContain(number);
    const headAgain = await sim.session.openAs("demo-head-mingzhu");
    await waitForBotText(headAgain, "【已批准】"); // the head hears the outcome
    await headAgain.close();
    await sim.session.screenshot(manager, "natural-04-approval-card");
    const print = await sim.session.context.newPage();
    const printErrors: string[] = [];
    print.on("console", (m) => m.type() === "error" && printErrors.push(m.text()));
    print.on("pageerror", (e) => printErrors.push(e.message));
    const res = await print.goto(await cardLink(manager, sim.server, "工作室申请已获批准"));
    expect(res?.status()).toBe(200);
    const form = await print.locator("body").innerText();
    for (const text of ["中山市企业知识产权保护流动工作室申请表", number, "中山市某某（中国）科技有限公司", "转其他镇街", "李伟", "张磊", "王芳"]) expect(form, text).toContain(text);
    await sim.session.screenshot(print, "natural-05-approved-form");
    expect(printErrors).toEqual([]);
    await print.close();
    await manager.close();
    expect(sim.session.errors).toEqual([]);
  });

  it("[A.1] 声明授权: the declaration shown, submitted only on 确认声明 — natural answers within 42 actions", { timeout: 180_000 }, async () => {
    detach(sim.server, "demo-manager-xiaolan");
    const manager = await sim.session.openAs("demo-manager-xiaolan");
    await waitForBotText(manager, "您好，梁婉仪");
    const first17 = "91442000MA4W12345";
    const uscc = `${first17}${usccCheckChar(first17)}`;
    const lines = script({ "中山市某某(中国)科技有限公司": "中山市小榄某某五金制品有限公司", "9135 0100 m000 100y43": uscc, "中山市小榄镇升平路１号": "中山市小榄镇升平路2号" }, ["不是", "声明授权"]);
    const play = await playForm(manager, lines);
    // 声明授权 shows the declaration; nothing is submitted before 确认声明.
    await waitForBotText(manager, "声明授权（代负责人签名）");
    const declaration = botMessages(manager).filter({ hasText: "声明授权（代负责人签名）" }).last();
    expect(await declaration.innerText()).toContain("本人 梁婉仪 声明：已获得 中山市小榄某某五金制品有限公司 负责人 张三 的授权");
    expect(await botMessages(manager).filter({ hasText: "已转镇街市场监督管理分局初审" }).count()).toBe(0);
    await sim.session.screenshot(manager, "natural-06-declaration");
    const n = await botMessageCount(manager);
    await tapButton(manager, "确认声明");
    play.actions++; // 确认声明 counts too
    await waitForNewBotMessage(manager, n);
    expectPlay(play, "声明授权", lines.length + 1);
    await waitForBotText(manager, "已记录您的声明");
    await waitForBotText(manager, "已转镇街市场监督管理分局初审");
    await sim.session.screenshot(manager, "natural-07-declared-submitted");
    const xiaolan = await sim.session.openAs("demo-town-xiaolan");
    await xiaolan.locator(".card:not(.done)", { hasText: "中山市小榄某某五金制品有限公司" }).filter({ hasText: "第1/3阶段" }).first().waitFor();
    expect(sim.session.errors).toEqual([]);
  });
});
