// Calling hours in the recipient's local time (docs/calling-hours.md): the windows of the legal
// table and of custom hours, stacked where several rules apply, checked in every time zone the
// number may be in.
import { isPublicHoliday, type HolidayCalendar } from './holidays';
import { timeZonesOf, type NumberFacts } from './timeZones';
import {
	addDays,
	DAY_MS,
	formatLocal,
	instantsOfLocal,
	localTimeOf,
	offsetChangesBetween,
	type LocalDate,
} from './zonedTime';

export const DAY_NAMES = [
	'sunday',
	'monday',
	'tuesday',
	'wednesday',
	'thursday',
	'friday',
	'saturday',
] as const;
export type DayName = (typeof DAY_NAMES)[number];

/** Minutes since local midnight, start inclusive, end exclusive. */
export type Span = readonly [start: number, end: number];

/** When calls are allowed on each local date. */
export interface CallingWindow {
	/** Identifies the window's rules (used to share work between numbers with the same rules). */
	readonly key: string;
	spansOn(date: LocalDate): readonly Span[];
}

export type NotCallableReason = 'outside_calling_hours' | 'time_zone_unknown';

interface Jurisdiction {
	name: string;
	/** Spans per weekday, Sunday first. */
	week: ReadonlyArray<readonly Span[]>;
	/** Closed on this country's national public holidays. */
	holidays?: HolidayCalendar;
}

function minutesOf(time: string): number {
	const [hours, minutes] = time.split(':').map(Number);
	return hours * 60 + minutes;
}

function span(from: string, to: string): Span {
	return [minutesOf(from), minutesOf(to)];
}

/** A week given as Monday–Friday, Saturday and Sunday spans. */
function week(weekdays: Span[], saturday: Span[], sunday: Span[]): Array<readonly Span[]> {
	return [sunday, weekdays, weekdays, weekdays, weekdays, weekdays, saturday];
}

const CLOSED: Span[] = [];

/** The legal table of docs/calling-hours.md (guidance, not legal advice). */
export const JURISDICTIONS = {
	unitedStates: {
		name: 'United States (TCPA)',
		week: week([span('08:00', '21:00')], [span('08:00', '21:00')], [span('08:00', '21:00')]),
	},
	florida: {
		name: 'Florida',
		week: week([span('08:00', '20:00')], [span('08:00', '20:00')], [span('08:00', '20:00')]),
	},
	rhodeIsland: {
		name: 'Rhode Island',
		week: week([span('09:00', '18:00')], [span('10:00', '17:00')], CLOSED),
	},
	canada: {
		name: 'Canada (CRTC)',
		week: week([span('09:00', '21:30')], [span('10:00', '18:00')], [span('10:00', '18:00')]),
	},
	france: {
		name: 'France',
		week: week([span('10:00', '13:00'), span('14:00', '20:00')], CLOSED, CLOSED),
		holidays: 'FR',
	},
	australia: {
		name: 'Australia',
		week: week([span('09:00', '20:00')], [span('09:00', '17:00')], CLOSED),
		holidays: 'AU',
	},
	unitedKingdom: {
		name: 'United Kingdom',
		week: week([span('08:00', '21:00')], [span('09:00', '21:00')], CLOSED),
	},
	germany: {
		name: 'Germany',
		week: week([span('08:00', '20:00')], [span('09:00', '18:00')], CLOSED),
	},
	otherCountries: {
		name: 'Other countries',
		week: week([span('09:00', '20:00')], [span('09:00', '20:00')], CLOSED),
	},
} satisfies Record<string, Jurisdiction>;

/** The United States and the territories where the TCPA applies. */
const US_REGIONS = new Set(['US', 'PR', 'GU', 'AS', 'VI', 'MP']);

