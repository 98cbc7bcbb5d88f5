// A.1 负责人签名: asking the enterprise's head to confirm an application in chat — the head found
// through the enterprise's registered head (ENTERPRISE_HEAD) as well as by the mobile on the form,
// a card with the key facts and a signed link to the whole form, earlier cards voided when the
// applicant changes the form — and telling the head how it ended.
import type { OutgoingMessage } from "../../storage/outbox.ts";
import type { Tx } from "../../storage/database.ts";
import { DECLARE_CARD, findHeads, HEAD_CARD, headCardPurpose } from "../../storage/head-confirmations.ts";
import { finishCards, recordSentCard } from "../../storage/sent-cards.ts";
import { messagesTo } from "../../storage/outbox.ts";
import { createDirectory } from "../../storage/directory.ts";
import { DECLARATION_TEXT_HINT, declarationCard, declarationText, headAskedText, headConfirmCard, headOutcomeText, type HeadCardApp } from "./head-texts.ts";

export interface HeadConfirmationDeps {
  newId: () => string;
  now: () => Date;
  helpContact: string;
  /** The signed print link (/applications/:id/print) for one reader. */
  printUrl: (applicationId: string, personId: string) => string;
}

type AskApp = HeadCardApp & { enterpriseId: string | null; headMobile: string; applicantId: string };

export function createHeadConfirmation(deps: HeadConfirmationDeps) {
  /** Earlier head cards of the application show that they no longer apply. */
  function voidCards(tx: Tx, applicationId: string, text: string): Promise<OutgoingMessage[]> {
    return finishCards(tx, { type: HEAD_CARD, id: applicationId }, deps.now(), () => text);
  }

  /**
   * Sends the head (every reachable head, on every channel) a confirmation card; tells the
   * applicant who was asked, or how to go on when no head can be reached.
   */
  async function ask(tx: Tx, app: AskApp, applicant: { id: string; name: string }, sender: { channel: string; userId: string }, opts: { again?: { changes: string[] } } = {}): Promise<OutgoingMessage[]> {
    const out = await voidCards(tx, app.id, "已失效：申请已修改");
    const heads = (await findHeads(tx, app)).filter((h) => h.id !== applicant.id);
    const toApplicant = (text: string): OutgoingMessage => ({ channel: sender.channel as OutgoingMessage["channel"], userId: sender.userId, personId: applicant.id, message: { kind: "text", text } });
    out.push(toApplicant(headAskedText(app, heads.length > 0, deps.helpContact, Boolean(opts.again))));
    for (const head of heads) {
      for (const i of head.identities) {
        const cardId = `hc-${deps.newId()}`;
        await recordSentCard(tx, { id: cardId, channel: i.channel, externalUserId: i.externalId, personId: head.id, purpose: headCardPurpose(app.id), subjectType: HEAD_CARD, subjectId: app.id, createdAt: deps.now() });
        const card = headConfirmCard({ cardId, app, applicantName: applicant.name, url: deps.printUrl(app.id, head.id), again: opts.again });
        out.push({ channel: i.channel as OutgoingMessage["channel"], userId: i.externalId, personId: head.id, message: { kind: "card", card } });
      }
    }
    return out;
  }

  /**
   * A.1 声明授权: the declaration the applicant signs for the head, to be confirmed (确认声明 /
   * 取消) before anything is recorded; a card where the channel has buttons, the text otherwise.
   */
  async function askDeclaration(tx: Tx, app: { id: string; enterpriseName: string; headName: string }, applicant: { id: string; name: string }, to: { channel: string; userId: string }, withButtons: boolean): Promise<OutgoingMessage> {
    const cardId = `da-${deps.newId()}`;
    const o = { applicantName: applicant.name, enterpriseName: app.enterpriseName, headName: app.headName };
    await recordSentCard(tx, { id: cardId, channel: to.channel, externalUserId: to.userId, personId: applicant.id, purpose: `${DECLARE_CARD}:${app.id}`, subjectType: DECLARE_CARD, subjectId: app.id, createdAt: deps.now() });
    const message = withButtons ? { kind: "card" as const, card: declarationCard(cardId, o) } : { kind: "text" as const, text: `${declarationText(o)}\n${DECLARATION_TEXT_HINT}` };
    return { channel: to.channel as OutgoingMessage["channel"], userId: to.userId, personId: applicant.id, message };
  }

  /** 6.3 a: the head who confirmed hears the outcome (the applicant is told separately). */
  async function tellOutcome(tx: Tx, app: { applicantId: string; headConfirmedById: string | null; enterpriseName: string; studioNumber: string | null }, notice: string, opinion?: string): Promise<OutgoingMessage[]> {
    if (!app.headConfirmedById || app.headConfirmedById === app.applicantId) return [];
    if (notice !== "approved" && notice !== "returned" && notice !== "rejected") return [];
    return messagesTo(await createDirectory(tx).recipientsOf(app.headConfirmedById), { kind: "text", text: headOutcomeText(app, notice, opinion) });
  }

  return { ask, askDeclaration, voidCards, tellOutcome };
}

export type HeadConfirmation = ReturnType<typeof createHeadConfirmation>;
