import { describe, expect, it } from "vitest";
import { queryStagingFile, startSyncWorld } from "../../helpers/sync-world";

interface LoadErrorRow {
  readonly run_id: number;
  readonly identifier: string;
  readonly message: string;
}

describe("Port's bulk answers", () => {
  it.each([
    { answer: "another-identifier" as const, message: /did not confirm this entity \(it named ".*-not-this-one" at its position\)/ },
    { answer: "also-in-errors" as const, message: /listed in errors too/ },
  ])("count an entity whose answer is $answer as failed, and send it again on the next run", async ({ answer, message }) => {
    const world = await startSyncWorld();
    const first = await world.cli(["run"]);
    expect(first.code, first.stdout).toBe(0);
    const [user] = world.incidentIo.dataset.records("users", { includeInactive: true });
    const identifier = user?.["id"] as string;
    world.incidentIo.dataset.update("users", identifier, { name: "Renamed so it is sent again" });
    world.port.misreportEntity({ blueprint: "incidentioUser", identifier, answer });

    const misread = await world.cli(["run"]);
    expect(misread.code, misread.stdout).toBe(1);
    const errors = queryStagingFile<LoadErrorRow>(world.dbPath, "select run_id, identifier, message from load_errors");
    expect(errors.map((row) => row.identifier)).toEqual([identifier]);
    expect(errors[0]?.message).toMatch(message);
    // Not confirmed, so not recorded as pushed: the next run sends it again, and only it.
    const sent = world.port.requests.length;
    const again = await world.cli(["run"]);
    expect(again.code, again.stdout).toBe(0);
    const upserted = world.port.requests
      .slice(sent)
      .filter((request) => request.path.endsWith("/entities/bulk"))
      .flatMap((request) => ((request.body as { entities: { identifier: string }[] }).entities ?? []).map((entity) => entity.identifier));
    expect(upserted).toEqual([identifier]);
  }, 60_000);
});
