import { describe, expect, it } from "vitest";
import { listLoadErrors } from "../../../db/queries/load-errors";
import { HttpError } from "../../../src/errors";
import { BatchSender, type BatchRequest } from "../../../src/load/batch-sender";
import type { BatchOutcome } from "../../../src/load/batches";
import { LoadTally } from "../../../src/load/load-tally";
import { openTestDb } from "../../helpers/open-test-db";

const RUN_ID = 1;

/** A request whose answers come from `answer`, recording what it sent and what it settled. */
function fakeRequest(answer: (items: readonly string[]) => BatchOutcome) {
  const sent: string[][] = [];
  const settled: string[][] = [];
  const request: BatchRequest<string> = {
    blueprint: "user",
    operation: "upsert",
    identifierOf: (item) => item,
    send: async (items) => {
      sent.push([...items]);
      return answer(items);
    },
    settle: async (items) => {
      settled.push([...items]);
    },
  };
  return { request, sent, settled };
}

const confirmAll = (items: readonly string[]): BatchOutcome => ({ type: "settled", confirmed: items.map((_, index) => index), rejected: [] });

describe("BatchSender", () => {
  it("sends a batch Port finds too large again in halves, down to what it takes", async () => {
    const { db } = openTestDb();
    const fake = fakeRequest((items) => (items.length > 2 ? { type: "split" } : confirmAll(items)));
    await new BatchSender(db, new LoadTally(RUN_ID)).send(fake.request, ["a", "b", "c", "d", "e"]);
    expect(fake.sent).toEqual([["a", "b", "c", "d", "e"], ["a", "b", "c"], ["a", "b"], ["c"], ["d", "e"]]);
    expect(fake.settled).toEqual([["a", "b"], ["c"], ["d", "e"]]);
  });

  it("records every item as failed and the error as fatal when Port cannot be reached", async () => {
    const { db } = openTestDb();
    const unreachable = new HttpError({ stage: "load", method: "POST", endpoint: "/v1/blueprints/user/entities/bulk", status: undefined });
    const fake = fakeRequest(() => {
      throw unreachable;
    });
    const tally = new LoadTally(RUN_ID);
    const sender = new BatchSender(db, tally);
    await sender.send(fake.request, ["a", "b"]);
    expect(sender.fatal).toBe(unreachable);
    expect(fake.settled).toEqual([]);
    expect(tally.of("user").failed).toBe(2);
    expect((await listLoadErrors(db, RUN_ID)).map((row) => [row.identifier, row.operation, row.status])).toEqual([
      ["a", "upsert", null],
      ["b", "upsert", null],
    ]);
  });

  it("does not count a request a signal cut short as fatal", async () => {
    const { db } = openTestDb();
    const fake = fakeRequest(() => {
      throw new HttpError({ stage: "load", method: "POST", endpoint: "/v1/blueprints/user/entities/bulk", status: undefined, interrupted: true });
    });
    const sender = new BatchSender(db, new LoadTally(RUN_ID));
    await sender.send(fake.request, ["a"]);
    expect(sender.fatal).toBeUndefined();
  });

  it("rethrows a fault that is not an HTTP error", async () => {
    const { db } = openTestDb();
    const fake = fakeRequest(() => {
      throw new TypeError("bug");
    });
    await expect(new BatchSender(db, new LoadTally(RUN_ID)).send(fake.request, ["a"])).rejects.toThrow("bug");
  });
});
