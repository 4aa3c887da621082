// Dates typed in <input type="date"> (YYYY-MM-DD, the user's own calendar day) as the RFC 3339
// instants the API filters by.

function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getMonth() === Number(m[2]) - 1 ? d : null;
}

/** The first instant of day in the local time zone, or undefined when day is not a date. */
export function dayStart(day: string): string | undefined {
  return parseDay(day)?.toISOString();
}

/** The last whole second of day in the local time zone. */
export function dayEnd(day: string): string | undefined {
  const d = parseDay(day);
  if (!d) return undefined;
  d.setDate(d.getDate() + 1);
  d.setSeconds(-1);
  return d.toISOString();
}
