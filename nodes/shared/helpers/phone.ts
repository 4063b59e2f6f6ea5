import {
	getCountries,
	isSupportedCountry,
	parsePhoneNumberWithError,
	validatePhoneNumberLength,
	type CountryCode,
	type NumberType,
} from 'libphonenumber-js/max';

export type PhoneCheck =
	| { valid: true; e164: string; country?: string; type?: NumberType; callingCode: string }
	| { valid: false; reason: string };

const LENGTH_PROBLEMS: Record<string, string> = {
	TOO_SHORT: 'is too short',
	TOO_LONG: 'is too long',
	INVALID_LENGTH: 'has the wrong number of digits',
	NOT_A_NUMBER: 'is not a phone number',
	INVALID_COUNTRY:
		'has no country code: write it with a leading + and the country code, or set a default country',
};

export function isCountryCode(code: string): code is CountryCode {
	return isSupportedCountry(code);
}

/** Parses, validates and normalises a phone number to E.164 with full per-country metadata. */
export function checkPhoneNumber(input: string, defaultCountry?: string): PhoneCheck {
	const text = input.trim();
	if (text === '') return { valid: false, reason: 'The phone number is empty' };

	const country = defaultCountry ? defaultCountry.trim().toUpperCase() : undefined;
	if (country && !isCountryCode(country)) {
		return {
			valid: false,
			reason: `"${defaultCountry}" is not a known ISO 3166 country code (e.g. US, GB, NO)`,
		};
	}
	const countryCode = country as CountryCode | undefined;
	const problem = (code: string): PhoneCheck => ({
		valid: false,
		reason: `"${text}" ${LENGTH_PROBLEMS[code] ?? 'is not a valid phone number'}`,
	});

	// Strict parsing: the whole text must be the number, as validatePhoneNumberLength parses it.
	// That check parses again, so it only runs to name the length problem of an impossible number.
	let parsed;
	try {
		parsed = parsePhoneNumberWithError(text, { defaultCountry: countryCode, extract: false });
	} catch (error) {
		return problem((error as Error).message);
	}
	if (!parsed.isPossible()) {
		const lengthProblem = validatePhoneNumberLength(text, countryCode);
		if (lengthProblem) return problem(lengthProblem);
	}

	// With the full metadata, isValid() is getType() !== undefined (libphonenumber-js
	// isValidNumber): the type is matched once. Only a plan without number types is asked again.
	const type = parsed.getType();
	if (type === undefined && !parsed.isValid()) {
		const region = parsed.country ?? countryCode;
		const where = region ? ` for ${region}` : ` for country code +${parsed.countryCallingCode}`;
		return { valid: false, reason: `"${text}" is not a valid phone number${where}` };
	}
	return {
		valid: true,
		e164: parsed.number,
		country: parsed.country,
		type,
		callingCode: parsed.countryCallingCode,
	};
}

/** Every supported country as `{ name, value }`, named in English and sorted by name. */
export function countryOptions(): Array<{ name: string; value: string }> {
	const names = new Intl.DisplayNames(['en'], { type: 'region' });
	return getCountries()
		.map((code) => ({ name: `${names.of(code) ?? code} (${code})`, value: code }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Number types that cost the caller extra or do not reach a person; blocked by default. */
export const SPECIAL_NUMBER_TYPES: readonly NumberType[] = [
	'PREMIUM_RATE',
	'SHARED_COST',
	'PERSONAL_NUMBER',
	'PAGER',
	'UAN',
	'VOICEMAIL',
];

const TYPE_NAMES: Partial<Record<NonNullable<NumberType>, string>> = {
	PREMIUM_RATE: 'a premium-rate number',
	SHARED_COST: 'a shared-cost number',
	PERSONAL_NUMBER: 'a personal (forwarding) number',
	PAGER: 'a pager number',
	UAN: 'a universal access number',
	VOICEMAIL: 'a voicemail access number',
};

export interface DestinationRules {
	allowedCountries?: string[];
	blockSpecialNumbers?: boolean;
}

/** Why a valid number may not be called under the rules, or undefined when it may. */
export function destinationProblem(
	phone: { e164: string; country?: string; type?: NumberType },
	rules: DestinationRules,
): string | undefined {
	const allowed = (rules.allowedCountries ?? []).map((code) => code.toUpperCase());
	if (allowed.length > 0 && !(phone.country && allowed.includes(phone.country))) {
		return `${phone.e164} is in ${phone.country ?? 'no single country'}, which is not one of the Allowed Countries (${allowed.join(', ')})`;
	}
	if (
		rules.blockSpecialNumbers !== false &&
		phone.type &&
		SPECIAL_NUMBER_TYPES.includes(phone.type)
	) {
		return `${phone.e164} is ${TYPE_NAMES[phone.type] ?? 'a special number'}; premium-rate and special numbers are blocked (Options → Block Premium-Rate and Special Numbers)`;
	}
	return undefined;
}
