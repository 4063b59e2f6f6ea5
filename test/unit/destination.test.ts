import { checkPhoneNumber, destinationProblem } from '../../nodes/shared/helpers/phone';

function rulesFor(number: string, rules: Parameters<typeof destinationProblem>[1]) {
	const phone = checkPhoneNumber(number);
	if (!phone.valid) throw new Error(phone.reason);
	return destinationProblem(phone, rules);
}

describe('destination rules', () => {
	it.each([
		['+19005550123', 'a premium-rate number'],
		['+447012345678', 'a personal (forwarding) number'],
		['+33810123456', 'a shared-cost number'],
		['+447640123456', 'a pager number'],
		['+443001234567', 'a universal access number'],
	])('blocks %s (%s) by default and names the rule', (number, kind) => {
		expect(rulesFor(number, {})).toBe(
			`${number} is ${kind}; premium-rate and special numbers are blocked (Options → Block Premium-Rate and Special Numbers)`,
		);
	});

	it('lets special numbers through only when the block is switched off', () => {
		expect(rulesFor('+19005550123', { blockSpecialNumbers: false })).toBeUndefined();
	});

	it.each(['+14155552671', '+18005550199', '+4721234567', '+447400123456'])(
		'allows ordinary and toll-free number %s',
		(number) => {
			expect(rulesFor(number, {})).toBeUndefined();
		},
	);

	it('allows only the listed countries when some are listed', () => {
		expect(rulesFor('+14155552671', { allowedCountries: ['US', 'CA'] })).toBeUndefined();
		expect(rulesFor('+4721234567', { allowedCountries: ['us', 'CA'] })).toBe(
			'+4721234567 is in NO, which is not one of the Allowed Countries (US, CA)',
		);
	});
});
