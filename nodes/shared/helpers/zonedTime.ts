// Wall-clock time in IANA time zones with Node's Intl only. Times of day are whole minutes
// (every zone's offset is a whole number of minutes today, 30 and 45 included).

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** A calendar date; month 1-12, weekday 0 (Sunday) to 6 (Saturday). */
export interface LocalDate {
	year: number;
	month: number;
	day: number;
	weekday: number;
}

export interface LocalTime extends LocalDate {
	/** Minutes since local midnight, 0-1439. */
	minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(zone);
	if (!formatter) {
		// hourCycle h23: midnight is 00, where hour12: false would say 24.
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
		});
		formatters.set(zone, formatter);
	}
	return formatter;
}

/** The zone's offset from UTC at an instant, in minutes, as Intl tells it. */
function intlOffsetMinutes(zone: string, instantMs: number): number {
	const minuteStart = Math.floor(instantMs / MINUTE_MS) * MINUTE_MS;
	const fields: Record<string, string> = {};
	for (const part of formatterOf(zone).formatToParts(minuteStart)) fields[part.type] = part.value;
	const wallAsUtc = Date.UTC(
		Number(fields.year),
		Number(fields.month) - 1,
		Number(fields.day),
		Number(fields.hour),
		Number(fields.minute),
	);
	return (wallAsUtc - minuteStart) / MINUTE_MS;
}

const STEP_MS = DAY_MS / 2;
const TIMELINE_DAYS_BEFORE = 3;
const TIMELINE_DAYS_AFTER = 16;

/**
 * A zone's offsets over a few weeks, read from Intl once (every 12 hours, and to the minute where
 * it changes), so that local times inside it are plain arithmetic. Assumes at most one change
 * within 12 hours, which holds for every zone's rules.
 */
interface Timeline {
	fromMs: number;
	toMs: number;
	/** Ascending by `fromMs`; the first starts at the timeline's start. */
	offsets: Array<{ fromMs: number; offset: number }>;
}

function firstMinuteWithOffsetOtherThan(
	zone: string,
	offset: number,
	fromMs: number,
	toMs: number,
) {
	let low = Math.floor(fromMs / MINUTE_MS);
	let high = Math.ceil(toMs / MINUTE_MS);
	while (high - low > 1) {
		const middle = Math.floor((low + high) / 2);
		if (intlOffsetMinutes(zone, middle * MINUTE_MS) === offset) low = middle;
		else high = middle;
	}
	return high * MINUTE_MS;
}

function buildTimeline(zone: string, anchorDay: number): Timeline {
	const fromMs = (anchorDay - TIMELINE_DAYS_BEFORE) * DAY_MS;
	const toMs = (anchorDay + TIMELINE_DAYS_AFTER) * DAY_MS;
	let offset = intlOffsetMinutes(zone, fromMs);
	const offsets = [{ fromMs, offset }];
	for (let at = fromMs; at < toMs; at += STEP_MS) {
		const next = intlOffsetMinutes(zone, at + STEP_MS);
		if (next !== offset) {
			offsets.push({
				fromMs: firstMinuteWithOffsetOtherThan(zone, offset, at, at + STEP_MS),
				offset: next,
			});
			offset = next;
		}
	}
	return { fromMs, toMs, offsets };
}

const timelines = new Map<string, Timeline>();
const TIMELINE_CACHE_LIMIT = 4000;

function timelineOf(zone: string, instantMs: number): Timeline {
	const anchorDay = Math.floor(instantMs / DAY_MS);
	const key = `${zone} ${anchorDay}`;
	let timeline = timelines.get(key);
	if (!timeline) {
		// A timeline of an earlier anchor still covers the instant most of the time.
		for (let back = 1; back < TIMELINE_DAYS_AFTER - 1 && !timeline; back++) {
			const earlier = timelines.get(`${zone} ${anchorDay - back}`);
			if (earlier && instantMs < earlier.toMs - DAY_MS) timeline = earlier;
		}
		if (!timeline) {
			if (timelines.size >= TIMELINE_CACHE_LIMIT) timelines.clear();
			timeline = buildTimeline(zone, anchorDay);
			timelines.set(key, timeline);
		}
	}
	return timeline;
}

