import {
	callingStateAt,
	callingStateOf,
	checkCallingHours,
	checkCustomHours,
	type CallingHoursRule,
	type CallingWindow,
} from '../../nodes/shared/helpers/callingHours';
import { easterSunday, isPublicHoliday } from '../../nodes/shared/helpers/holidays';
import { checkPhoneNumber } from '../../nodes/shared/helpers/phone';
import { timeZonesOf } from '../../nodes/shared/helpers/timeZones';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const EVERY_DAY = [...WEEKDAYS, 'saturday', 'sunday'];

function customRule(from: string, to: string, days = WEEKDAYS): CallingHoursRule {
	const check = checkCallingHours({
		callingHours: 'custom',
		callingHoursFrom: from,
		callingHoursTo: to,
		callingDays: days,
	});
	if (!check.valid) throw new Error(check.reason);
	return check.rule;
}

function customWindow(from: string, to: string, days = WEEKDAYS): CallingWindow {
	const check = checkCustomHours(from, to, days);
	if (!check.valid) throw new Error(check.reason);
	return check.window;
}

const LEGAL: CallingHoursRule = { mode: 'legal' };
const OFFICE_HOURS = customRule('09:00', '20:00');

function numberOf(e164: string) {
	const phone = checkPhoneNumber(e164);
	if (!phone.valid) throw new Error(phone.reason);
	return phone;
}

function stateOf(e164: string, rule: CallingHoursRule, at: string) {
	return callingStateOf(rule, numberOf(e164), Date.parse(at));
}

function zonesOf(e164: string): string[] {
	return timeZonesOf(numberOf(e164));
}

const NEW_YORK = '+12125550123';
const SYDNEY = '+61291234567';
const BRISBANE = '+61731234567';
const PARIS = '+33142345678';

describe('time zones from the number', () => {
	it('tells US and Canadian numbers by area code, other countries as libphonenumber maps them', () => {
		expect(zonesOf(NEW_YORK)).toEqual(['America/New_York']);
		expect(zonesOf('+14165550123')).toEqual(['America/Toronto']);
		expect(zonesOf(SYDNEY)).toEqual(['Australia/Sydney']);
		expect(zonesOf(PARIS)).toEqual(['Europe/Paris']);
		expect(zonesOf('+81312345678')).toEqual(['Asia/Tokyo']);
	});

	it('gives the split area codes 850 and 208 every zone of the area code', () => {
		expect(zonesOf('+18505550123')).toEqual(['America/Chicago', 'America/New_York']);
		expect(zonesOf('+12085550123')).toEqual([
			'America/Boise',
			'America/Denver',
			'America/Los_Angeles',
		]);
	});

	it('corrects the three known errors of the map: Queensland, Recife, Kaliningrad', () => {
		expect(zonesOf(BRISBANE)).toEqual(['Australia/Brisbane']);
		expect(zonesOf('+558132345678')).toEqual(['America/Recife']);
		expect(zonesOf('+74012345678')).toEqual(['Europe/Kaliningrad']);
		// Fernando de Noronha's own exchange keeps its zone.
		expect(zonesOf('+558136191234')).toEqual(['America/Noronha']);
	});

	it('gives a number not tied to a place the zones of its whole calling code', () => {
		const russianMobile = zonesOf('+79161234567');
		expect(russianMobile).toHaveLength(16);
		expect(russianMobile).toEqual(
			expect.arrayContaining(['Europe/Kaliningrad', 'Europe/Moscow', 'Asia/Kamchatka']),
		);
		expect(russianMobile).not.toContain('Europe/Bucharest');
		expect(zonesOf('+74951234567')).toEqual(['Europe/Moscow']);
		expect(zonesOf('+33800123456')).toEqual(['Europe/Paris']);
		expect(zonesOf('+18005550123')).toEqual(
			expect.arrayContaining(['Pacific/Guam', 'Pacific/Pago_Pago', 'America/New_York']),
		);
	});

	it('knows no zone for international freephone numbers', () => {
		expect(zonesOf('+80012345678')).toEqual([]);
	});
});

