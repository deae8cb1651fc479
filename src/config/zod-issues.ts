import type { z } from "zod";

/** Turns a zod error into `label: path: message` lines, with YAML-style paths (`resources[2].selector.query`). */
export function formatZodIssues(label: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((segment, i) => (typeof segment === "number" ? `[${segment}]` : `${i === 0 ? "" : "."}${String(segment)}`))
      .join("");
    return `${label}: ${path || "(top level)"}: ${issue.message}`;
  });
}
