import { describe, expect, it } from "vitest";
import { USAGE } from "../../../src/cli/args";
import { SETTINGS, type SettingSpec } from "../../../src/config/settings";
import { COMMAND_NAMES, COMMAND_OPTIONS } from "../../../src/pipeline/commands";

const section = (title: string) => USAGE.slice(USAGE.indexOf(`${title}:\n`)).split("\n").slice(1);

describe("USAGE", () => {
  it("lists the commands of the command table, in its order", () => {
    const listed = section("Commands").slice(0, COMMAND_NAMES.length + 1).map((line) => /^ {2}(\w+) /.exec(line)?.[1]);
    expect(listed).toEqual([...COMMAND_NAMES, undefined]);
  });

  it("describes every flag parseCommandLine takes, and no other, under Options or on the line of the command using it", () => {
    const options = section("Options").flatMap((line) => /^ {2}(?:-\w, )?(--[\w-]+)/.exec(line)?.[1] ?? []);
    const onCommandLines = section("Commands").slice(0, COMMAND_NAMES.length).flatMap((line) => line.match(/--[\w-]+/g) ?? []);
    const described = [...new Set([...options, ...onCommandLines])];
    const settingFlags = (Object.values(SETTINGS) as SettingSpec[]).flatMap((spec) => spec.flag ?? []);
    const commandOptions = Object.keys(COMMAND_OPTIONS).filter((name) => name !== "help").map((name) => `--${name}`);
    expect(described.sort()).toEqual(["--config", ...settingFlags, ...commandOptions].sort());
  });
});