describe('custom calling hours', () => {
	it('dials inside the window and stops at its exclusive end', () => {
		// Wednesday 2026-12-02 in New York (UTC−5).
		expect(stateOf(NEW_YORK, OFFICE_HOURS, '2026-12-03T00:59:59Z')).toMatchObject({
			callableNow: true,
			nextCallAt: null,
			localTime: '2026-12-02T19:59:59-05:00',
		});
		expect(stateOf(NEW_YORK, OFFICE_HOURS, '2026-12-03T01:00:00Z')).toMatchObject({
			callableNow: false,
			reason: 'outside_calling_hours',
			nextCallAt: '2026-12-03T14:00:00.000Z',
		});
		expect(stateOf(NEW_YORK, OFFICE_HOURS, '2026-12-02T14:00:00Z').callableNow).toBe(true);
		expect(stateOf(NEW_YORK, OFFICE_HOURS, '2026-12-02T13:59:59Z')).toMatchObject({
			callableNow: false,
			nextCallAt: '2026-12-02T14:00:00.000Z',
		});
	});

	it('waits from Saturday to Monday', () => {
		// Saturday 2026-12-05 10:00 in New York.
		expect(stateOf(NEW_YORK, OFFICE_HOURS, '2026-12-05T15:00:00Z')).toMatchObject({
			callableNow: false,
			nextCallAt: '2026-12-07T14:00:00.000Z',
		});
	});

	it('computes the next opening with the offset of the day it opens, in both hemispheres', () => {
		// New York springs forward on Sunday 2026-03-08: Friday evening EST, Monday opens in EDT.
		expect(stateOf(NEW_YORK, OFFICE_HOURS, '2026-03-07T02:00:00Z')).toMatchObject({
			localTime: '2026-03-06T21:00:00-05:00',
			nextCallAt: '2026-03-09T13:00:00.000Z',
		});
		// And falls back on Sunday 2026-11-01: Monday opens in EST.
		expect(stateOf(NEW_YORK, OFFICE_HOURS, '2026-10-31T01:00:00Z').nextCallAt).toBe(
			'2026-11-02T14:00:00.000Z',
		);
		// Sydney leaves daylight saving on Sunday 2026-04-05 (UTC+11 → UTC+10) ...
		expect(stateOf(SYDNEY, OFFICE_HOURS, '2026-04-03T09:30:00Z')).toMatchObject({
			localTime: '2026-04-03T20:30:00+11:00',
			nextCallAt: '2026-04-05T23:00:00.000Z',
		});
		// ... and enters it on Sunday 2026-10-04 (UTC+10 → UTC+11).
		expect(stateOf(SYDNEY, OFFICE_HOURS, '2026-10-02T10:30:00Z').nextCallAt).toBe(
			'2026-10-04T22:00:00.000Z',
		);
		// Brisbane keeps UTC+10 all year (the 617 override): an hour after Sydney in October.
		expect(stateOf(BRISBANE, OFFICE_HOURS, '2026-10-02T10:30:00Z').nextCallAt).toBe(
			'2026-10-04T23:00:00.000Z',
		);
	});

	it('opens a window that starts inside a spring-forward gap when the clock jumps over it', () => {
		// 02:30 does not exist in New York on 2026-03-08; at 07:00Z the clock jumps to 03:00.
		const window = customWindow('02:30', '05:00', EVERY_DAY);
		expect(
			callingStateAt(window, ['America/New_York'], Date.parse('2026-03-08T06:30:00Z')),
		).toMatchObject({
			callableNow: false,
			localTime: '2026-03-08T01:30:00-05:00',
			nextCallAt: '2026-03-08T07:00:00.000Z',
		});
		expect(
			callingStateAt(window, ['America/New_York'], Date.parse('2026-03-08T07:00:00Z')),
		).toMatchObject({ callableNow: true, localTime: '2026-03-08T03:00:00-04:00' });
	});

	it('reads midnight as 00, not 24', () => {
		const window = customWindow('00:00', '01:00', EVERY_DAY);
		expect(
			callingStateAt(window, ['Europe/Paris'], Date.parse('2026-12-02T23:30:00Z')),
		).toMatchObject({
			callableNow: true,
			localTime: '2026-12-03T00:30:00+01:00',
		});
	});

	it('keeps 30- and 45-minute offsets: Lord Howe, Kathmandu, Eucla', () => {
		const at = Date.parse('2026-07-01T00:00:00Z');
		const window = customWindow('09:00', '20:00', EVERY_DAY);
		// Lord Howe in July: UTC+10:30; 09:00 there is 22:30Z.
		expect(callingStateAt(window, ['Australia/Lord_Howe'], at)).toMatchObject({
			localTime: '2026-07-01T10:30:00+10:30',
			callableNow: true,
		});
		expect(
			callingStateAt(window, ['Australia/Lord_Howe'], Date.parse('2026-07-01T22:00:00Z'))
				.nextCallAt,
		).toBe('2026-07-01T22:30:00.000Z');
		// Lord Howe's daylight saving moves by 30 minutes only (UTC+11 in January).
		expect(
			callingStateAt(window, ['Australia/Lord_Howe'], Date.parse('2026-01-14T20:00:00Z'))
				.nextCallAt,
		).toBe('2026-01-14T22:00:00.000Z');
		expect(
			callingStateAt(window, ['Asia/Kathmandu'], Date.parse('2026-07-01T03:00:00Z')),
		).toMatchObject({
			localTime: '2026-07-01T08:45:00+05:45',
			nextCallAt: '2026-07-01T03:15:00.000Z',
		});
		expect(
			callingStateAt(window, ['Australia/Eucla'], Date.parse('2026-07-01T00:00:00Z')),
		).toMatchObject({
			localTime: '2026-07-01T08:45:00+08:45',
			nextCallAt: '2026-07-01T00:15:00.000Z',
		});
		expect(zonesOf('+97714412345')).toEqual(['Asia/Katmandu']);
	});

	it('dials a number of a split area code only where all its zones are inside', () => {
		// 850: New York and Chicago time. Wednesday 2026-12-02, 08:30 EST = 07:30 CST.
		expect(stateOf('+18505550123', OFFICE_HOURS, '2026-12-02T13:30:00Z')).toMatchObject({
			callableNow: false,
			localTime: '2026-12-02T07:30:00-06:00, 2026-12-02T08:30:00-05:00',
			nextCallAt: '2026-12-02T15:00:00.000Z',
		});
		// 19:30 EST is 18:30 CST: New York is still inside, until 20:00 EST.
		expect(stateOf('+18505550123', OFFICE_HOURS, '2026-12-03T00:30:00Z').callableNow).toBe(true);
		expect(stateOf('+18505550123', OFFICE_HOURS, '2026-12-03T01:00:00Z').callableNow).toBe(false);
		// 208: Mountain and Pacific time; opens at 09:00 Pacific.
		expect(stateOf('+12085550123', OFFICE_HOURS, '2026-12-02T16:30:00Z')).toMatchObject({
			callableNow: false,
			nextCallAt: '2026-12-02T17:00:00.000Z',
		});
		expect(stateOf('+12085550123', OFFICE_HOURS, '2026-12-03T02:59:00Z').callableNow).toBe(true);
		expect(stateOf('+12085550123', OFFICE_HOURS, '2026-12-03T03:00:00Z').callableNow).toBe(false);
	});

	it('takes the weekday of each side of the date line: Guam and American Samoa', () => {
		// Friday 2026-12-04 23:00Z is Saturday 09:00 on Guam and Friday 12:00 in American Samoa.
		const at = '2026-12-04T23:00:00Z';
		expect(stateOf('+16713001234', OFFICE_HOURS, at)).toMatchObject({
			callableNow: false,
			localTime: '2026-12-05T09:00:00+10:00',
			nextCallAt: '2026-12-06T23:00:00.000Z',
		});
		expect(stateOf('+16846221234', OFFICE_HOURS, at)).toMatchObject({
			callableNow: true,
			localTime: '2026-12-04T12:00:00-11:00',
		});
	});

	it('finds the one hour a Russian mobile is inside in all of Russia', () => {
		// Kaliningrad (UTC+2) opens at 07:00Z, Kamchatka (UTC+12) closes at 08:00Z.
		const mobile = '+79161234567';
		expect(stateOf(mobile, LEGAL, '2026-12-02T06:59:00Z')).toMatchObject({
			callableNow: false,
			nextCallAt: '2026-12-02T07:00:00.000Z',
		});
		expect(stateOf(mobile, LEGAL, '2026-12-02T07:30:00Z').callableNow).toBe(true);
		expect(stateOf(mobile, LEGAL, '2026-12-02T08:00:00Z')).toMatchObject({
			callableNow: false,
			nextCallAt: '2026-12-03T07:00:00.000Z',
		});
	});

	it('does not dial a number whose zone cannot be told, and never guesses one', () => {
		expect(stateOf('+80012345678', OFFICE_HOURS, '2026-12-02T15:00:00Z')).toEqual({
			callableNow: false,
			reason: 'time_zone_unknown',
			zones: [],
			localTime: null,
			nextCallAt: null,
		});
		// US toll-free: every NANP zone from Guam (UTC+10) to American Samoa (UTC−11). With St. John's
		// on daylight saving (UTC−2:30) no moment is inside 09:00–20:00 in all of them ...
		expect(stateOf('+18005550123', OFFICE_HOURS, '2026-07-01T15:00:00Z')).toMatchObject({
			callableNow: false,
			reason: 'time_zone_unknown',
			nextCallAt: null,
		});
		// ... in December (UTC−3:30) half an hour is: 09:00 on Guam to 19:30 in St. John's.
		expect(stateOf('+18005550123', OFFICE_HOURS, '2026-12-02T15:00:00Z')).toMatchObject({
			callableNow: false,
			reason: 'outside_calling_hours',
			nextCallAt: '2026-12-02T23:00:00.000Z',
		});
		expect(stateOf('+18005550123', OFFICE_HOURS, '2026-12-02T23:29:00Z').callableNow).toBe(true);
		expect(stateOf('+18005550123', OFFICE_HOURS, '2026-12-02T23:30:00Z').callableNow).toBe(false);
		// Any time: no zone is needed.
		expect(stateOf('+80012345678', { mode: 'anytime' }, '2026-12-02T15:00:00Z')).toMatchObject({
			callableNow: true,
			reason: null,
		});
	});
});

