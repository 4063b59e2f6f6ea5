import { validateNumber } from '../../nodes/Sysevo/actions/number/validate.operation';

describe('Validate Number', () => {
	it('reports a valid, allowed mobile number', () => {
		expect(validateNumber('+47 412 34 567', {})).toEqual({
			phone_number: '+47 412 34 567',
			valid: true,
			e164: '+4741234567',
			country: 'NO',
			type: 'mobile',
			allowed: true,
			reason: null,
		});
	});

	it('normalises national numbers with the default country', () => {
		expect(validateNumber('(415) 555-2671', { defaultCountry: 'US' })).toMatchObject({
			valid: true,
			e164: '+14155552671',
			country: 'US',
		});
	});

	it('reports an invalid number with the reason, and not allowed', () => {
		expect(validateNumber('12', {})).toEqual({
			phone_number: '12',
			valid: false,
			e164: null,
			country: null,
			type: null,
			allowed: false,
			reason: expect.stringContaining('no country code'),
		});
	});

	it('applies the destination rules of Trigger Call', () => {
		expect(validateNumber('+447400123456', { allowedCountries: ['US', 'CA'] })).toMatchObject({
			valid: true,
			country: 'GB',
			allowed: false,
			reason: expect.stringContaining('not one of the Allowed Countries (US, CA)'),
		});
		expect(validateNumber('+19005550123', {})).toMatchObject({
			valid: true,
			type: 'premium_rate',
			allowed: false,
			reason: expect.stringContaining('premium-rate'),
		});
		expect(validateNumber('+19005550123', { blockPremiumNumbers: false })).toMatchObject({
			allowed: true,
			reason: null,
		});
	});
});