/** The zone's offset from UTC at an instant, in minutes (e.g. 345 for Kathmandu). */
export function offsetMinutesAt(zone: string, instantMs: number): number {
	const { offsets } = timelineOf(zone, instantMs);
	let offset = offsets[0].offset;
	for (const entry of offsets) {
		if (entry.fromMs > instantMs) break;
		offset = entry.offset;
	}
	return offset;
}

/** The wall-clock date and minute of an instant in a zone. */
export function localTimeOf(zone: string, instantMs: number): LocalTime {
	const wall = new Date(instantMs + offsetMinutesAt(zone, instantMs) * MINUTE_MS);
	return {
		year: wall.getUTCFullYear(),
		month: wall.getUTCMonth() + 1,
		day: wall.getUTCDate(),
		weekday: wall.getUTCDay(),
		minute: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
	};
}

/** The date `days` after a date (calendar arithmetic, no zone involved). */
export function addDays(date: LocalDate, days: number): LocalDate {
	const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
	return {
		year: moved.getUTCFullYear(),
		month: moved.getUTCMonth() + 1,
		day: moved.getUTCDate(),
		weekday: moved.getUTCDay(),
	};
}

/** Instants where the zone's offset changes (daylight saving) between two instants. */
export function offsetChangesBetween(zone: string, fromMs: number, toMs: number): number[] {
	const changes = new Set<number>();
	for (let at = fromMs; at <= toMs; ) {
		const timeline = timelineOf(zone, at);
		for (const entry of timeline.offsets.slice(1)) {
			if (entry.fromMs > fromMs && entry.fromMs <= toMs) changes.add(entry.fromMs);
		}
		at = timeline.toMs;
	}
	return [...changes].sort((a, b) => a - b);
}

/**
 * The instants at which a zone's clock shows `minute` on `date`, using that day's own offset:
 * one normally; two when the clock is set back through it (both, in order); and when the clock
 * jumps over it (a spring-forward gap), the instant of the jump, the first moment the clock
 * shows a later time.
 */
export function instantsOfLocal(zone: string, date: LocalDate, minute: number): number[] {
	const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minute);
	const offsetBefore = offsetMinutesAt(zone, wall - DAY_MS);
	const offsetAfter = offsetMinutesAt(zone, wall + DAY_MS);
	const candidates = [...new Set([offsetBefore, offsetAfter])]
		.map((offset) => wall - offset * MINUTE_MS)
		.filter((instant) => offsetMinutesAt(zone, instant) * MINUTE_MS === wall - instant)
		.sort((a, b) => a - b);
	if (candidates.length > 0) return candidates;
	const earliest = wall - Math.max(offsetBefore, offsetAfter) * MINUTE_MS;
	const latest = wall - Math.min(offsetBefore, offsetAfter) * MINUTE_MS;
	return offsetChangesBetween(zone, earliest, latest).slice(0, 1);
}

/** `2026-03-08T03:00:00-04:00`: the wall-clock time with its offset, to the second. */
export function formatLocal(zone: string, instantMs: number): string {
	const local = localTimeOf(zone, instantMs);
	const offset = offsetMinutesAt(zone, instantMs);
	const pad = (value: number) => String(value).padStart(2, '0');
	const sign = offset < 0 ? '-' : '+';
	const seconds = Math.floor((instantMs % MINUTE_MS) / 1000);
	return `${local.year}-${pad(local.month)}-${pad(local.day)}T${pad(Math.floor(local.minute / 60))}:${pad(local.minute % 60)}:${pad((seconds + 60) % 60)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}
