import { describe, expect, it } from "vitest";
import { commandHelp, usage } from "../../../src/cli/help";
import { SETTINGS, type SettingSpec } from "../../../src/config/settings";
import { COMMAND_NAMES, COMMAND_OPTIONS, COMMANDS } from "../../../src/pipeline/commands";

const USAGE = usage("pnpm etl");
const section = (title: string) => USAGE.slice(USAGE.indexOf(`${title}:\n`)).split("\n").slice(1);

describe("usage", () => {
  it("lists the commands of the command table, in its order", () => {
    const listed = section("Commands").slice(0, COMMAND_NAMES.length + 1).map((line) => /^ {2}(\w+) /.exec(line)?.[1]);
    expect(listed).toEqual([...COMMAND_NAMES, undefined]);
  });

  it("describes every flag parseCommandLine takes, and no other, under Options or on the line of the command using it", () => {
    const options = section("Options").flatMap((line) => /^ {2}(?:-\w, )?(--[\w-]+)/.exec(line)?.[1] ?? []);
    const onCommandLines = section("Commands").slice(0, COMMAND_NAMES.length).flatMap((line) => line.match(/--[\w-]+/g) ?? []);
    const described = [...new Set([...options, ...onCommandLines])];
    const settingFlags = (Object.values(SETTINGS) as SettingSpec[]).flatMap((spec) => spec.flag ?? []);
    const commandOptions = Object.keys(COMMAND_OPTIONS).map((name) => `--${name}`);
    expect(described.sort()).toEqual(["--config", "--version", ...settingFlags, ...commandOptions].sort());
  });

  it.each(["pnpm etl", "incidentio-port-etl"])("names the program as it was started: %s", (program) => {
    const text = usage(program);
    expect(text).toContain(`Usage: ${program} <command> [options]      ${program} help <command>`);
    expect(text).toContain(`\`${program} config\` shows each one`);
    expect(text.replaceAll(program, "")).not.toMatch(/pnpm etl|incidentio-port-etl (?!keeps)/);
  });
});

describe("commandHelp", () => {
  it.each(COMMAND_NAMES.filter((name) => name !== "help"))("shows etl %s's usage, its own options and an example", (name) => {
    const text = commandHelp(name, "pnpm etl");
    expect(text).toMatch(new RegExp(`^Usage: pnpm etl ${name}\\b`));
    expect(text).toContain(COMMANDS[name].summary);
    for (const option of COMMANDS[name].options) expect(text).toMatch(new RegExp(`^ {2}(?:-\\w, )?--${option}\\b`, "m"));
    expect(text).toContain(`Example:\n  pnpm etl ${COMMANDS[name].example}`);
    expect(text).toContain("--db FILE");
  });

  it("names the installed command in the usage, the example and the settings note", () => {
    const text = commandHelp("plan", "incidentio-port-etl");
    expect(text).toMatch(/^Usage: incidentio-port-etl plan \[options\]/);
    expect(text).toContain(`Example:\n  incidentio-port-etl ${COMMANDS.plan.example}`);
    expect(text).toContain("`incidentio-port-etl config` shows each one");
    expect(text).not.toContain("pnpm etl");
  });

  it("describes --mapping as a file used instead of Port's integration config, for one run", () => {
    expect(commandHelp("run")).toMatch(/--mapping FILE +Mapping file .*instead of Port's integration config, for this run only; without it the mapping is Port's/);
  });

  it("lists only the command's own options above the common ones", () => {
    const own = commandHelp("status").split("Options of every command:")[0] ?? "";
    expect(own).toContain("--runs N");
    expect(own).not.toContain("--reconcile");
  });
});
