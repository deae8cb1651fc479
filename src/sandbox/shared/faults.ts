import type { IncomingMessage, ServerResponse } from "node:http";

/** What a sandbox does instead of (or before) answering a request normally. */
export type Fault =
  | {
      readonly type: "status";
      readonly status: number;
      /** Adds a `Retry-After` header: delta-seconds, or the same instant as an HTTP date. */
      readonly retryAfter?: { readonly seconds: number; readonly form: "seconds" | "http-date" };
      readonly body?: unknown;
    }
  /** Destroys the socket without an answer (ECONNRESET on the client). */
  | { readonly type: "reset" }
  /** Answers 200 with a body that is not valid JSON (a truncated document). */
  | { readonly type: "malformed" }
  /** Answers with exactly this text: JSON nested deeper than JSON.stringify can write, escapes it would normalize. */
  | { readonly type: "raw"; readonly status: number; readonly text: string }
  /** Waits, then answers normally. */
  | { readonly type: "delay"; readonly ms: number }
  /**
   * Answers `status` with an error that quotes the request's credentials back, as some APIs do: the
   * bare token in the message, and the whole `Authorization` header in a `headers` field.
   */
  | { readonly type: "echo-authorization"; readonly status: number };

export interface FaultRule {
  /** `"<METHOD> <path>"`; `*` in the path matches one segment, e.g. `"POST /v1/blueprints/{bp}/entities/bulk"` is written with a star for `{bp}`. */
  readonly route: string;
  readonly fault: Fault;
  /** How many matching requests get the fault (default 1). */
  readonly times?: number;
  /** How many matching requests pass untouched before the fault starts (default 0). */
  readonly skip?: number;
}

interface ArmedRule {
  readonly pattern: RegExp;
  readonly fault: Fault;
  remaining: number;
  toSkip: number;
}

function routePattern(route: string): RegExp {
  const [method, path] = route.split(" ", 2);
  if (!method || !path) throw new Error(`fault route must be "<METHOD> <path>", got ${JSON.stringify(route)}`);
  const escaped = path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]+");
  return new RegExp(`^${method.toUpperCase()} ${escaped}$`);
}

/** A queue of faults that sandboxes consult for every request, in the order the rules were added. */
export class FaultPlan {
  private readonly rules: ArmedRule[] = [];
  private injectedCount = 0;

  /** Arms a fault for the next matching request(s). */
  add(rule: FaultRule): void {
    this.rules.push({ pattern: routePattern(rule.route), fault: rule.fault, remaining: rule.times ?? 1, toSkip: rule.skip ?? 0 });
  }

  /** Removes every armed fault. */
  clear(): void {
    this.rules.length = 0;
  }

  /** Faults served so far. */
  get injected(): number {
    return this.injectedCount;
  }

  /** The fault to apply to this request, if any; consumes one use of the first matching rule. */
  take(method: string, path: string): Fault | undefined {
    const key = `${method.toUpperCase()} ${path}`;
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !rule.pattern.test(key)) continue;
      if (rule.toSkip > 0) {
        rule.toSkip -= 1;
        return undefined;
      }
      rule.remaining -= 1;
      this.injectedCount += 1;
      return rule.fault;
    }
    return undefined;
  }
}

/**
 * Applies a terminal fault (status, reset, malformed, raw) to the response and returns true, or returns
 * false for a delay (after waiting), meaning the request should then be served normally.
 */
export async function applyFault(res: ServerResponse, fault: Fault, errorBody: (status: number) => unknown, req?: IncomingMessage): Promise<boolean> {
  switch (fault.type) {
    case "echo-authorization": {
      const authorization = req?.headers.authorization ?? "";
      const token = authorization.replace(/^\S+\s+/, "");
      const text = JSON.stringify({ ok: false, error: "forbidden", message: `the token ${token} may not do this`, headers: { authorization } });
      res.writeHead(fault.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    case "delay":
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    case "reset":
      res.socket?.destroy();
      return true;
    case "malformed": {
      const text = '{"truncated": [{"id": "01H';
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    case "raw":
      res.writeHead(fault.status, { "content-type": "application/json", "content-length": Buffer.byteLength(fault.text) });
      res.end(fault.text);
      return true;
    case "status": {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfter) {
        headers["retry-after"] =
          fault.retryAfter.form === "seconds"
            ? String(fault.retryAfter.seconds)
            : new Date(Date.now() + fault.retryAfter.seconds * 1000).toUTCString();
      }
      const text = JSON.stringify(fault.body ?? errorBody(fault.status));
      res.writeHead(fault.status, { ...headers, "content-length": String(Buffer.byteLength(text)) });
      res.end(text);
      return true;
    }
  }
}
