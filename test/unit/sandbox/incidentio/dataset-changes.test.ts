import { describe, expect, it } from "vitest";
import { createIncidentIoDataset, type RecordChange } from "../../../../src/sandbox/incidentio/dataset";

describe("the dataset's change listeners, which the sandbox's webhooks follow", () => {
  it("reports each update, add and remove with the states before and after, until it stops listening", () => {
    const dataset = createIncidentIoDataset({ seed: 5, scale: "tiny" });
    const changes: RecordChange[] = [];
    const stop = dataset.onChange((change) => changes.push(change));
    const id = dataset.idAt("schedules", 0);
    const before = dataset.get("schedules", id);
    const after = dataset.update("schedules", id, { name: "Renamed" });
    const added = dataset.add("schedules", { name: "New" });
    dataset.remove("schedules", id);
    stop();
    dataset.update("schedules", String(added["id"]), { name: "Unheard" });

    expect(changes).toEqual([
      { kind: "schedules", before, after },
      { kind: "schedules", after: added },
      { kind: "schedules", before: after },
    ]);
  });

  it("stamps from the clock updates use, later than the last change", () => {
    const dataset = createIncidentIoDataset({ seed: 5, scale: "tiny" });
    const updated = dataset.update("alerts", dataset.idAt("alerts", 0), { title: "x" });
    const stamp = dataset.stamp();
    expect(stamp > String(updated["updated_at"])).toBe(true);
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});
