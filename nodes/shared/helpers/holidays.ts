// National public holidays of the countries whose calling rules exclude them (docs/calling-hours.md).
// Regional holidays are not covered.
import { addDays, type LocalDate } from './zonedTime';

type DateKey = string;

function keyOf(year: number, month: number, day: number): DateKey {
	return `${year}-${month}-${day}`;
}

function dateOf(year: number, month: number, day: number): LocalDate {
	return addDays({ year, month, day, weekday: 0 }, 0);
}

/** Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm). */
export function easterSunday(year: number): LocalDate {
	const a = year % 19;
	const b = Math.floor(year / 100);
	const c = year % 100;
	const d = Math.floor(b / 4);
	const e = b % 4;
	const f = Math.floor((b + 8) / 25);
	const g = Math.floor((b - f + 1) / 3);
	const h = (19 * a + b - d - g + 15) % 30;
	const i = Math.floor(c / 4);
	const k = c % 4;
	const l = (32 + 2 * e + 2 * i - h - k) % 7;
	const m = Math.floor((a + 11 * h + 22 * l) / 451);
	const month = Math.floor((h + l - 7 * m + 114) / 31);
	const day = ((h + l - 7 * m + 114) % 31) + 1;
	return dateOf(year, month, day);
}

function keysOf(dates: LocalDate[]): Set<DateKey> {
	return new Set(dates.map((date) => keyOf(date.year, date.month, date.day)));
}

/** Code du travail L3133-1: the eleven national public holidays of metropolitan France. */
function franceHolidays(year: number): Set<DateKey> {
	const easter = easterSunday(year);
	return keysOf([
		dateOf(year, 1, 1),
		addDays(easter, 1), // Easter Monday
		dateOf(year, 5, 1),
		dateOf(year, 5, 8),
		addDays(easter, 39), // Ascension
		addDays(easter, 50), // Whit Monday
		dateOf(year, 7, 14),
		dateOf(year, 8, 15),
		dateOf(year, 11, 1),
		dateOf(year, 11, 11),
		dateOf(year, 12, 25),
	]);
}

const SATURDAY = 6;
const SUNDAY = 0;

/** The Monday after a holiday that falls on a weekend. */
function mondayAfterWeekend(date: LocalDate): LocalDate[] {
	if (date.weekday === SATURDAY) return [date, addDays(date, 2)];
	if (date.weekday === SUNDAY) return [date, addDays(date, 1)];
	return [date];
}

/**
 * Australia's national public holidays: New Year's Day and Australia Day (with a Monday when
 * they fall on a weekend), Good Friday, Easter Monday, Anzac Day, Christmas Day and Boxing Day
 * (with the next free weekdays when they fall on a weekend).
 */
function australiaHolidays(year: number): Set<DateKey> {
	const easter = easterSunday(year);
	const christmas = dateOf(year, 12, 25);
	const boxingDay = dateOf(year, 12, 26);
	// Christmas on Saturday: Monday 27 and Tuesday 28; on Sunday: Boxing Day Monday 26, Tuesday 27;
	// Boxing Day on Saturday (Christmas Friday): Monday 28.
	const christmasSubstitutes =
		christmas.weekday === SATURDAY
			? [dateOf(year, 12, 27), dateOf(year, 12, 28)]
			: christmas.weekday === SUNDAY
				? [dateOf(year, 12, 27)]
				: boxingDay.weekday === SATURDAY
					? [dateOf(year, 12, 28)]
					: [];
	return keysOf([
		...mondayAfterWeekend(dateOf(year, 1, 1)),
		...mondayAfterWeekend(dateOf(year, 1, 26)),
		addDays(easter, -2), // Good Friday
		addDays(easter, 1), // Easter Monday
		dateOf(year, 4, 25),
		christmas,
		boxingDay,
		...christmasSubstitutes,
	]);
}

export type HolidayCalendar = 'FR' | 'AU';

const CALENDARS: Record<HolidayCalendar, (year: number) => Set<DateKey>> = {
	FR: franceHolidays,
	AU: australiaHolidays,
};
const cache = new Map<string, Set<DateKey>>();

/** Whether a date is a national public holiday of the calendar's country. */
export function isPublicHoliday(calendar: HolidayCalendar, date: LocalDate): boolean {
	const cacheKey = `${calendar}${date.year}`;
	let holidays = cache.get(cacheKey);
	if (!holidays) {
		holidays = CALENDARS[calendar](date.year);
		cache.set(cacheKey, holidays);
	}
	return holidays.has(keyOf(date.year, date.month, date.day));
}
