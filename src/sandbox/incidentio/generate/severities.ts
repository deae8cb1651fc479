import type { JsonObject } from "../json";
import type { GenerationContext, RecordGenerator } from "./context";
import { hasQuirk } from "./quirks";

const NAMES = ["Minor", "Major", "Critical", "Emergency"] as const;
const DESCRIPTIONS = ["Issues with low impact.", "Issues causing significant impact.", "Issues causing severe impact to many customers.", "The business cannot operate."] as const;

/** `SeverityV1` as `/v1/severities` lists it (and, being the same fields, `SeverityV2` as incidents embed it). */
export const generateSeverity: RecordGenerator = (ctx, index) => {
  const severity: JsonObject = {
    id: ctx.id("severities", index),
    name: NAMES[index] ?? `Severity ${index + 1}`,
    description: DESCRIPTIONS[index] ?? `Custom severity level ${index + 1}.`,
    rank: index,
    created_at: ctx.created("severities", index).text,
    updated_at: ctx.updated("severities", index).text,
  };
  if (hasQuirk("severities", index)) severity["color"] = "#F25533";
  return severity;
};

/** Severity `index` as incidents embed it, mutations included. */
export function severityRef(ctx: GenerationContext, index: number): JsonObject {
  return { ...generateSeverity(ctx, index, {}), ...ctx.patch("severities", index) };
}
