import { describe, expect, it } from "vitest";
import { createWriterMutex } from "../../../src/serve/writer-mutex";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("createWriterMutex", () => {
  it("runs pieces of work one at a time, in the order asked, even when one fails", async () => {
    const mutex = createWriterMutex();
    const log: string[] = [];
    const piece = (name: string, fail = false) =>
      mutex.run(async () => {
        log.push(`${name} start`);
        await tick();
        log.push(`${name} end`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([piece("sync"), piece("pass", true), piece("next pass")]);
    expect(log).toEqual(["sync start", "sync end", "pass start", "pass end", "next pass start", "next pass end"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});