describe('legal calling hours', () => {
	// Wednesday 2026-12-02 and the weekend after; UTC offsets in December.
	const cases: Array<[string, string, string, boolean]> = [
		['US (TCPA), 20:30 in San Francisco', '+14155552671', '2026-12-03T04:30:00Z', true],
		['US (TCPA), 21:00 in San Francisco', '+14155552671', '2026-12-03T05:00:00Z', false],
		['US (TCPA), Sunday 08:00 in New York', NEW_YORK, '2026-12-06T13:00:00Z', true],
		['Florida, 20:00 in Miami', '+13055551234', '2026-12-03T01:00:00Z', false],
		['Florida, 19:59 in Miami', '+13055551234', '2026-12-03T00:59:00Z', true],
		['Rhode Island, 18:30 on a weekday', '+14015551234', '2026-12-02T23:30:00Z', false],
		['Rhode Island, Saturday 16:30', '+14015551234', '2026-12-05T21:30:00Z', true],
		['Rhode Island, Sunday noon', '+14015551234', '2026-12-06T17:00:00Z', false],
		['Canada, 21:15 on a weekday in Toronto', '+14165551234', '2026-12-03T02:15:00Z', true],
		['Canada, Saturday 18:30 in Toronto', '+14165551234', '2026-12-05T23:30:00Z', false],
		['Canada, Sunday 10:00 in Toronto', '+14165551234', '2026-12-06T15:00:00Z', true],
		['France, 13:30 (lunch)', PARIS, '2026-12-02T12:30:00Z', false],
		['France, 12:59', PARIS, '2026-12-02T11:59:00Z', true],
		['France, Saturday 11:00', PARIS, '2026-12-05T10:00:00Z', false],
		['Australia, Saturday 16:30 in Sydney', SYDNEY, '2026-12-05T05:30:00Z', true],
		['Australia, Saturday 17:00 in Sydney', SYDNEY, '2026-12-05T06:00:00Z', false],
		['Australia, Sunday noon in Sydney', SYDNEY, '2026-12-06T01:00:00Z', false],
		['United Kingdom, Saturday 08:30', '+442079460000', '2026-12-05T08:30:00Z', false],
		['United Kingdom, weekday 08:30', '+442079460000', '2026-12-02T08:30:00Z', true],
		['United Kingdom, Sunday noon', '+442079460000', '2026-12-06T12:00:00Z', false],
		['Germany, Saturday 18:30', '+493012345678', '2026-12-05T17:30:00Z', false],
		['Germany, weekday 19:30', '+493012345678', '2026-12-02T18:30:00Z', true],
		['Japan (other countries), Saturday 10:00', '+81312345678', '2026-12-05T01:00:00Z', true],
		['Japan (other countries), Sunday 10:00', '+81312345678', '2026-12-06T01:00:00Z', false],
		['Japan (other countries), 20:00', '+81312345678', '2026-12-02T11:00:00Z', false],
	];

	it.each(cases)('%s', (_label, e164, at, callable) => {
		const state = stateOf(e164, LEGAL, at);
		expect(state.callableNow).toBe(callable);
		if (!callable) {
			expect(state.reason).toBe('outside_calling_hours');
			expect(state.nextCallAt).not.toBeNull();
			const opening = Date.parse(state.nextCallAt!);
			expect(callingStateOf(LEGAL, numberOf(e164), opening).callableNow).toBe(true);
			expect(callingStateOf(LEGAL, numberOf(e164), opening - 60_000).callableNow).toBe(false);
		}
	});

	it('opens France after its lunch gap, and after a public holiday', () => {
		expect(stateOf(PARIS, LEGAL, '2026-12-02T12:30:00Z').nextCallAt).toBe(
			'2026-12-02T13:00:00.000Z',
		);
		// Ascension, Thursday 2026-05-14: closed; Friday 10:00 (UTC+2).
		expect(stateOf(PARIS, LEGAL, '2026-05-14T09:00:00Z')).toMatchObject({
			callableNow: false,
			nextCallAt: '2026-05-15T08:00:00.000Z',
		});
	});

	it('closes Australia on its national holidays, substitute days included', () => {
		// Christmas 2027 is a Saturday: Monday 27 and Tuesday 28 are holidays; Wednesday 09:00 opens.
		expect(stateOf(SYDNEY, LEGAL, '2027-12-26T23:00:00Z')).toMatchObject({
			callableNow: false,
			nextCallAt: '2027-12-28T22:00:00.000Z',
		});
		// Good Friday 2026-04-03; Saturday opens at 09:00 (UTC+11).
		expect(stateOf(SYDNEY, LEGAL, '2026-04-02T23:00:00Z')).toMatchObject({
			callableNow: false,
			nextCallAt: '2026-04-03T22:00:00.000Z',
		});
	});

	it('opens a Saturday-night US number the next morning, and Florida one hour earlier at night', () => {
		expect(stateOf(NEW_YORK, LEGAL, '2026-12-06T03:00:00Z').nextCallAt).toBe(
			'2026-12-06T13:00:00.000Z',
		);
		expect(stateOf('+13055551234', LEGAL, '2026-12-06T01:30:00Z').nextCallAt).toBe(
			'2026-12-06T13:00:00.000Z',
		);
	});
});

