import { startIncidentIoSandbox, type IncidentIoSandbox } from "../sandbox/incidentio/server";
import { startPortSandbox, type PortSandbox } from "../sandbox/port/server";
import { buildSandboxEnv } from "../sandbox/product-env";

export interface DemoSandboxes {
  /**
   * The environment a user would set for the real services, pointed at the sandboxes: Ocean's variable
   * names and the values of Port's Docker example (including its global page size of 100).
   */
  readonly env: Readonly<Record<string, string>>;
  readonly incidentIo: IncidentIoSandbox;
  readonly port: PortSandbox;
  /** Changes a few source records, as an on-call week would; returns one line per change, for the demo to print. */
  mutate(): string[];
  close(): Promise<void>;
}

const DEMO_CLIENT_ID = "demo-client-id";
const DEMO_CLIENT_SECRET = "demo-client-secret";

/** Starts an Incident.io sandbox with a realistic small organization and an empty Port sandbox on 127.0.0.1. */
export async function startDemoSandboxes(): Promise<DemoSandboxes> {
  const incidentIo = await startIncidentIoSandbox({ seed: 7, scale: "demo" });
  const port = await startPortSandbox({ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET }).catch(async (error: unknown) => {
    await incidentIo.close();
    throw error;
  });
  const env = buildSandboxEnv({ incidentIo, port }, "my-ocean-incidentio-integration");
  return {
    env,
    incidentIo,
    port,
    mutate() {
      const data = incidentIo.dataset;
      const incident = data.records("incidents").next().value as { id: string; name: string } | undefined;
      const alerts = [...take(data.records("alerts"), 2)] as { id: string; title: string }[];
      const followUp = data.records("follow_ups").next().value as { id: string; title: string } | undefined;
      const schedule = data.records("schedules").next().value as { id: string } | undefined;
      const lines: string[] = [];
      if (incident) {
        data.update("incidents", incident.id, { name: `${incident.name} (customer impact confirmed)` });
        lines.push(`renamed incident ${incident.id}`);
      }
      for (const alert of alerts) {
        data.update("alerts", alert.id, { status: "resolved", resolved_at: new Date().toISOString() });
        lines.push(`resolved alert ${alert.id}`);
      }
      if (followUp) {
        data.update("follow_ups", followUp.id, { status: "completed", completed_at: new Date().toISOString() });
        lines.push(`completed follow-up ${followUp.id}`);
      }
      // The second run reads incidents, follow-ups and alerts incrementally, which cannot see deletions
      // (the next full extract of those kinds does): the deletion shown is of a kind read in full every run.
      if (schedule) {
        data.remove("schedules", schedule.id);
        lines.push(`deleted schedule ${schedule.id}`);
      }
      const user = data.add("users", { name: "Dana Demo", email: "dana.demo@example.com" }) as { id: string };
      lines.push(`added user ${user.id}`);
      return lines;
    },
    close: async () => {
      await Promise.all([incidentIo.close(), port.close()]);
    },
  };
}

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  let taken = 0;
  for (const item of items) {
    yield item;
    taken += 1;
    if (taken >= count) return;
  }
}
