import { validateNumber } from '../../nodes/Sysevo/actions/number/validate.operation';
import { checkCallingHours } from '../../nodes/shared/helpers/callingHours';

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
			recipient_time_zones: ['Arctic/Longyearbyen', 'Europe/Oslo'],
			recipient_local_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/),
			callable_now: true,
			not_callable_reason: null,
			next_call_at: null,
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
			recipient_time_zones: [],
			recipient_local_time: null,
			callable_now: false,
			not_callable_reason: null,
			next_call_at: null,
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

	describe('with Calling Hours', () => {
		// Wednesday 2026-12-02 15:00 UTC: 10:00 in New York, 02:00 Thursday in Sydney.
		const at = Date.parse('2026-12-02T15:00:00Z');
		const custom = checkCallingHours({ callingHours: 'custom' });
		if (!custom.valid) throw new Error(custom.reason);

		it('reports the zones, the local time, whether it is callable now and when it will be', () => {
			expect(validateNumber('+12125550123', {}, custom.rule, at)).toMatchObject({
				recipient_time_zones: ['America/New_York'],
				recipient_local_time: '2026-12-02T10:00:00-05:00',
				callable_now: true,
				not_callable_reason: null,
				next_call_at: null,
			});
			expect(validateNumber('+61291234567', {}, custom.rule, at)).toMatchObject({
				recipient_time_zones: ['Australia/Sydney'],
				recipient_local_time: '2026-12-03T02:00:00+11:00',
				callable_now: false,
				not_callable_reason: 'outside_calling_hours',
				next_call_at: '2026-12-02T22:00:00.000Z',
			});
			expect(validateNumber('+80012345678', {}, custom.rule, at)).toMatchObject({
				valid: true,
				recipient_time_zones: [],
				callable_now: false,
				not_callable_reason: 'time_zone_unknown',
				next_call_at: null,
			});
		});

		it('is not callable when the destination rules refuse the number, whatever the hour', () => {
			expect(
				validateNumber('+12125550123', { allowedCountries: ['CA'] }, custom.rule, at),
			).toMatchObject({ allowed: false, callable_now: false, next_call_at: null });
		});
	});
});
