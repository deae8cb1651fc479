// Stricter than Port's own checks (JSON Schema formats as ajv-formats applies them): a format is
// proposed only when every sampled value passes here, so Port can never refuse a sampled value.

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
const EMAIL_ATOM = /^[A-Za-z0-9!#$%&*+/=?^_`{|}~-]+$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const WEB_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

function countDaysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for an RFC 3339 date-time with a `T`, seconds, and a `Z` or `±hh:mm` offset (leap seconds excluded). */
export function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [offsetHour, offsetMinute] = [Number(m[7] ?? 0), Number(m[8] ?? 0)];
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= countDaysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59 && offsetHour <= 23 && offsetMinute <= 59
  );
}

/** True for an absolute http(s) URL with a host and no whitespace. */
export function isWebUrl(text: string): boolean {
  return WEB_URL.test(text) && URL.canParse(text);
}

/** True for `local@domain.tld`: dot-separated atoms, then at least two hostname labels. */
export function isEmail(text: string): boolean {
  const at = text.lastIndexOf("@");
  if (at <= 0) return false;
  const labels = text.slice(at + 1).split(".");
  return text.slice(0, at).split(".").every((atom) => EMAIL_ATOM.test(atom)) && labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label));
}
