import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startPortSandbox, type PortBlueprint, type PortSandbox } from "../../../src/sandbox/port/server";
import { loadOpenApiValidator, PORT_SPEC } from "../../helpers/openapi-validator";

const BLUEPRINTS: readonly PortBlueprint[] = [
  {
    identifier: "incidentioIncident",
    title: "Incident",
    schema: {
      properties: {
        name: { type: "string" },
        status: { type: "string", enum: ["triage", "active", "closed"] },
        createdAt: { type: "string", format: "date-time" },
        url: { type: "string", format: "url" },
        reporterEmail: { type: "string", format: "email" },
        durationSeconds: { type: "number" },
        isPrivate: { type: "boolean" },
      },
      required: [],
    },
    relations: {
      team: { target: "incidentioTeam", many: false, required: false },
      responders: { target: "incidentioUser", many: true, required: false },
    },
  },
  { identifier: "incidentioTeam", title: "Team", schema: { properties: { name: { type: "string" } } }, relations: {} },
  { identifier: "incidentioUser", title: "User", schema: { properties: { email: { type: "string", format: "email" } } }, relations: {} },
];

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

const spec = loadOpenApiValidator(PORT_SPEC);

let port: PortSandbox;
let token: string;

/** Calls the sandbox with the current token, another one, or none (`null`). */
async function call(method: string, path: string, body?: unknown, bearer: string | null = token): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (bearer !== null) headers["authorization"] = `Bearer ${bearer}`;
  const response = await fetch(`${port.baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function login(): Promise<string> {
  const answer = await call("POST", "/v1/auth/access_token", { clientId: port.clientId, clientSecret: port.clientSecret }, null);
  return answer.body.accessToken as string;
}

function expectSpec(method: string, template: string, answer: Answer): void {
  expect(spec.response(method, template, answer.status, answer.body)).toEqual([]);
}

function bulk(entities: unknown[], flags = "upsert=true"): Promise<Answer> {
  return call("POST", `/v1/blueprints/incidentioIncident/entities/bulk?${flags}`, { entities });
}

beforeEach(async () => {
  port = await startPortSandbox({ blueprints: BLUEPRINTS });
  token = await login();
});

afterEach(async () => {
  await port.close();
});

describe("auth", () => {
  it("issues a bearer token shaped as Port's spec declares it", async () => {
    const answer = await call("POST", "/v1/auth/access_token", { clientId: port.clientId, clientSecret: port.clientSecret }, null);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, expiresIn: 10_800, tokenType: "Bearer" });
    expectSpec("post", "/v1/auth/access_token", answer);
  });

  it("answers 401 to wrong credentials", async () => {
    const answer = await call("POST", "/v1/auth/access_token", { clientId: port.clientId, clientSecret: "wrong" }, null);
    expect(answer.status).toBe(401);
    expect(answer.body.ok).toBe(false);
    expectSpec("post", "/v1/auth/access_token", answer);
  });

  it.each([
    { name: "no token", bearer: null },
    { name: "an unknown token", bearer: "not-a-token" },
  ])("answers 401 to a call with $name", async ({ bearer }) => {
    const answer = await call("GET", "/v1/blueprints", undefined, bearer);
    expect([answer.status, answer.body.error]).toEqual([401, "unauthorized"]);
    expectSpec("get", "/v1/blueprints", answer);
  });

  it("answers 401 token_expired once a short-lived token has expired", async () => {
    port.tokenTtlSeconds = 0.2;
    const shortLived = await login();
    expect((await call("GET", "/v1/blueprints", undefined, shortLived)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const answer = await call("GET", "/v1/blueprints", undefined, shortLived);
    expect([answer.status, answer.body.error]).toEqual([401, "token_expired"]);
  });

  it("expires every issued token on demand, and a new token works again", async () => {
    port.expireTokens();
    expect((await call("GET", "/v1/blueprints")).status).toBe(401);
    token = await login();
    expect((await call("GET", "/v1/blueprints")).status).toBe(200);
  });
});

describe("blueprints", () => {
  it("starts with the seeded blueprints and serves them as Port's spec declares", async () => {
    const list = await call("GET", "/v1/blueprints");
    expect(list.body.blueprints.map((blueprint: PortBlueprint) => blueprint.identifier)).toEqual(["incidentioIncident", "incidentioTeam", "incidentioUser"]);
    expectSpec("get", "/v1/blueprints", list);
    const one = await call("GET", "/v1/blueprints/incidentioIncident");
    expect(one.body.blueprint.relations.team).toEqual({ target: "incidentioTeam", many: false, required: false });
    expectSpec("get", "/v1/blueprints/{identifier}", one);
  });

  it("creates a blueprint (201) and refuses the same identifier again with 409 identifier_taken", async () => {
    const body = { identifier: "incidentioSeverity", title: "Severity", schema: { properties: { rank: { type: "number" } } } };
    const created = await call("POST", "/v1/blueprints", body);
    expect(created.status).toBe(201);
    expectSpec("post", "/v1/blueprints", created);
    const again = await call("POST", "/v1/blueprints", body);
    expect([again.status, again.body.error]).toEqual([409, "identifier_taken"]);
  });

  it("refuses a relation to a blueprint that does not exist, naming the target", async () => {
    const answer = await call("POST", "/v1/blueprints", {
      identifier: "incidentioFollowUp",
      title: "Follow-up",
      schema: { properties: {} },
      relations: { incident: { target: "incidentioIncident", many: false, required: false }, owner: { target: "nobody", many: false, required: false } },
    });
    expect(answer.status).toBe(404);
    expect(answer.body.message).toContain('"nobody"');
    expectSpec("post", "/v1/blueprints", answer);
  });

  it("patches relations and properties in without dropping the existing ones", async () => {
    const answer = await call("PATCH", "/v1/blueprints/incidentioTeam", {
      relations: { lead: { target: "incidentioUser", many: false, required: false } },
      schema: { properties: { slackChannel: { type: "string" } } },
    });
    expect(answer.status).toBe(200);
    expectSpec("patch", "/v1/blueprints/{identifier}", answer);
    expect(port.blueprint("incidentioTeam")).toMatchObject({
      relations: { lead: { target: "incidentioUser" } },
      schema: { properties: { name: { type: "string" }, slackChannel: { type: "string" } } },
    });
    const missing = await call("PATCH", "/v1/blueprints/incidentioTeam", { relations: { parent: { target: "ghost", many: false, required: false } } });
    expect([missing.status, missing.body.message]).toEqual([404, expect.stringContaining('"ghost"')]);
  });

  it("deletes an empty blueprint but not one that still has entities", async () => {
    await call("POST", "/v1/blueprints/incidentioTeam/entities?upsert=true", { identifier: "payments" });
    expect((await call("DELETE", "/v1/blueprints/incidentioTeam")).status).toBe(422);
    const deleted = await call("DELETE", "/v1/blueprints/incidentioUser");
    expect(deleted.status).toBe(200);
    expectSpec("delete", "/v1/blueprints/{identifier}", deleted);
    expect(port.blueprint("incidentioUser")).toBeUndefined();
  });
});

describe("single upsert", () => {
  it("creates an entity (201, spec-shaped) and replaces it on the next upsert", async () => {
    const created = await call("POST", "/v1/blueprints/incidentioIncident/entities?upsert=true", {
      identifier: "inc-1",
      title: "Database down",
      properties: { name: "db", status: "active" },
      relations: {},
    });
    expect(created.status).toBe(201);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities", created);
    await call("POST", "/v1/blueprints/incidentioIncident/entities?upsert=true", { identifier: "inc-1", properties: { status: "closed" } });
    expect(port.entity("incidentioIncident", "inc-1")).toEqual({ identifier: "inc-1", blueprint: "incidentioIncident", properties: { status: "closed" }, relations: {} });
  });

  it("merges properties into the existing entity with merge=true", async () => {
    await call("POST", "/v1/blueprints/incidentioIncident/entities?upsert=true", { identifier: "inc-1", title: "Down", properties: { name: "db", status: "active" } });
    await call("POST", "/v1/blueprints/incidentioIncident/entities?upsert=true&merge=true", { identifier: "inc-1", properties: { status: "closed" } });
    expect(port.entity("incidentioIncident", "inc-1")).toMatchObject({ title: "Down", properties: { name: "db", status: "closed" } });
  });

  it("refuses an existing entity without upsert=true, and a call without the upsert parameter", async () => {
    await call("POST", "/v1/blueprints/incidentioIncident/entities?upsert=true", { identifier: "inc-1" });
    const taken = await call("POST", "/v1/blueprints/incidentioIncident/entities?upsert=false", { identifier: "inc-1" });
    expect([taken.status, taken.body.error]).toEqual([409, "identifier_taken"]);
    const noFlag = await call("POST", "/v1/blueprints/incidentioIncident/entities", { identifier: "inc-2" });
    expect(noFlag.status).toBe(422);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities", noFlag);
  });

  it("answers 404 not_found for a missing related entity, as Ocean expects for a retry later", async () => {
    const answer = await call("POST", "/v1/blueprints/incidentioIncident/entities?upsert=true", { identifier: "inc-1", relations: { team: "payments" } });
    expect([answer.status, answer.body.error]).toEqual([404, "not_found"]);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities", answer);
  });

  it("writes nothing with validation_only=true", async () => {
    const answer = await call("POST", "/v1/blueprints/incidentioIncident/entities?upsert=true&validation_only=true", { identifier: "inc-1" });
    expect(answer.status).toBe(201);
    expect([port.entities("incidentioIncident"), port.writes]).toEqual([[], []]);
  });
});

describe("bulk upsert", () => {
  it("answers 200 with one result per index when every entity is written", async () => {
    const answer = await bulk([{ identifier: "inc-1" }, { identifier: "inc-2", properties: { name: "two" } }]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ok: true,
      maxBulkSize: 20,
      entities: [
        { created: true, identifier: "inc-1", index: 0 },
        { created: true, identifier: "inc-2", index: 1 },
      ],
      errors: [],
    });
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/bulk", answer);
  });

  it("answers 207 on partial success: failures become errors[] items and the rest are written", async () => {
    const answer = await bulk([{ identifier: "inc-1" }, { identifier: "inc-2", properties: { status: "exploded" } }, { identifier: "inc-3" }]);
    expect(answer.status).toBe(207);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/bulk", answer);
    expect(answer.body.entities.map((entity: { index: number }) => entity.index)).toEqual([0, 2]);
    expect(answer.body.errors).toEqual([
      { identifier: "inc-2", index: 1, statusCode: 422, error: "blueprint_schema_mismatch", message: expect.stringContaining('"status"') },
    ]);
    expect(port.entities("incidentioIncident").map((entity) => entity.identifier)).toEqual(["inc-1", "inc-3"]);
  });

  it("refuses 21 entities with 422 naming maxBulkSize", async () => {
    const answer = await bulk(Array.from({ length: 21 }, (_, index) => ({ identifier: `inc-${index}` })));
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain("maxBulkSize 20");
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/bulk", answer);
    expect(port.writes).toEqual([]);
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const answer = await bulk([{ identifier: "inc-1", properties: { name: "x".repeat(1024 * 1024) } }]);
    expect(answer.status).toBe(413);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/bulk", answer);
    expect(port.writes).toEqual([]);
  });

  it("answers 404 for an unknown blueprint", async () => {
    const answer = await call("POST", "/v1/blueprints/nope/entities/bulk?upsert=true", { entities: [{ identifier: "x" }] });
    expect([answer.status, answer.body.error]).toEqual([404, "not_found"]);
  });
});

describe("Port's validation of upserted entities", () => {
  it.each([
    { name: "a unicode identifier", entity: { identifier: "équipe-支払い" }, error: undefined },
    { name: "an identifier with every allowed symbol", entity: { identifier: "a@b_c.d+e:f\\g/h=i'j-k" }, error: undefined },
    { name: "the identifier '..'", entity: { identifier: ".." }, error: "bad_request" },
    { name: "an identifier with a space", entity: { identifier: "inc 1" }, error: "bad_request" },
    { name: "an identifier of 1001 characters", entity: { identifier: "i".repeat(1001) }, error: "bad_request" },
    { name: "null property values", entity: { identifier: "inc-1", properties: { name: null, createdAt: null } }, error: undefined },
    { name: "a number where a string belongs", entity: { identifier: "inc-1", properties: { name: 7 } }, error: "blueprint_schema_mismatch" },
    { name: "a string where a boolean belongs", entity: { identifier: "inc-1", properties: { isPrivate: "no" } }, error: "blueprint_schema_mismatch" },
    { name: "a date without a time zone", entity: { identifier: "inc-1", properties: { createdAt: "2024-01-01T10:00:00" } }, error: "blueprint_schema_mismatch" },
    { name: "a URL without a scheme", entity: { identifier: "inc-1", properties: { url: "app.incident.io/x" } }, error: "blueprint_schema_mismatch" },
    { name: "a malformed email", entity: { identifier: "inc-1", properties: { reporterEmail: "someone" } }, error: "blueprint_schema_mismatch" },
    { name: "a value outside the enum", entity: { identifier: "inc-1", properties: { status: "resolved" } }, error: "blueprint_schema_mismatch" },
    { name: "an unknown property", entity: { identifier: "inc-1", properties: { severity: "major" } }, error: "blueprint_schema_mismatch" },
    { name: "an unknown relation", entity: { identifier: "inc-1", relations: { owner: "u1" } }, error: "blueprint_schema_mismatch" },
    { name: "an array for a single relation", entity: { identifier: "inc-1", relations: { team: ["a", "b"] } }, error: "relation_many_violation" },
    { name: "a missing relation target", entity: { identifier: "inc-1", relations: { team: "payments" } }, error: "not_found" },
    { name: "a null relation", entity: { identifier: "inc-1", relations: { team: null, responders: [] } }, error: undefined },
  ])("judges $name: $error", async ({ entity, error }) => {
    const answer = await bulk([entity]);
    expect(answer.body.errors[0]?.error).toBe(error);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/bulk", answer);
  });

  it("creates identifier-only placeholders for missing targets with create_missing_related_entities=true", async () => {
    const answer = await bulk([{ identifier: "inc-1", relations: { team: "payments", responders: ["u1", "u2"] } }], "upsert=true&create_missing_related_entities=true");
    expect(answer.status).toBe(200);
    expect(port.entity("incidentioTeam", "payments")).toEqual({ identifier: "payments", blueprint: "incidentioTeam", properties: {}, relations: {} });
    expect(port.writes.map(({ op, blueprint, identifier }) => `${op} ${blueprint}/${identifier}`)).toEqual([
      "placeholder incidentioTeam/payments",
      "placeholder incidentioUser/u1",
      "placeholder incidentioUser/u2",
      "upsert incidentioIncident/inc-1",
    ]);
  });

  it("sees an entity written earlier in the same bulk as an existing relation target", async () => {
    const answer = await call("POST", "/v1/blueprints/incidentioUser/entities/bulk?upsert=true", { entities: [{ identifier: "u1" }] });
    expect(answer.status).toBe(200);
    expect((await bulk([{ identifier: "inc-1", relations: { responders: ["u1"] } }])).status).toBe(200);
  });
});

describe("deletes", () => {
  beforeEach(async () => {
    await call("POST", "/v1/blueprints/incidentioTeam/entities/bulk?upsert=true", { entities: [{ identifier: "payments" }, { identifier: "search" }] });
    await bulk([{ identifier: "inc-1", relations: { team: "payments" } }, { identifier: "inc-2", relations: { team: "payments" } }]);
  });

  it("deletes one entity (200) and answers 404 not_found for one that is absent", async () => {
    const deleted = await call("DELETE", "/v1/blueprints/incidentioIncident/entities/inc-1?delete_dependents=false");
    expect(deleted.status).toBe(200);
    expectSpec("delete", "/v1/blueprints/{blueprint_identifier}/entities/{entity_identifier}", deleted);
    const absent = await call("DELETE", "/v1/blueprints/incidentioIncident/entities/inc-1?delete_dependents=false");
    expect([absent.status, absent.body.error]).toEqual([404, "not_found"]);
    expectSpec("delete", "/v1/blueprints/{blueprint_identifier}/entities/{entity_identifier}", absent);
  });

  it("bulk-deletes entities without dependents and reports which existed", async () => {
    const answer = await call("POST", "/v1/blueprints/incidentioIncident/bulk/entities/delete?delete_dependents=false", { entities: ["inc-1", "ghost"] });
    expect(answer.body).toEqual({ ok: true, deletedEntities: ["inc-1"], maxBulkSize: 100 });
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/bulk/entities/delete", answer);
  });

  it("fails the whole bulk delete when an entity has dependents and delete_dependents=false", async () => {
    const answer = await call("POST", "/v1/blueprints/incidentioTeam/bulk/entities/delete?delete_dependents=false", { entities: ["search", "payments"] });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain("incidentioIncident:inc-1");
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/bulk/entities/delete", answer);
    expect(port.entities("incidentioTeam")).toHaveLength(2);
    expect(port.writes.filter((write) => write.op === "delete")).toEqual([]);
  });

  it("deletes the dependents too with delete_dependents=true", async () => {
    const answer = await call("POST", "/v1/blueprints/incidentioTeam/bulk/entities/delete?delete_dependents=true", { entities: ["payments"] });
    expect(answer.body.deletedEntities).toEqual(["payments"]);
    expect(port.entities("incidentioIncident")).toEqual([]);
    expect(port.writes.filter((write) => write.op === "delete").map((write) => write.identifier).sort()).toEqual(["inc-1", "inc-2", "payments"]);
  });

  it("lets an entity go once nothing points at it any more", async () => {
    await bulk([{ identifier: "inc-1", relations: { team: "search" } }, { identifier: "inc-2", relations: { team: null } }]);
    expect((await call("DELETE", "/v1/blueprints/incidentioTeam/entities/payments?delete_dependents=false")).status).toBe(200);
  });

  it.each([
    { name: "without delete_dependents", path: "/v1/blueprints/incidentioIncident/bulk/entities/delete", body: { entities: ["inc-1"] } },
    { name: "with 101 identifiers", path: "/v1/blueprints/incidentioIncident/bulk/entities/delete?delete_dependents=true", body: { entities: Array.from({ length: 101 }, (_, index) => `i${index}`) } },
  ])("refuses a bulk delete $name with 422", async ({ path, body }) => {
    expect((await call("POST", path, body)).status).toBe(422);
  });
});

describe("search", () => {
  beforeEach(async () => {
    await bulk(["inc-5", "inc-3", "inc-1", "inc-4", "inc-2"].map((identifier, index) => ({ identifier, properties: { status: index % 2 ? "active" : "closed" } })));
  });

  it("pages a blueprint's entities with an opaque next until none is left", async () => {
    const seen: string[] = [];
    let from: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const answer = await call("POST", "/v1/blueprints/incidentioIncident/entities/search", { limit: 2, ...(from ? { from } : {}) });
      expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/search", answer);
      seen.push(...answer.body.entities.map((entity: { identifier: string }) => entity.identifier));
      from = answer.body.next;
      if (!from) break;
    }
    expect(seen).toEqual(["inc-1", "inc-2", "inc-3", "inc-4", "inc-5"]);
  });

  it("filters with a query and keeps only included fields", async () => {
    const answer = await call("POST", "/v1/blueprints/incidentioIncident/entities/search", {
      query: { combinator: "and", rules: [{ property: "status", operator: "=", value: "active" }] },
      include: ["$identifier"],
    });
    expect(answer.body).toEqual({ ok: true, entities: [{ identifier: "inc-3", properties: {}, relations: {} }, { identifier: "inc-4", properties: {}, relations: {} }] });
  });

  it.each([
    { name: "a limit of 0", body: { limit: 0 } },
    { name: "a limit of 1001", body: { limit: 1001 } },
    { name: "a from it never issued", body: { from: "bogus" } },
    { name: "an unknown key", body: { size: 3 } },
  ])("refuses $name with 422", async ({ body }) => {
    const answer = await call("POST", "/v1/blueprints/incidentioIncident/entities/search", body);
    expect(answer.status).toBe(422);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/search", answer);
  });

  it("finds entities across blueprints by $blueprint and $identifier rules", async () => {
    const answer = await call("POST", "/v1/entities/search?include=identifier&include=properties.status", {
      combinator: "and",
      rules: [
        { property: "$blueprint", operator: "=", value: "incidentioIncident" },
        { property: "$identifier", operator: "in", value: ["inc-2", "inc-9", "inc-4"] },
      ],
    });
    expect(answer.status).toBe(200);
    expectSpec("post", "/v1/entities/search", answer);
    expect(answer.body.entities).toEqual([
      { identifier: "inc-2", properties: { status: "closed" }, relations: {} },
      { identifier: "inc-4", properties: { status: "active" }, relations: {} },
    ]);
  });

  it("refuses an operator it does not serve rather than matching wrongly", async () => {
    const answer = await call("POST", "/v1/entities/search", { combinator: "and", rules: [{ property: "$datasource", operator: "contains", value: "port-ocean" }] });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain("only = and in");
  });
});

describe("integration routes", () => {
  it("creates, reads, patches and reconfigures an integration, and keeps posted kind examples", async () => {
    const absent = await call("GET", "/v1/integration/incident-io");
    expect([absent.status, absent.body.error]).toEqual([404, "not_found"]);
    expectSpec("get", "/v1/integration/{identifier}", absent);
    const created = await call("POST", "/v1/integration", { installationId: "incident-io", installationAppType: "custom", version: "1.0.0", config: {} });
    expect(created.status).toBe(201);
    expect((await call("POST", "/v1/integration", { installationId: "incident-io" })).status).toBe(409);
    expect((await call("PATCH", "/v1/integration/incident-io", { version: "1.1.0", arePortResourcesInitialized: true })).status).toBe(200);
    const config = { deleteDependentEntities: true, resources: [{ kind: "/v2/incidents", selector: { query: "true" }, port: { entity: { mappings: {} } } }] };
    expect((await call("PATCH", "/v1/integration/incident-io/config", { config })).status).toBe(200);
    const examples = await call("POST", "/v1/integration/incident-io/kinds/%2Fv2%2Fincidents/examples", { examples: [{ id: "01H" }] });
    expect(examples.body).toEqual({ ok: true });
    const read = await call("GET", "/v1/integration/incident-io");
    expect(read.body.integration).toMatchObject({ identifier: "incident-io", installationAppType: "custom", version: "1.1.0", arePortResourcesInitialized: true, config });
    expect(port.integration("incident-io")).toEqual(read.body.integration);
    expect(port.kindExamples("incident-io", "/v2/incidents")).toEqual([{ id: "01H" }]);
  });

  it("lets a test edit an integration's mapping as a user saving it in Port's UI would, and serves the edit", async () => {
    await call("POST", "/v1/integration", { installationId: "edited", installationAppType: "custom", config: {} });
    const config = { resources: [{ kind: "/v2/users", selector: { query: "true" }, port: { entity: { mappings: { identifier: ".id", blueprint: '"u"' } } } }] };
    port.editIntegrationConfig("edited", config);
    expect((await call("GET", "/v1/integration/edited")).body.integration).toMatchObject({ identifier: "edited", config });
    expect(() => port.editIntegrationConfig("nope", config)).toThrow('the Port sandbox has no integration "nope"');
  });

  it("answers 404 to patches and examples of an integration that does not exist", async () => {
    expect((await call("PATCH", "/v1/integration/nope", {})).status).toBe(404);
    expect((await call("PATCH", "/v1/integration/nope/config", { config: {} })).status).toBe(404);
    expect((await call("POST", "/v1/integration/nope/kinds/x/examples", { examples: [] })).status).toBe(404);
  });
});

describe("rate limits", () => {
  it("puts Port's rate-limit headers on every response, errors included", async () => {
    const answers = [await call("GET", "/v1/blueprints"), await call("GET", "/v1/blueprints", undefined, "bad"), await bulk([{ identifier: "inc-1" }])];
    for (const answer of answers) {
      expect(["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-period"].map((name) => answer.headers.get(name) !== null)).toEqual([true, true, true, true]);
    }
    expect([answers[2]?.headers.get("x-ratelimit-limit"), answers[2]?.headers.get("x-ratelimit-remaining"), answers[2]?.headers.get("x-ratelimit-period")]).toEqual(["35000", "34999", "300"]);
    expect(answers[0]?.headers.get("x-ratelimit-limit")).toBe("15000");
  });

  it("answers 429 with Retry-After once the entity budget is spent, and serves again after the window", async () => {
    await port.close();
    // A 60-second window at 60x lasts one real second: long enough for the first calls to share it.
    port = await startPortSandbox({ blueprints: BLUEPRINTS, rateLimit: { limit: 2, periodSeconds: 60, timeScale: 60 } });
    token = await login();
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await bulk([{ identifier: `inc-${index}` }])).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await bulk([{ identifier: "inc-9" }]);
    expect([limited.status, limited.headers.get("retry-after"), limited.headers.get("x-ratelimit-remaining"), limited.body.ok]).toEqual([429, "1", "0", false]);
    expect((await call("GET", "/v1/blueprints")).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Number(limited.headers.get("retry-after")) * 1000 + 50));
    expect((await bulk([{ identifier: "inc-9" }])).status).toBe(200);
  });
});

describe("faults and knobs", () => {
  it("fails one named entity of the next bulk upsert and writes the others", async () => {
    port.failEntity({ blueprint: "incidentioIncident", identifier: "inc-2", status: 422 });
    const first = await bulk([{ identifier: "inc-1" }, { identifier: "inc-2" }, { identifier: "inc-3" }]);
    expect([first.status, first.body.errors]).toEqual([207, [expect.objectContaining({ identifier: "inc-2", index: 1, statusCode: 422 })]]);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/bulk", first);
    expect(port.entity("incidentioIncident", "inc-2")).toBeUndefined();
    expect((await bulk([{ identifier: "inc-2" }])).status).toBe(200);
  });

  it("serves route faults from the shared plan with Port's error body", async () => {
    port.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", fault: { type: "status", status: 413 } });
    const forced = await bulk([{ identifier: "inc-1" }]);
    expect([forced.status, forced.body.error, forced.headers.get("x-ratelimit-limit")]).toEqual([413, "bad_request", "35000"]);
    expectSpec("post", "/v1/blueprints/{blueprint_identifier}/entities/bulk", forced);
    port.faults.add({ route: "POST /v1/blueprints/*/entities/bulk", fault: { type: "reset" } });
    await expect(bulk([{ identifier: "inc-1" }])).rejects.toThrow();
    expect(port.requests.slice(-2).map((request) => request.status)).toEqual([413, 0]);
    expect(port.writes).toEqual([]);
  });

  it("adds the configured latency to every answer", async () => {
    port.latencyMs = 120;
    const started = performance.now();
    await call("GET", "/v1/blueprints");
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe("logs", () => {
  it("records every request with its raw path, query, parsed body and status", async () => {
    await call("POST", "/v1/integration/x/kinds/%2Fv2%2Fincidents/examples?a=1&a=2", { examples: [] });
    expect(port.requests.at(-1)).toMatchObject({
      method: "POST",
      path: "/v1/integration/x/kinds/%2Fv2%2Fincidents/examples",
      query: { a: ["1", "2"] },
      body: { examples: [] },
      status: 404,
    });
  });

  it("logs one write per entity written or deleted, and none for reads or refusals", async () => {
    await bulk([{ identifier: "inc-1" }, { identifier: "inc-2", properties: { status: "bogus" } }]);
    await call("POST", "/v1/blueprints/incidentioIncident/entities/search", {});
    await call("DELETE", "/v1/blueprints/incidentioIncident/entities/inc-1?delete_dependents=false");
    expect(port.writes.map(({ op, identifier }) => `${op} ${identifier}`)).toEqual(["upsert inc-1", "delete inc-1"]);
    expect(port.writes.every((write) => typeof write.at === "number")).toBe(true);
  });
});
