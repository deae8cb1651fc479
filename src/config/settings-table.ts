import { defaultTextOf, SETTINGS, type SettingSpec } from "./settings";

const START = "<!-- settings table: generated from src/config/settings.ts by `pnpm docs:settings`; do not edit by hand -->";
const END = "<!-- end of settings table -->";

const code = (name: string) => `\`${name}\``;
// A pipe inside a cell would end it early in Markdown.
const cell = (text: string) => text.replaceAll("|", "\\|");

function row(spec: SettingSpec): string {
  const names = [...spec.env, ...(spec.flag ? [spec.flag] : [])].map(code).join(", ");
  const meaning = spec.secret ? `${spec.description} (secret)` : spec.description;
  return `| ${names} | ${spec.file ? code(spec.file) : "-"} | ${cell(defaultTextOf(spec))} | ${cell(meaning)} |`;
}

/** The settings table, one row per setting in SETTINGS' order, between its markers. */
export function renderSettingsTable(): string {
  const rows = (Object.values(SETTINGS) as SettingSpec[]).map(row);
  return [START, "| environment variable / flag | config file key | default | meaning |", "| --- | --- | --- | --- |", ...rows, END].join("\n");
}

/** `doc` with the text between the table's markers (markers included) replaced by a fresh table. */
export function withSettingsTable(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the settings table's markers are missing; put these two lines where the table belongs:\n${START}\n${END}`);
  return doc.slice(0, start) + renderSettingsTable() + doc.slice(end + END.length);
}