/** Area codes of Florida (Fla. Stat. §501.616), overlays included. */
export const FLORIDA_AREA_CODES = new Set([
	'239',
	'305',
	'321',
	'324',
	'352',
	'386',
	'407',
	'448',
	'561',
	'645',
	'656',
	'689',
	'727',
	'728',
	'754',
	'772',
	'786',
	'813',
	'850',
	'863',
	'904',
	'941',
	'954',
]);

const RHODE_ISLAND_AREA_CODE = '401';

const COUNTRY_JURISDICTIONS: Record<string, Jurisdiction> = {
	CA: JURISDICTIONS.canada,
	FR: JURISDICTIONS.france,
	AU: JURISDICTIONS.australia,
	GB: JURISDICTIONS.unitedKingdom,
	DE: JURISDICTIONS.germany,
};

/** The rules that apply to a number, federal first. */
export function jurisdictionsOf(country: string | undefined, e164: string): Jurisdiction[] {
	if (country && US_REGIONS.has(country)) {
		const areaCode = e164.slice(2, 5);
		return [
			JURISDICTIONS.unitedStates,
			...(FLORIDA_AREA_CODES.has(areaCode) ? [JURISDICTIONS.florida] : []),
			...(areaCode === RHODE_ISLAND_AREA_CODE ? [JURISDICTIONS.rhodeIsland] : []),
		];
	}
	return [(country && COUNTRY_JURISDICTIONS[country]) || JURISDICTIONS.otherCountries];
}

/** The times inside both lists of spans. */
function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
	const both: Span[] = [];
	for (const [startA, endA] of a) {
		for (const [startB, endB] of b) {
			const start = Math.max(startA, startB);
			const end = Math.min(endA, endB);
			if (start < end) both.push([start, end]);
		}
	}
	return both.sort((x, y) => x[0] - y[0]);
}

function jurisdictionSpans(jurisdiction: Jurisdiction, date: LocalDate): readonly Span[] {
	if (jurisdiction.holidays && isPublicHoliday(jurisdiction.holidays, date)) return CLOSED;
	return jurisdiction.week[date.weekday];
}

const legalWindows = new Map<string, CallingWindow>();

