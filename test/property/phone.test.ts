import fc from 'fast-check';
import examples from 'libphonenumber-js/examples.mobile.json';
import {
	getCountries,
	getExampleNumber,
	isValidPhoneNumber,
	type CountryCode,
} from 'libphonenumber-js/max';

import { checkPhoneNumber } from '../../nodes/shared/helpers/phone';
import { propertyRuns } from '../helpers/propertyRuns';

const E164 = /^\+[1-9]\d{6,14}$/;
const COUNTRIES = getCountries();

/** Characters people (and attackers) put into phone fields, including look-alike digits. */
const PHONE_CHARS = [
	...'0123456789',
	'+',
	' ',
	'-',
	'(',
	')',
	'.',
	'/',
	'x',
	'ext',
	'#',
	'*',
	';',
	',',
	'\t',
	'\n',
	'\u00a0',
	'\u200b',
	'０',
	'１',
	'５',
	'９',
	'＋',
	'٣',
	'۷',
	'१',
	'e',
	'E',
	'tel:',
	'%2B',
	'\u2013',
	'\uff0d',
];

const phoneLike = fc
	.array(fc.constantFrom(...PHONE_CHARS), { maxLength: 24 })
	.map((parts) => parts.join(''));

/** Real numbers of every country, with look-alike or stray characters inserted: often still valid. */
const mutatedReal = fc
	.record({
		country: fc.constantFrom(...COUNTRIES),
		international: fc.boolean(),
		inserts: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...PHONE_CHARS)), { maxLength: 3 }),
	})
	.map(({ country, international, inserts }) => {
		const number = getExampleNumber(country, examples)!;
		let text = international ? number.formatInternational() : number.formatNational();
		for (const [at, char] of inserts)
			text = text.slice(0, at % (text.length + 1)) + char + text.slice(at % (text.length + 1));
		return text;
	});

const anyInput = fc.oneof(
	mutatedReal,
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ unit: 'grapheme', maxLength: 30 }),
	phoneLike,
	fc.constantFrom(
		'+',
		'+1',
		'00',
		'+0000000000',
		'+999999999999999999',
		'1'.repeat(300),
		'+' + '9'.repeat(50),
	),
);

const anyCountry = fc.oneof(
	fc.constant(undefined),
	fc.constantFrom(...COUNTRIES),
	fc.constantFrom('us', ' gb ', '', 'XX', 'USA', '__proto__', 'constructor', '1', 'ÜS'),
);

const knownCountry = fc.oneof(fc.constant(undefined), fc.constantFrom(...COUNTRIES));

describe('checkPhoneNumber, for any input', () => {
	it('never throws, and a valid result is E.164', () => {
		fc.assert(
			fc.property(anyInput, anyCountry, (input, country) => {
				const result = checkPhoneNumber(input, country);
				if (result.valid) expect(result.e164).toMatch(E164);
				else expect(result.reason.length).toBeGreaterThan(0);
			}),
			{ numRuns: propertyRuns(3000) },
		);
	});

	it('is idempotent: checking the E.164 again gives the same E.164, with or without a default country', () => {
		fc.assert(
			fc.property(anyInput, knownCountry, knownCountry, (input, country, other) => {
				const result = checkPhoneNumber(input, country);
				if (!result.valid) return;
				expect(checkPhoneNumber(result.e164)).toMatchObject({ valid: true, e164: result.e164 });
				expect(checkPhoneNumber(result.e164, other)).toMatchObject({
					valid: true,
					e164: result.e164,
				});
			}),
			{ numRuns: propertyRuns(3000) },
		);
	});

	it("agrees with libphonenumber's own isValidPhoneNumber", () => {
		fc.assert(
			fc.property(anyInput, knownCountry, (input, country) => {
				const ours = checkPhoneNumber(input, country).valid;
				const theirs = isValidPhoneNumber(input.trim(), country as CountryCode | undefined);
				expect({ input, country, valid: ours }).toEqual({ input, country, valid: theirs });
			}),
			{ numRuns: propertyRuns(3000) },
		);
	});
});

describe('national formats of real numbers', () => {
	const samples = COUNTRIES.map((country) => ({
		country,
		number: getExampleNumber(country, examples)!,
	}));

	it('has an example number for every country', () => {
		expect(samples.length).toBeGreaterThan(240);
		expect(samples.every((sample) => sample.number?.isValid())).toBe(true);
	});

	/** The national digits (with trunk prefix), regrouped with random separators and parentheses. */
	const reformatted = fc
		.record({
			sample: fc.constantFrom(...samples),
			cuts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
			separators: fc.array(fc.constantFrom(' ', '-', '.', ' - ', '  ', '/'), {
				minLength: 8,
				maxLength: 8,
			}),
			parenthesise: fc.boolean(),
			pad: fc.constantFrom('', ' ', '\t'),
		})
		.map(({ sample, cuts, separators, parenthesise, pad }) => {
			const digits = sample.number.formatNational().replace(/\D/g, '');
			const groups: string[] = [];
			let at = 0;
			for (const cut of cuts) {
				if (at >= digits.length) break;
				groups.push(digits.slice(at, at + cut));
				at += cut;
			}
			if (at < digits.length) groups.push(digits.slice(at));
			if (parenthesise && groups.length > 1) groups[0] = `(${groups[0]})`;
			const text = groups
				.map((group, i) => (i === 0 ? group : `${separators[i % separators.length]}${group}`))
				.join('');
			return { country: sample.country, e164: sample.number.number, text: `${pad}${text}${pad}` };
		});

	it('normalise back to the same E.164 with the default country', () => {
		fc.assert(
			fc.property(reformatted, ({ country, e164, text }) => {
				expect({ text, country, result: checkPhoneNumber(text, country) }).toMatchObject({
					text,
					country,
					result: { valid: true, e164 },
				});
			}),
			{ numRuns: propertyRuns(2000) },
		);
	});

	it('normalise from international format with any default country', () => {
		fc.assert(
			fc.property(fc.constantFrom(...samples), knownCountry, (sample, country) => {
				expect(checkPhoneNumber(sample.number.formatInternational(), country)).toMatchObject({
					valid: true,
					e164: sample.number.number,
				});
			}),
			{ numRuns: propertyRuns(1000) },
		);
	});
});
