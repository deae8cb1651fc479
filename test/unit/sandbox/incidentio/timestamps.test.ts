import { describe, expect, it } from "vitest";
import { formatTimestamp, parseDateOrTimestampMicros, parseTimestampMicros, startOfDayMicros, truncateMicros } from "../../../../src/sandbox/incidentio/timestamps";

const AT = Date.UTC(2024, 5, 1, 12, 3, 11, 402) * 1000 + 115;

describe("formatTimestamp", () => {
  it.each([
    { precision: 0 as const, expected: "2024-06-01T12:03:11Z" },
    { precision: 3 as const, expected: "2024-06-01T12:03:11.402Z" },
    { precision: 6 as const, expected: "2024-06-01T12:03:11.402115Z" },
  ])("writes $precision fractional digits", ({ precision, expected }) => {
    expect(formatTimestamp(AT, precision)).toBe(expected);
  });

  it("pads hours, minutes, seconds and fractions with zeros", () => {
    expect(formatTimestamp(Date.UTC(2023, 0, 2, 3, 4, 5, 6) * 1000 + 7, 6)).toBe("2023-01-02T03:04:05.006007Z");
  });
});

describe("truncateMicros", () => {
  it.each([
    { precision: 0 as const, expected: Date.UTC(2024, 5, 1, 12, 3, 11) * 1000 },
    { precision: 3 as const, expected: Date.UTC(2024, 5, 1, 12, 3, 11, 402) * 1000 },
    { precision: 6 as const, expected: AT },
  ])("drops what $precision digits do not show", ({ precision, expected }) => {
    expect(truncateMicros(AT, precision)).toBe(expected);
    expect(parseTimestampMicros(formatTimestamp(AT, precision))).toBe(expected);
  });
});

describe("parseTimestampMicros", () => {
  it.each([
    { text: "2024-06-01T12:03:11.402115Z", expected: AT },
    { text: "2024-06-01T12:03:11.402115999Z", expected: AT },
    { text: "2024-06-01T14:03:11.402115+02:00", expected: AT },
    { text: "2024-06-01T12:03:11Z", expected: Date.UTC(2024, 5, 1, 12, 3, 11) * 1000 },
    { text: "2024-02-30T00:00:00Z", expected: undefined },
    { text: "2024-06-01", expected: undefined },
    { text: "yesterday", expected: undefined },
  ])("reads $text", ({ text, expected }) => {
    expect(parseTimestampMicros(text)).toBe(expected);
  });
});

describe("parseDateOrTimestampMicros", () => {
  it.each([
    { text: "2024-06-01", expected: Date.UTC(2024, 5, 1) * 1000 },
    { text: "2024-06-01T12:03:11Z", expected: Date.UTC(2024, 5, 1, 12, 3, 11) * 1000 },
    { text: "2024-13-01", expected: undefined },
  ])("reads $text", ({ text, expected }) => {
    expect(parseDateOrTimestampMicros(text)).toBe(expected);
  });
});

describe("startOfDayMicros", () => {
  it("moves an instant back to 00:00 UTC of its day", () => {
    expect(startOfDayMicros(AT)).toBe(Date.UTC(2024, 5, 1) * 1000);
  });
});
