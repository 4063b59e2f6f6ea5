import { TIME_ZONE_TABLE } from './timeZoneTable';

interface ZoneIndex {
	/** Prefix (calling code and leading national digits) → index into `sets`. */
	prefixes: Map<string, number>;
	sets: string[][];
	longest: number;
}

let index: ZoneIndex | undefined;

function zoneIndex(): ZoneIndex {
	if (index) return index;
	const zones = TIME_ZONE_TABLE.zones.split(' ');
	const sets = TIME_ZONE_TABLE.sets
		.split(';')
		.map((set) => set.split(',').map((entry) => zones[parseInt(entry, 36)]));
	const prefixes = new Map<string, number>();
	let longest = 0;
	TIME_ZONE_TABLE.prefixes.split(';').forEach((group, set) => {
		for (const prefix of group.split(',')) {
			prefixes.set(prefix, set);
			longest = Math.max(longest, prefix.length);
		}
	});
	index = { prefixes, sets, longest };
	return index;
}

/**
 * Calling codes whose mobile numbers are tied to a place (libphonenumber's GEO_MOBILE_COUNTRIES):
 * Mexico, Argentina, Brazil, Indonesia, China.
 */
const GEOGRAPHIC_MOBILE_CALLING_CODES = new Set(['52', '54', '55', '62', '86']);

/** Whether a number of this type is tied to a place (libphonenumber's isNumberGeographical). */
function isGeographical(type: string, callingCode: string): boolean {
	return (
		type === 'FIXED_LINE' ||
		type === 'FIXED_LINE_OR_MOBILE' ||
		(type === 'MOBILE' && GEOGRAPHIC_MOBILE_CALLING_CODES.has(callingCode))
	);
}

export interface NumberFacts {
	/** E.164, with the leading +. */
	e164: string;
	/** The country calling code, e.g. "1" or "61". */
	callingCode: string;
	/** libphonenumber's number type, e.g. FIXED_LINE, MOBILE, TOLL_FREE; undefined when unknown. */
	type?: string;
}

/**
 * The IANA time zones a number may be in, as libphonenumber's time-zone mapper tells them: a
 * number tied to a place by its longest known prefix (US and Canada by area code); any other
 * number (most mobiles, toll-free) by its calling code. Empty when it cannot be told.
 */
export function timeZonesOf(number: NumberFacts): string[] {
	if (!number.type) return [];
	const digits = number.e164.replace(/^\+/, '');
	const { prefixes, sets, longest } = zoneIndex();
	if (!isGeographical(number.type, number.callingCode)) {
		const set = prefixes.get(number.callingCode);
		return set === undefined ? [] : sets[set];
	}
	for (let length = Math.min(longest, digits.length); length > 0; length--) {
		const set = prefixes.get(digits.slice(0, length));
		if (set !== undefined) return sets[set];
	}
	return [];
}
