import { allFlows } from "../../../bot-flows/index.ts";
import { createFlowRegistry, type FlowRegistry } from "../../flows/flow-registry.ts";
import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { createChineseWorkingCalendar } from "../../jobs/chinese-calendar.ts";
import { createApprovalService, type ApprovalService } from "../approvals/approval-service.ts";
import { createLinkSigner } from "../link-signer.ts";
import { randomId, type CoreDeps, type Services } from "../services.ts";
import { applicationHandler, revisionStarter } from "./application-handler.ts";
import { applicantActionsHandler } from "./applicant-actions-handler.ts";
import { approvalHandler } from "./approval-handler.ts";
import type { BotHandler } from "./bot-context.ts";
import { headConfirmHandler } from "./head-confirm-handler.ts";

export interface Domain {
  flows: FlowRegistry;
  calendar: WorkingCalendar;
  approvals: ApprovalService;
  linkSigner: ReturnType<typeof createLinkSigner>;
}

/** The product's services behind the bot: flows, approvals, signed links. */
export function createDomain(deps: CoreDeps & Pick<Services, "directory" | "adapters">): Domain {
  const now = () => deps.clock.now();
  const newId = deps.newId ?? randomId;
  const flows = createFlowRegistry(deps.flows ?? allFlows);
  const linkSigner = createLinkSigner(deps.config.signingSecret, now);
  const capabilitiesOf = (channel: string) => deps.adapters[channel as keyof typeof deps.adapters]?.capabilities ?? { buttons: false, maxButtons: 0 };
  const calendar = createChineseWorkingCalendar();
  const approvals = createApprovalService({
    prisma: deps.db.prisma,
    calendar,
    now,
    newId,
    logger: deps.logger,
    timeZone: deps.config.timeZone,
    slaWorkingDays: deps.config.approvalSlaWorkingDays,
    studioNumberFormat: deps.config.studioNumberFormat,
    printUrl: (id, personId) => `${deps.config.publicBaseUrl}/applications/${id}/print?t=${linkSigner.sign(`print:${id}`, personId)}`,
    onReturned: revisionStarter({ flows, helpContact: deps.config.helpContact, now, newId, capabilitiesOf }),
  });
  return { flows, calendar, approvals, linkSigner };
}

/** The bot's plugins, in the order they are offered each event (the menu is the fallback). */
export function defaultHandlers(deps: CoreDeps & Pick<Services, "directory" | "adapters">, domain: Domain): BotHandler[] {
  const { prisma } = deps.db;
  const newId = deps.newId ?? randomId;
  return [
    approvalHandler({ prisma, approvals: domain.approvals, flows: domain.flows }),
    headConfirmHandler({ prisma, approvals: domain.approvals }),
    applicantActionsHandler({ prisma, approvals: domain.approvals }),
    applicationHandler({ prisma, flows: domain.flows, approvals: domain.approvals, helpContact: deps.config.helpContact, newId }),
  ];
}