describe('public holidays', () => {
	it('computes Easter', () => {
		expect(easterSunday(2026)).toMatchObject({ month: 4, day: 5 });
		expect(easterSunday(2027)).toMatchObject({ month: 3, day: 28 });
		expect(easterSunday(2038)).toMatchObject({ month: 4, day: 25 });
	});

	it.each([
		['FR', 2026, 5, 25, true], // Whit Monday
		['FR', 2026, 7, 14, true],
		['FR', 2026, 12, 26, false], // Alsace-Moselle only: not national
		['AU', 2026, 1, 26, true],
		['AU', 2027, 1, 26, true], // a Tuesday
		['AU', 2025, 1, 27, true], // Australia Day 2025 was a Sunday
		['AU', 2026, 4, 6, true], // Easter Monday
		['AU', 2022, 12, 27, true], // Christmas 2022 was a Sunday
		['AU', 2020, 12, 28, true], // Boxing Day 2020 was a Saturday
		['AU', 2026, 6, 8, false], // King's Birthday: not national
	] as const)('%s %i-%i-%i is a holiday: %s', (calendar, year, month, day, holiday) => {
		const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
		expect(isPublicHoliday(calendar, { year, month, day, weekday })).toBe(holiday);
	});
});

describe('calling hours options', () => {
	it('checks From, To and Days', () => {
		expect(checkCustomHours('9:00', '20:00', WEEKDAYS)).toMatchObject({ valid: false });
		expect(checkCustomHours('20:00', '09:00', WEEKDAYS)).toMatchObject({
			valid: false,
			reason: expect.stringContaining('later than From'),
		});
		expect(checkCustomHours('09:00', '24:00', WEEKDAYS)).toMatchObject({ valid: true });
		expect(checkCustomHours('09:00', '20:00', [])).toMatchObject({
			valid: false,
			reason: 'Calling Days must have at least one day',
		});
		expect(checkCustomHours('09:00', '20:00', ['funday'])).toMatchObject({ valid: false });
		expect(checkCallingHours({ callingHours: 'night' })).toMatchObject({ valid: false });
	});

	it('defaults custom hours to 09:00–20:00, Monday to Friday', () => {
		const check = checkCallingHours({ callingHours: 'custom' });
		expect(check.valid && check.rule.mode === 'custom' && check.rule.window.key).toBe(
			'custom:09:00-20:00:12345',
		);
	});
});
