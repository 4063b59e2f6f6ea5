import { checkPhoneNumber, countryOptions, isCountryCode } from '../../nodes/shared/helpers/phone';

describe('checkPhoneNumber', () => {
	it.each([
		['(415) 555-2671', 'US', '+14155552671'],
		['+1 415-555-2671', undefined, '+14155552671'],
		['0412 345 678', 'AU', '+61412345678'],
		['020 7946 0018', 'GB', '+442079460018'],
		['  +4721234567  ', undefined, '+4721234567'],
	])('normalises %s (default country %s) to %s', (input, country, e164) => {
		expect(checkPhoneNumber(input, country)).toMatchObject({ valid: true, e164 });
	});

	it("accepts valid short national numbers such as Norway's 8 digits", () => {
		expect(checkPhoneNumber('21 23 45 67', 'NO')).toMatchObject({
			valid: true,
			e164: '+4721234567',
		});
		expect(checkPhoneNumber('412 34 567', 'NO')).toMatchObject({
			valid: true,
			e164: '+4741234567',
		});
	});

	it.each([
		['+1415', undefined, 'is too short'],
		['+1 415 555 267', undefined, 'is too short'],
		['4155552671', undefined, 'has no country code'],
		['call me maybe', 'US', 'is not a phone number'],
		['+44 7700 900123', undefined, 'is not a valid phone number for country code +44'],
		['+1 415 555 26711', undefined, 'is too long'],
		// The whole text must be the number: nothing is picked out of text around it.
		['tel:+61412345678', undefined, 'is not a phone number'],
		['abc2642351234', 'DE', 'is not a phone number'],
		['+30-6912345678x', 'US', 'is not a phone number'],
		['', 'US', 'The phone number is empty'],
		['555-2671', 'XX', '"XX" is not a known ISO 3166 country code'],
	])('rejects %s (default country %s) with a reason', (input, country, reason) => {
		const result = checkPhoneNumber(input, country);
		expect(result.valid).toBe(false);
		expect(result.valid ? '' : result.reason).toContain(reason);
	});

	it('reports the number type for later rules', () => {
		expect(checkPhoneNumber('+19005550123')).toMatchObject({ valid: true, type: 'PREMIUM_RATE' });
	});
});

describe('country list', () => {
	it('names every supported country once, sorted by name', () => {
		const options = countryOptions();
		expect(options.length).toBeGreaterThan(240);
		expect(options).toContainEqual({ name: 'Norway (NO)', value: 'NO' });
		const names = options.map((option) => option.name);
		expect([...names].sort((a, b) => a.localeCompare(b))).toEqual(names);
		expect(new Set(options.map((option) => option.value)).size).toBe(options.length);
		expect(isCountryCode('NO')).toBe(true);
		expect(isCountryCode('ZZ')).toBe(false);
	});
});
