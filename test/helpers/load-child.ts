// A load run in its own process, so a test can SIGKILL it mid-load. Run with
// `node --import tsx test/helpers/load-child.ts <settings.json>`; prints the summary as JSON.
import { readFileSync } from "node:fs";
import { openDatabase } from "../../db/database";
import { load } from "../../src/load";
import { SILENT_PROGRESS } from "../../src/model/progress";
import { makeLoadInput } from "./load-fixtures";

interface ChildSettings {
  readonly databasePath: string;
  readonly runId: number;
  readonly sandbox: { readonly baseUrl: string; readonly clientId: string; readonly clientSecret: string };
}

const settings = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as ChildSettings;
const opened = openDatabase(settings.databasePath);
try {
  const summary = await load({ db: opened.db, progress: SILENT_PROGRESS }, makeLoadInput(settings.sandbox, { runId: settings.runId }));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await opened.close();
}
