import fc from 'fast-check';

import {
	callingStateOf,
	checkCallingHours,
	DAY_NAMES,
	legalWindowOf,
	type CallingHoursRule,
	type CallingWindow,
} from '../../nodes/shared/helpers/callingHours';
import { checkPhoneNumber } from '../../nodes/shared/helpers/phone';
import { propertyRuns } from '../helpers/propertyRuns';

/** Stems of numbers across many zones, split area codes, the date line and multi-zone countries. */
const STEMS = [
	'+1212555',
	'+1415555',
	'+1850555',
	'+1208555',
	'+1305555',
	'+1401555',
	'+1416555',
	'+1907555',
	'+1671300',
	'+1684622',
	'+1800555',
	'+612912',
	'+617312',
	'+614123',
	'+612550',
	'+618903',
	'+331423',
	'+336123',
	'+493012',
	'+442079',
	'+813123',
	'+749512',
	'+791612',
	'+740123',
	'+5581323',
	'+5511323',
	'+9714412',
	'+919812',
];

const number = fc
	.tuple(fc.constantFrom(...STEMS), fc.integer({ min: 0, max: 99_999 }))
	.map(([stem, tail]) => checkPhoneNumber(`${stem}${String(tail).padStart(5, '0')}`))
	.filter((phone) => phone.valid)
	.map((phone) => phone as Extract<typeof phone, { valid: true }>);

// 2026-01-01 to 2028-01-01, to the second: both daylight-saving changes of every hemisphere.
const instant = fc.integer({ min: Date.UTC(2026, 0, 1) / 1000, max: Date.UTC(2028, 0, 1) / 1000 });

const time = (minute: number) =>
	`${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

const rule: fc.Arbitrary<CallingHoursRule> = fc.oneof(
	fc.constant<CallingHoursRule>({ mode: 'legal' }),
	fc
		.tuple(
			fc.integer({ min: 0, max: 1438 }),
			fc.integer({ min: 1, max: 1440 }),
			fc.subarray([...DAY_NAMES], { minLength: 1 }),
		)
		.filter(([from, to]) => from < to)
		.map(([from, to, days]) => {
			const check = checkCallingHours({
				callingHours: 'custom',
				callingHoursFrom: time(from),
				callingHoursTo: time(to),
				callingDays: days,
			});
			if (!check.valid) throw new Error(check.reason);
			return check.rule;
		}),
);

// The oracle reads wall-clock time with its own formatter, not the code under test.
const oracleFormatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_INDEX: Record<string, number> = {
	Sun: 0,
	Mon: 1,
	Tue: 2,
	Wed: 3,
	Thu: 4,
	Fri: 5,
	Sat: 6,
};

function wallClock(zone: string, at: number) {
	let formatter = oracleFormatters.get(zone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-GB', {
			timeZone: zone,
			hourCycle: 'h23',
			weekday: 'short',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
		});
		oracleFormatters.set(zone, formatter);
	}
	const parts = Object.fromEntries(
		formatter.formatToParts(at).map((part) => [part.type, part.value]),
	);
	return {
		date: {
			year: Number(parts.year),
			month: Number(parts.month),
			day: Number(parts.day),
			weekday: WEEKDAY_INDEX[parts.weekday],
		},
		minute: Number(parts.hour) * 60 + Number(parts.minute),
	};
}

function insideIn(window: CallingWindow, zone: string, at: number): boolean {
	const { date, minute } = wallClock(zone, at);
	return window.spansOn(date).some(([start, end]) => start <= minute && minute < end);
}

function windowOf(chosen: CallingHoursRule, phone: { country?: string; e164: string }) {
	if (chosen.mode === 'custom') return chosen.window;
	return legalWindowOf(phone.country, phone.e164);
}

describe('calling hours (property)', () => {
	it('dials only inside the window in every zone; next_call_at is its first opening after now', () => {
		fc.assert(
			fc.property(number, instant, rule, (phone, seconds, chosen) => {
				const now = seconds * 1000;
				const state = callingStateOf(chosen, phone, now);
				const window = windowOf(chosen, phone);
				const inEvery = (at: number) => state.zones.every((zone) => insideIn(window, zone, at));
				if (state.zones.length === 0) {
					expect(state).toMatchObject({ callableNow: false, reason: 'time_zone_unknown' });
					return;
				}
				expect(state.callableNow).toBe(inEvery(now));
				if (state.callableNow) {
					expect(state.nextCallAt).toBeNull();
					return;
				}
				if (state.nextCallAt === null) {
					expect(state.reason).toBe('time_zone_unknown');
					return;
				}
				const opening = Date.parse(state.nextCallAt);
				expect(opening).toBeGreaterThan(now);
				expect(inEvery(opening)).toBe(true);
				expect(inEvery(opening - 60_000)).toBe(false);
				// And it is the first opening: nothing before it is inside.
				for (let probe = 1; probe < 8; probe++) {
					expect(inEvery(now + ((opening - now) * probe) / 8)).toBe(false);
				}
			}),
			{ numRuns: propertyRuns(300) },
		);
	});
});
