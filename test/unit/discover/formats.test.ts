import { describe, expect, it } from "vitest";
import { isDateTime, isEmail, isWebUrl } from "../../../src/discover/formats";
import { matchesFormat } from "../../../src/transform/validate-entity";

const DATE_TIMES = [
  { text: "2023-02-05T23:51:13.568903Z", expected: true },
  { text: "2023-02-05T23:51:13Z", expected: true },
  { text: "2024-02-29T00:00:00+05:30", expected: true },
  { text: "2023-02-05T23:51:13-08:00", expected: true },
  { text: "2023-02-05", expected: false },
  { text: "2023-02-05T23:51:13", expected: false },
  { text: "2023-02-05 23:51:13Z", expected: false },
  { text: "2023-02-29T00:00:00Z", expected: false },
  { text: "2023-13-01T00:00:00Z", expected: false },
  { text: "2023-01-01T24:00:00Z", expected: false },
  { text: "2016-12-31T23:59:60Z", expected: false },
  { text: "2023-01-01T00:00:00+2400", expected: false },
  { text: "", expected: false },
];

const URLS = [
  { text: "https://app.incident.io/sandbox-org/incidents/119", expected: true },
  { text: "http://localhost:8080/path?q=1#x", expected: true },
  { text: "ftp://files.example.com/a", expected: false },
  { text: "app.incident.io/incidents/1", expected: false },
  { text: "https://", expected: false },
  { text: "https://exa mple.com", expected: false },
  { text: "mailto:a@example.com", expected: false },
];

const EMAILS = [
  { text: "alice.kovacs@example.com", expected: true },
  { text: "a+tag@mail.example.co.uk", expected: true },
  { text: "alice@localhost", expected: false },
  { text: "@example.com", expected: false },
  { text: "alice..kovacs@example.com", expected: false },
  { text: "alice@-example.com", expected: false },
  { text: "alice kovacs@example.com", expected: false },
  { text: "o'brien@example.com", expected: false },
];

describe("formats", () => {
  it.each(DATE_TIMES)("isDateTime($text) is $expected", ({ text, expected }) => {
    expect(isDateTime(text)).toBe(expected);
  });

  it.each(URLS)("isWebUrl($text) is $expected", ({ text, expected }) => {
    expect(isWebUrl(text)).toBe(expected);
  });

  it.each(EMAILS)("isEmail($text) is $expected", ({ text, expected }) => {
    expect(isEmail(text)).toBe(expected);
  });

  it.each([
    ...DATE_TIMES.filter((c) => c.expected).map((c) => ({ format: "date-time", text: c.text })),
    ...URLS.filter((c) => c.expected).map((c) => ({ format: "url", text: c.text })),
    ...EMAILS.filter((c) => c.expected).map((c) => ({ format: "email", text: c.text })),
  ])("never accepts a $format value that the product's Port validation refuses: $text", ({ format, text }) => {
    expect(matchesFormat(format, text)).toBe(true);
  });
});