/** The legal window for a number: where rules stack (state and federal), the strictest wins. */
export function legalWindowOf(country: string | undefined, e164: string): CallingWindow {
	const rules = jurisdictionsOf(country, e164);
	const key = `legal:${rules.map((rule) => rule.name).join('+')}`;
	let window = legalWindows.get(key);
	if (!window) {
		window = {
			key,
			spansOn: (date) =>
				rules
					.slice(1)
					.reduce(
						(spans, rule) => intersect(spans, jurisdictionSpans(rule, date)),
						jurisdictionSpans(rules[0], date),
					),
		};
		legalWindows.set(key, window);
	}
	return window;
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export type CustomHoursCheck =
	| { valid: true; window: CallingWindow }
	| { valid: false; reason: string };

/** Custom hours: From (inclusive) to To (exclusive, 24:00 allowed) on the chosen days. */
export function checkCustomHours(from: unknown, to: unknown, days: unknown): CustomHoursCheck {
	const start = String(from ?? '').trim();
	const end = String(to ?? '').trim();
	if (!TIME_OF_DAY.test(start)) {
		return {
			valid: false,
			reason: `Calling Hours From must be a time as HH:MM (00:00 to 23:59), not "${start}"`,
		};
	}
	if (!(TIME_OF_DAY.test(end) || end === '24:00')) {
		return {
			valid: false,
			reason: `Calling Hours To must be a time as HH:MM (00:01 to 24:00), not "${end}"`,
		};
	}
	if (minutesOf(end) <= minutesOf(start)) {
		return {
			valid: false,
			reason: `Calling Hours To (${end}) must be later than From (${start}) on the same day`,
		};
	}
	const chosen = Array.isArray(days) ? days.map((day) => String(day).toLowerCase()) : [];
	const unknown = chosen.filter((day) => !(DAY_NAMES as readonly string[]).includes(day));
	if (unknown.length > 0) {
		return { valid: false, reason: `Calling Days has unknown days: ${unknown.join(', ')}` };
	}
	if (chosen.length === 0) {
		return { valid: false, reason: 'Calling Days must have at least one day' };
	}
	const open = new Set(chosen.map((day) => DAY_NAMES.indexOf(day as DayName)));
	const spans: Span[] = [[minutesOf(start), minutesOf(end)]];
	return {
		valid: true,
		window: {
			key: `custom:${start}-${end}:${[...open].sort().join('')}`,
			spansOn: (date) => (open.has(date.weekday) ? spans : CLOSED),
		},
	};
}

export interface CallingState {
	/** Whether the number may be dialled now. */
	callableNow: boolean;
	/** Why not, when it may not. */
	reason: NotCallableReason | null;
	/** The IANA zones the number may be in. */
	zones: string[];
	/** Wall-clock time now in each distinct zone, e.g. "2026-03-08T03:00:00-04:00"; null when unknown. */
	localTime: string | null;
	/** The next instant (ISO 8601, UTC) at which the window is open in every zone; null when callable now or unknown. */
	nextCallAt: string | null;
}

/** How far ahead an opening is looked for; a window that opens in no zone-overlap within it never does. */
const HORIZON_DAYS = 10;

function isInside(window: CallingWindow, zone: string, instantMs: number): boolean {
	const local = localTimeOf(zone, instantMs);
	return window.spansOn(local).some(([start, end]) => start <= local.minute && local.minute < end);
}

/** Whether an instant is inside the window in every zone. */
export function isInsideEveryZone(
	window: CallingWindow,
	zones: string[],
	instantMs: number,
): boolean {
	return zones.every((zone) => isInside(window, zone, instantMs));
}

/**
 * Every instant from `fromMs` on at which being inside the window may change in some zone: the
 * starts and ends of its spans, converted with each day's own offset, and the zone's offset
 * changes. Between two of them, inside or not stays the same.
 */
function boundariesOf(window: CallingWindow, zones: string[], fromMs: number, toMs: number) {
	const boundaries = new Set<number>();
	for (const zone of zones) {
		const first = localTimeOf(zone, fromMs - DAY_MS);
		for (let day = 0; day <= HORIZON_DAYS + 2; day++) {
			const date = addDays(first, day);
			for (const [start, end] of window.spansOn(date)) {
				for (const instant of instantsOfLocal(zone, date, start)) boundaries.add(instant);
				for (const instant of instantsOfLocal(zone, date, end)) boundaries.add(instant);
			}
		}
		for (const change of offsetChangesBetween(zone, fromMs - DAY_MS, toMs + DAY_MS))
			boundaries.add(change);
	}
	return [...boundaries]
		.filter((instant) => instant >= fromMs && instant <= toMs)
		.sort((a, b) => a - b);
}

/** The instants, within a day's horizon, at which the window opens in every zone. */
const openingsCache = new Map<string, number[]>();
const OPENINGS_CACHE_LIMIT = 2000;

function openingsFrom(window: CallingWindow, zones: string[], dayStartMs: number): number[] {
	const key = `${window.key}|${zones.join(' ')}|${dayStartMs}`;
	const cached = openingsCache.get(key);
	if (cached) return cached;
	const openings: number[] = [];
	let wasInside = isInsideEveryZone(window, zones, dayStartMs - 1);
	for (const boundary of boundariesOf(
		window,
		zones,
		dayStartMs,
		dayStartMs + HORIZON_DAYS * DAY_MS,
	)) {
		const inside = isInsideEveryZone(window, zones, boundary);
		if (inside && !wasInside) openings.push(boundary);
		wasInside = inside;
	}
	if (openingsCache.size >= OPENINGS_CACHE_LIMIT) openingsCache.clear();
	openingsCache.set(key, openings);
	return openings;
}

/** The first instant after `nowMs` at which the window is open in every zone, if any is near. */
export function nextOpening(
	window: CallingWindow,
	zones: string[],
	nowMs: number,
): number | undefined {
	const dayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
	return openingsFrom(window, zones, dayStart).find((opening) => opening > nowMs);
}

function localTimesOf(zones: string[], nowMs: number): string | null {
	if (zones.length === 0) return null;
	return [...new Set(zones.map((zone) => formatLocal(zone, nowMs)))].join(', ');
}

/**
 * Whether a number whose zones are `zones` may be called at `nowMs` under `window` (undefined:
 * any time), and if not, from when. A moment is inside only if it is inside in every zone; a
 * number without a zone, or whose zones never share an open moment, is not called.
 */
export function callingStateAt(
	window: CallingWindow | undefined,
	zones: string[],
	nowMs: number,
): CallingState {
	const localTime = localTimesOf(zones, nowMs);
	const state = { zones, localTime };
	if (!window) return { ...state, callableNow: true, reason: null, nextCallAt: null };
	if (zones.length === 0) {
		return { ...state, callableNow: false, reason: 'time_zone_unknown', nextCallAt: null };
	}
	if (isInsideEveryZone(window, zones, nowMs)) {
		return { ...state, callableNow: true, reason: null, nextCallAt: null };
	}
	const opening = nextOpening(window, zones, nowMs);
	if (opening === undefined) {
		return { ...state, callableNow: false, reason: 'time_zone_unknown', nextCallAt: null };
	}
	return {
		...state,
		callableNow: false,
		reason: 'outside_calling_hours',
		nextCallAt: new Date(opening).toISOString(),
	};
}

export interface CallingHoursOptions {
	callingHours?: string;
	callingHoursFrom?: string;
	callingHoursTo?: string;
	callingDays?: string[];
}

/** Calling Hours as set: any time, the legal table, or one custom window for every number. */
export type CallingHoursRule =
	| { mode: 'anytime' }
	| { mode: 'legal' }
	| { mode: 'custom'; window: CallingWindow };

export type CallingHoursCheck =
	| { valid: true; rule: CallingHoursRule }
	| { valid: false; reason: string };

/** Reads Options → Calling Hours (and From, To, Days for custom). */
export function checkCallingHours(options: CallingHoursOptions): CallingHoursCheck {
	const mode = options.callingHours ?? 'anytime';
	if (mode === 'anytime' || mode === 'legal') return { valid: true, rule: { mode } };
	if (mode !== 'custom') {
		return {
			valid: false,
			reason: `Calling Hours must be anytime, legal or custom, not "${String(mode)}"`,
		};
	}
	const custom = checkCustomHours(
		options.callingHoursFrom ?? '09:00',
		options.callingHoursTo ?? '20:00',
		options.callingDays ?? ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
	);
	return custom.valid ? { valid: true, rule: { mode, window: custom.window } } : custom;
}

/** A valid number, as the calling-hours rules need it. */
export interface CalledNumber extends NumberFacts {
	/** ISO 3166 region, e.g. "US"; undefined for non-geographic calling codes. */
	country?: string;
}

const statesCache = new Map<string, CallingState>();
const STATES_CACHE_LIMIT = 5000;

/**
 * Whether a number may be called at `nowMs` under the rule, in its own local time. Numbers with
 * the same zones and rules within the same second share the answer.
 */
export function callingStateOf(
	rule: CallingHoursRule,
	number: CalledNumber,
	nowMs: number,
): CallingState {
	const window =
		rule.mode === 'anytime'
			? undefined
			: rule.mode === 'legal'
				? legalWindowOf(number.country, number.e164)
				: rule.window;
	const zones = timeZonesOf(number);
	const key = `${window?.key ?? 'anytime'}|${zones.join(' ')}|${Math.floor(nowMs / 1000)}`;
	let state = statesCache.get(key);
	if (!state) {
		if (statesCache.size >= STATES_CACHE_LIMIT) statesCache.clear();
		state = callingStateAt(window, zones, nowMs);
		statesCache.set(key, state);
	}
	return { ...state, zones: [...state.zones] };
}
