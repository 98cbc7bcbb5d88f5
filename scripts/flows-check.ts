// `npm run flows:check`: validates every flow in bot-flows/ (schema + references: validator
// names, `when.field` pointing at an earlier step, section ids, unique step ids) and exits 1
// with file, step and problem for each finding.
import { pathToFileURL } from "node:url";
import { flowSources } from "../bot-flows/index.ts";
import { FlowSchema } from "../src/flows/flow-schema.ts";

export interface FlowProblem {
  file: string;
  flowId?: string;
  /** The step the problem is in, when it is in one. */
  step?: string;
  problem: string;
}

function stepIdAt(flow: unknown, index: unknown): string | undefined {
  if (typeof index !== "number" || typeof flow !== "object" || flow === null) return undefined;
  const steps = (flow as { steps?: unknown }).steps;
  const step = Array.isArray(steps) ? (steps[index] as { id?: unknown } | undefined) : undefined;
  return typeof step?.id === "string" ? step.id : `#${index}`;
}

export function checkFlows(sources: readonly { file: string; flow: unknown }[]): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const seen = new Map<string, string>();
  for (const { file, flow } of sources) {
    const raw = flow as { id?: unknown; version?: unknown } | null;
    const flowId = typeof raw?.id === "string" ? raw.id : undefined;
    const r = FlowSchema.safeParse(flow);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const [head, index, ...rest] = issue.path;
        const step = head === "steps" ? stepIdAt(flow, index) : undefined;
        const where = (step ? rest : issue.path).map(String).join(".");
        problems.push({ file, flowId, step, problem: where ? `${where}: ${issue.message}` : issue.message });
      }
      continue;
    }
    const key = `${r.data.id}@${r.data.version}`;
    const other = seen.get(key);
    if (other) problems.push({ file, flowId, problem: `${key} is also defined in ${other}` });
    seen.set(key, file);
  }
  return problems;
}

export function formatProblem(p: FlowProblem): string {
  return `${p.file}${p.flowId ? ` [${p.flowId}]` : ""}${p.step ? ` step ${p.step}` : ""}: ${p.problem}`;
}

function main(): void {
  const problems = checkFlows(flowSources);
  for (const p of problems) console.error(formatProblem(p));
  if (problems.length) {
    console.error(`flows:check: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`flows:check: ${flowSources.length} flow(s) OK`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
