// Every flow the bot runs, imported statically (no fs at run time; also runs on Workers).
// Keep old versions here while saved states may still point at them.
import type { FlowDefinition } from "../src/flows/flow-schema.ts";
import { approvalOpinionFlow } from "./approval-opinion.ts";
import { studioApplicationFlow } from "./studio-application.ts";
import { managerDesignationFlow } from "./manager-designation.ts";
import { studioRosterFlow } from "./studio-roster.ts";
import { studioSetupReturnFlow } from "./studio-setup-return.ts";
import { studioSetupFlow } from "./studio-setup.ts";
import { serviceActionFlow } from "./service-action.ts";
import { serviceRequestFlow } from "./service-request.ts";
import { serviceSurveyFlow } from "./service-survey.ts";
import { followUpCloseFlow } from "./follow-up-close.ts";
import { ipAssetFlow } from "./ip-asset.ts";

/** Each flow with the file that defines it, so `npm run flows:check` can say where a problem is. */
export const flowSources: { file: string; flow: FlowDefinition }[] = [
  { file: "bot-flows/studio-application.ts", flow: studioApplicationFlow },
  { file: "bot-flows/approval-opinion.ts", flow: approvalOpinionFlow },
  { file: "bot-flows/manager-designation.ts", flow: managerDesignationFlow },
  { file: "bot-flows/studio-setup.ts", flow: studioSetupFlow },
  { file: "bot-flows/studio-setup-return.ts", flow: studioSetupReturnFlow },
  { file: "bot-flows/studio-roster.ts", flow: studioRosterFlow },
  { file: "bot-flows/service-request.ts", flow: serviceRequestFlow },
  { file: "bot-flows/service-action.ts", flow: serviceActionFlow },
  { file: "bot-flows/service-survey.ts", flow: serviceSurveyFlow },
  { file: "bot-flows/follow-up-close.ts", flow: followUpCloseFlow },
  { file: "bot-flows/ip-asset.ts", flow: ipAssetFlow },
];

export const allFlows: FlowDefinition[] = flowSources.map((s) => s.flow);
