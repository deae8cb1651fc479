import { existsSync, readdirSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import { CronJob } from "kubernetes-models/batch/v1";
import { PersistentVolumeClaim, Secret } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { SETTINGS } from "../../../src/config/settings";

const deployDir = fileURLToPath(new URL("../../../deploy/", import.meta.url));
const read = (file: string) => readFileSync(`${deployDir}${file}`, "utf8");

function documents(file: string): Record<string, unknown>[] {
  return parseAllDocuments(read(file)).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as Record<string, unknown>;
  });
}

// Each object is checked by kubernetes-models against the Kubernetes OpenAPI schema of its kind
// (required fields, types, enums, formats), offline.
const MODELS = {
  "batch/v1 CronJob": (data: object) => new CronJob(data as never),
  "v1 PersistentVolumeClaim": (data: object) => new PersistentVolumeClaim(data as never),
  "v1 Secret": (data: object) => new Secret(data as never),
} as const;

const manifestFiles = readdirSync(deployDir).filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml");
const objects = manifestFiles.flatMap((file) => documents(file).map((data) => ({ file, data })));
const ofKind = <T>(kind: string) => objects.filter((o) => o.data["kind"] === kind).map((o) => o.data as T);

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface CronJobShape {
  spec: {
    concurrencyPolicy: string;
    jobTemplate: {
      spec: {
        template: {
          spec: {
            containers: {
              image: string;
              args: string[];
              env: EnvVar[];
              volumeMounts: { name: string; mountPath: string }[];
              resources: { requests: Record<string, string>; limits: Record<string, string> };
            }[];
            volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
          };
        };
      };
    };
  };
}
interface NamedShape {
  metadata: { name: string };
  stringData?: Record<string, string>;
}

describe("deploy/ Kubernetes manifests", () => {
  it("are valid objects of their kinds under the Kubernetes schemas", () => {
    expect(objects.map((o) => `${o.data["apiVersion"]} ${o.data["kind"]}`).sort()).toEqual(Object.keys(MODELS).sort());
    for (const { file, data } of objects) {
      const model = MODELS[`${data["apiVersion"]} ${data["kind"]}` as keyof typeof MODELS];
      expect(() => model(data).validate(), file).not.toThrow();
    }
  });

  it("the schema check catches a broken manifest", () => {
    const broken = structuredClone(ofKind<CronJobShape>("CronJob")[0]) as unknown as { spec: Record<string, unknown> };
    broken.spec["concurrencyPolicy"] = "Never";
    delete broken.spec["schedule"];
    expect(() => MODELS["batch/v1 CronJob"](broken).validate()).toThrow(/schedule|concurrencyPolicy/);
  });

  const [cronJob] = ofKind<CronJobShape>("CronJob");
  const pod = cronJob!.spec.jobTemplate.spec.template.spec;
  const [container] = pod.containers;

  it("never runs two syncs on one staging file, and keeps the file on the claim", () => {
    expect(cronJob!.spec.concurrencyPolicy).toBe("Forbid");
    const [claim] = ofKind<NamedShape>("PersistentVolumeClaim");
    const volume = pod.volumes.find((v) => v.persistentVolumeClaim?.claimName === claim!.metadata.name);
    const mount = container!.volumeMounts.find((m) => m.name === volume?.name);
    const db = container!.env.find((e) => e.name === "ETL_DB")?.value ?? "";
    expect(mount?.mountPath).toBeDefined();
    expect(posix.dirname(db)).toBe(mount?.mountPath);
  });

  it("sets only settings the tool reads, and takes every secret from the Secret, never as a value", () => {
    const known = new Set(Object.values(SETTINGS).flatMap((spec) => [...spec.env]));
    // Port's client id is no secret to the tool, but Ocean's chart keeps it beside the client secret.
    const fromSecret = new Set([
      "OCEAN__PORT__CLIENT_ID",
      ...Object.values(SETTINGS).flatMap((spec) => ("secret" in spec && spec.secret ? [...spec.env] : [])),
    ]);
    const [secret] = ofKind<NamedShape>("Secret");
    for (const variable of container!.env) {
      expect(known, variable.name).toContain(variable.name);
      if (fromSecret.has(variable.name)) {
        expect(variable.value, variable.name).toBeUndefined();
        expect(variable.valueFrom?.secretKeyRef?.name).toBe(secret!.metadata.name);
        expect(Object.keys(secret!.stringData ?? {})).toContain(variable.valueFrom?.secretKeyRef?.key);
      }
    }
    for (const name of ["OCEAN__INTEGRATION__SECRETS__TOKEN", "OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET"]) {
      expect(container!.env.map((e) => e.name)).toContain(name);
    }
  });

  it("ships placeholders, not credentials, in the Secret example", () => {
    const [secret] = ofKind<NamedShape>("Secret");
    for (const value of Object.values(secret!.stringData ?? {})) expect(value).toMatch(/^REPLACE_WITH_[A-Z_]+$/);
  });

  it("requests the memory the benchmark measures (peak RSS under 400 MB at 250,000 records) and limits above it", () => {
    const mebibytes = (quantity: string) => {
      const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
      expect(match, quantity).not.toBeNull();
      return Number(match![1]) * (match![2] === "Gi" ? 1024 : 1);
    };
    const { resources } = container!;
    const request = mebibytes(resources.requests["memory"] ?? "");
    expect(request * 1.048576).toBeGreaterThanOrEqual(400);
    expect(mebibytes(resources.limits["memory"] ?? "")).toBeGreaterThan(request);
    expect(resources.limits["cpu"]).toBeUndefined();
  });

  it("prints the run's summary as JSON for monitoring", () => {
    expect(container!.args).toEqual(["run", "--json"]);
  });

  it("kustomization.yaml lists every manifest but the Secret example, and names the CronJob's image", () => {
    const [kustomization] = documents("kustomization.yaml") as [{ resources: string[]; images: { name: string }[] }];
    for (const resource of kustomization.resources) expect(existsSync(`${deployDir}${resource}`), resource).toBe(true);
    expect([...kustomization.resources].sort()).toEqual(manifestFiles.filter((file) => !file.startsWith("secret.")).sort());
    expect(kustomization.images.map((image) => image.name)).toEqual([container!.image.split(":")[0]]);
  });
});
