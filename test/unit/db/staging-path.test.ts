import { describe, expect, it } from "vitest";
import { judgeStagingPath, type StagingPathFacts } from "../../../db/database";

const SQLITE = new Uint8Array(Buffer.from("SQLite format 3\0", "latin1"));
const YAML = new Uint8Array(Buffer.from("integration:\n  co", "latin1"));

describe("judgeStagingPath", () => {
  it.each<{ name: string; path: string; facts: StagingPathFacts; expected: string | undefined }>([
    { name: "a new file in an existing folder is fine", path: "/data/etl.sqlite", facts: { target: "missing", header: new Uint8Array(), folder: "directory" }, expected: undefined },
    { name: "an empty file is fine (SQLite starts it)", path: "/data/etl.sqlite", facts: { target: "file", header: new Uint8Array(), folder: "directory" }, expected: undefined },
    { name: "a SQLite file is fine", path: "/data/etl.sqlite", facts: { target: "file", header: SQLITE, folder: "directory" }, expected: undefined },
    {
      name: "a missing folder names the folder and both fixes",
      path: "/nope/etl.sqlite",
      facts: { target: "missing", header: new Uint8Array(), folder: "missing" },
      expected: "--db: the folder /nope (of /nope/etl.sqlite) does not exist; create the folder or point --db/ETL_DB at an existing one",
    },
    {
      name: "a folder given as the file suggests a file in it",
      path: "/data/",
      facts: { target: "directory", header: new Uint8Array(), folder: "directory" },
      expected: "--db: /data/ is a folder, not a file; point --db/ETL_DB at a file in it, e.g. /data/etl.sqlite",
    },
    {
      name: "a file that is not SQLite is refused",
      path: "/data/etl.config.yaml",
      facts: { target: "file", header: YAML, folder: "directory" },
      expected:
        "--db: /data/etl.config.yaml is not a SQLite file (it does not start with SQLite's header), so it is not a staging file; " +
        "point --db/ETL_DB at the staging file, or at a new file in an existing folder to start one",
    },
    {
      name: "a file shorter than SQLite's header is refused",
      path: "/data/x",
      facts: { target: "file", header: new Uint8Array([0x53, 0x51]), folder: "directory" },
      expected:
        "--db: /data/x is not a SQLite file (it does not start with SQLite's header), so it is not a staging file; " +
        "point --db/ETL_DB at the staging file, or at a new file in an existing folder to start one",
    },
    {
      name: "a file where the folder should be is refused",
      path: "/data/etl.sqlite/etl.sqlite",
      facts: { target: "missing", header: new Uint8Array(), folder: "not-directory" },
      expected: "--db: /data/etl.sqlite (of /data/etl.sqlite/etl.sqlite) is not a folder; point --db/ETL_DB at the staging file, or at a new file in an existing folder to start one",
    },
    {
      name: "a device or socket is refused",
      path: "/dev/null",
      facts: { target: "other", header: new Uint8Array(), folder: "directory" },
      expected: "--db: /dev/null is not a regular file; point --db/ETL_DB at the staging file, or at a new file in an existing folder to start one",
    },
  ])("$name", ({ path, facts, expected }) => {
    expect(judgeStagingPath(path, facts)).toBe(expected);
  });
});
