import { describe, expect, it } from "vitest";
import { renderDiscoverReport } from "../../../src/cli/discover-view";

describe("renderDiscoverReport", () => {
  it("lists each kind's sample, properties and relations, the fields left out, and what to run next", () => {
    const text = renderDiscoverReport({
      databasePath: "etl.sqlite",
      blueprintsPath: "out/blueprints.json",
      mappingPath: "out/port-app-config.yml",
      kinds: [
        { kind: "/v2/users", name: "users", blueprint: "incidentioUser", records: 1200, sampled: 1000, properties: 6, relations: [], skipped: [] },
        {
          kind: "/v3/follow_ups",
          name: "follow_ups",
          blueprint: "incidentioFollowUp",
          records: 12,
          sampled: 12,
          properties: 9,
          relations: [
            { name: "incident", field: "incident_id", target: "incidentioIncident", many: false },
            { name: "owners", field: "owner_ids", target: "incidentioUser", many: true },
          ],
          skipped: [{ field: "secret_token", reason: "looks like a secret" }],
        },
        { kind: "/v3/teams", name: "teams", blueprint: undefined, records: 0, sampled: 0, properties: 0, relations: [], skipped: [] },
      ],
    });

    expect(text).toMatchInlineSnapshot(`
      "Proposed from the raw records in etl.sqlite:
        kind        blueprint                                    sampled  properties  relations
        users       incidentioUser                          1000 of 1200           6
        follow_ups  incidentioFollowUp                          12 of 12           9  incident → incidentioIncident, owners → incidentioUser (many)
        teams       (no raw records: run pnpm etl extract)        0 of 0           0

      Fields left out:
        follow_ups.secret_token: looks like a secret

      Wrote the blueprints to out/blueprints.json
      and the mapping to out/port-app-config.yml.
      Review both, then: pnpm etl run --blueprints out/blueprints.json --mapping out/port-app-config.yml
      (with OCEAN__INITIALIZE_PORT_RESOURCES=true, missing blueprints are created in Port first).
      "
    `);
  });
});
