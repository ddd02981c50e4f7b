/** Start of a tenant-local calendar day as an instant (the daily checkpoint's time). */

const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let cached = wallClocks.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClocks.set(timeZone, cached);
  }
  return cached;
}

/** The local wall-clock reading of `at`, written as if it were UTC. */
function wallClockAsUtcMs(at: number, timeZone: string): number {
  const parts = new Map<string, number>(
    wallClock(timeZone)
      .formatToParts(new Date(at))
      .map((part) => [part.type, Number(part.value)]),
  );
  const part = (type: string) => parts.get(type) ?? 0;
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
}

/** Local midnight starting the day that is `dayOffset` days from the local day of `at`. */
export function localMidnight(at: Date, timeZone: string, dayOffset = 0): Date {
  const wall = new Date(wallClockAsUtcMs(at.getTime(), timeZone));
  const midnightWall = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + dayOffset);
  const offsetMs = wallClockAsUtcMs(midnightWall, timeZone) - midnightWall;
  return new Date(midnightWall - offsetMs);
}
