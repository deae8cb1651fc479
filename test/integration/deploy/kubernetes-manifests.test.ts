import { existsSync, readdirSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import { Deployment } from "kubernetes-models/apps/v1";
import { CronJob } from "kubernetes-models/batch/v1";
import { PersistentVolumeClaim, Secret, Service } from "kubernetes-models/v1";
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
  "apps/v1 Deployment": (data: object) => new Deployment(data as never),
  "v1 PersistentVolumeClaim": (data: object) => new PersistentVolumeClaim(data as never),
  "v1 Secret": (data: object) => new Secret(data as never),
  "v1 Service": (data: object) => new Service(data as never),
} as const;

// deploy/ holds the CronJob mode; deploy/serve/ the serve mode, which uses deploy/'s volume and Secret.
const manifestsIn = (folder: string) =>
  readdirSync(`${deployDir}${folder}`)
    .filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml")
    .map((file) => `${folder}${file}`);
const manifestFiles = manifestsIn("");
const serveFiles = manifestsIn("serve/");
const objects = [...manifestFiles, ...serveFiles].flatMap((file) => documents(file).map((data) => ({ file, data })));
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
interface ContainerShape {
  image: string;
  args: string[];
  env: EnvVar[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface DeploymentShape {
  metadata: { name: string };
  spec: {
    replicas: number;
    strategy: { type: string };
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: ContainerShape[]; volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
    };
  };
}
interface ServiceShape {
  spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
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

  it.each([
    { mode: "the CronJob", env: () => container!.env },
    { mode: "serve's Deployment", env: () => ofKind<DeploymentShape>("Deployment")[0]!.spec.template.spec.containers[0]!.env },
  ])("$mode sets only settings the tool reads, and takes every secret from the Secret, never as a value", ({ env }) => {
    const known = new Set(Object.values(SETTINGS).flatMap((spec) => [...spec.env]));
    // Port's client id is no secret to the tool, but Ocean's chart keeps it beside the client secret.
    const fromSecret = new Set([
      "OCEAN__PORT__CLIENT_ID",
      ...Object.values(SETTINGS).flatMap((spec) => ("secret" in spec && spec.secret ? [...spec.env] : [])),
    ]);
    const [secret] = ofKind<NamedShape>("Secret");
    for (const variable of env()) {
      expect(known, variable.name).toContain(variable.name);
      if (fromSecret.has(variable.name)) {
        expect(variable.value, variable.name).toBeUndefined();
        expect(variable.valueFrom?.secretKeyRef?.name).toBe(secret!.metadata.name);
        expect(Object.keys(secret!.stringData ?? {})).toContain(variable.valueFrom?.secretKeyRef?.key);
      }
    }
    for (const name of ["OCEAN__INTEGRATION__SECRETS__TOKEN", "OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET"]) {
      expect(env().map((e) => e.name)).toContain(name);
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

  describe("serve mode (deploy/serve/)", () => {
    const [deployment] = ofKind<DeploymentShape>("Deployment");
    const servePod = deployment!.spec.template.spec;
    const [serveContainer] = servePod.containers;
    const setting = (name: string) => serveContainer!.env.find((e) => e.name === name)?.value;

    it("runs one serve process, replaced by stopping the old pod first, since one writer holds the staging file", () => {
      expect(serveContainer!.args).toEqual(["serve"]);
      expect(deployment!.spec.replicas).toBe(1);
      expect(deployment!.spec.strategy.type).toBe("Recreate");
      expect(setting("OCEAN__EVENT_LISTENER")).toBe('{"type":"POLLING"}');
    });

    it("keeps the staging file on the claim of deploy/persistentvolumeclaim.yaml", () => {
      const [claim] = ofKind<NamedShape>("PersistentVolumeClaim");
      const volume = servePod.volumes.find((v) => v.persistentVolumeClaim?.claimName === claim!.metadata.name);
      const mount = serveContainer!.volumeMounts.find((m) => m.name === volume?.name);
      expect(posix.dirname(setting("ETL_DB") ?? "")).toBe(mount?.mountPath);
    });

    it("probes /readyz for readiness and /healthz for liveness on the port serve listens on", () => {
      const port = serveContainer!.ports.find((p) => p.containerPort === Number(setting("ETL_SERVE_PORT")));
      expect(port).toBeDefined();
      expect(serveContainer!.readinessProbe.httpGet).toEqual({ path: "/readyz", port: port!.name });
      expect(serveContainer!.livenessProbe.httpGet).toEqual({ path: "/healthz", port: port!.name });
      expect(setting("ETL_WEBHOOK_SECRET")).toBeUndefined();
      expect(serveContainer!.env.find((e) => e.name === "ETL_WEBHOOK_SECRET")?.valueFrom?.secretKeyRef?.key).toBe("ETL_WEBHOOK_SECRET");
    });

    it("has a Service that selects the serve pods and reaches their port", () => {
      const [service] = ofKind<ServiceShape>("Service");
      expect(deployment!.spec.template.metadata.labels).toMatchObject(service!.spec.selector);
      expect(deployment!.spec.selector.matchLabels).toEqual(service!.spec.selector);
      expect(service!.spec.ports.map((p) => p.targetPort)).toEqual(serveContainer!.ports.map((p) => p.name));
    });

    it("serve/kustomization.yaml lists the Deployment and the Service, and names their image as deploy/ does", () => {
      const [kustomization] = documents("serve/kustomization.yaml") as [{ resources: string[]; images: { name: string }[] }];
      expect([...kustomization.resources].sort()).toEqual(serveFiles.map((file) => file.slice("serve/".length)).sort());
      expect(kustomization.images.map((image) => image.name)).toEqual([serveContainer!.image.split(":")[0]]);
      expect(serveContainer!.image).toBe(container!.image);
    });
  });
});
