// `npm run flows:check` and the registry: broken flows fail fast, with file, step and problem.
import { describe, expect, it } from "vitest";
import { flowSources } from "../../bot-flows/index.ts";
import { studioApplicationFlow as flow } from "../../bot-flows/studio-application.ts";
import { checkFlows, formatProblem } from "../../scripts/flows-check.ts";
import { createFlowRegistry } from "../../src/flows/flow-registry.ts";
import type { FlowDefinition, Step } from "../../src/flows/flow-schema.ts";

const FILE = "bot-flows/broken.ts";

function broken(edit: (steps: Step[]) => void): FlowDefinition {
  const copy = structuredClone({ ...flow, migrateState: undefined }) as FlowDefinition;
  edit(copy.steps);
  return copy;
}

const stepById = (steps: Step[], id: string) => steps.find((s) => s.id === id)!;

describe("flows:check", () => {
  it("passes every flow in bot-flows/", () => {
    expect(checkFlows(flowSources)).toEqual([]);
  });

  it("reports a validator name that does not exist", () => {
    const f = broken((steps) => Object.assign(stepById(steps, "headName"), { validator: "chineseNameX" }));
    const problems = checkFlows([{ file: FILE, flow: f }]);
    expect(problems).toEqual([{ file: FILE, flowId: "studio-application", step: "headName", problem: 'validator: unknown validator "chineseNameX"' }]);
    expect(formatProblem(problems[0]!)).toBe('bot-flows/broken.ts [studio-application] step headName: validator: unknown validator "chineseNameX"');
  });

  it("reports a when condition on a later or unknown step", () => {
    const f = broken((steps) => {
      stepById(steps, "uscc").when = { field: "headName", equals: "x" };
      stepById(steps, "headTitle").when = { field: "nope", truthy: true };
    });
    expect(checkFlows([{ file: FILE, flow: f }]).map((p) => [p.step, p.problem])).toEqual([
      ["uscc", 'when.field: when.field "headName" is not an earlier step'],
      ["headTitle", 'when.field: when.field "nope" is not an earlier step'],
    ]);
  });

  it("reports unknown sections, duplicate step ids and bad shapes", () => {
    const f = broken((steps) => {
      stepById(steps, "headTitle").section = "nowhere";
      stepById(steps, "headMobile").id = "headName";
    });
    const problems = checkFlows([{ file: FILE, flow: f }]).map((p) => p.problem);
    expect(problems).toContain('section: unknown section "nowhere"');
    expect(problems).toContain('id: duplicate step id "headName"');
    const shape = checkFlows([{ file: FILE, flow: { ...flow, version: 0, steps: [{ id: "x", kind: "dropdown" }] } }]);
    expect(shape.map((p) => p.problem).join("\n")).toMatch(/version/);
    expect(shape.some((p) => p.step === "x")).toBe(true);
  });

  it("reports the same id and version defined twice", () => {
    expect(checkFlows([{ file: "a.ts", flow }, { file: "b.ts", flow }])).toEqual([
      { file: "b.ts", flowId: "studio-application", problem: "studio-application@1 is also defined in a.ts" },
    ]);
  });
});

describe("flow registry", () => {
  const v2: FlowDefinition = { ...flow, version: 2, migrateState: (s) => s };
  const registry = createFlowRegistry([v2, flow]);

  it("returns the latest version, or the exact one asked for", () => {
    expect(registry.get("studio-application").version).toBe(2);
    expect(registry.get("studio-application", 1)).toBe(flow);
    expect(registry.list()).toHaveLength(2);
  });

  it("throws NotFoundError for an unknown id or version", () => {
    expect(() => registry.get("nope")).toThrow(expect.objectContaining({ code: "not_found" }));
    expect(() => registry.get("studio-application", 9)).toThrow(expect.objectContaining({ code: "not_found" }));
  });

  it("fails fast on a broken flow or a duplicate version", () => {
    const f = broken((steps) => Object.assign(stepById(steps, "headName"), { validator: "missing" }));
    expect(() => createFlowRegistry([f])).toThrow(/unknown validator "missing"/);
    expect(() => createFlowRegistry([flow, flow])).toThrow(/registered twice/);
  });
});
