import fc from 'fast-check';

import {
	checkPositiveInteger,
	checkTriggerPath,
	checkWorkflowUuid,
} from '../../nodes/shared/helpers/identifiers';
import { propertyRuns } from '../helpers/propertyRuns';

const BASE = 'http://h/api/v1/public/agent/';
const BASE_SEGMENTS = new URL(BASE).pathname.split('/').slice(0, -1);

/** Pieces that try to leave the path segment: traversal, separators, encodings, look-alikes, invisibles. */
const ATTACK_PARTS = [
	'..',
	'.',
	'/',
	'\\',
	'?',
	'#',
	'%',
	'%2e',
	'%2E',
	'%2f',
	'%2F',
	'%5c',
	'%3f',
	'%23',
	'%00',
	'%252e',
	'%u002e',
	' ',
	'\t',
	'\n',
	'\r',
	'\u00a0',
	'\u200b',
	'\u200d',
	'\ufeff',
	'\u2028',
	'\uff0f',
	'\uff0e',
	'\uff1f',
	'\uff03',
	'ａ',
	'Ａ',
	'１',
	'é',
	'ß',
	'İ',
	'😀',
	';',
	'&',
	'=',
	'@',
	':',
	'+',
	'*',
	'~',
	"'",
	'"',
	'<',
	'>',
	'{',
	'}',
	'|',
	'^',
	'`',
	'a',
	'Z',
	'0',
	'9',
	'-',
	'_',
	'workflow',
	'test',
	'abc',
	'1',
];

const attack = fc
	.array(fc.constantFrom(...ATTACK_PARTS), { maxLength: 12 })
	.map((parts) => parts.join(''));

/** UUIDs and numbers with a stray character put somewhere: the near misses. */
function nearMiss(valid: fc.Arbitrary<string>) {
	return fc
		.tuple(valid, fc.nat(), fc.constantFrom(...ATTACK_PARTS), fc.boolean())
		.map(([value, at, part, replace]) => {
			const i = at % (value.length + 1);
			return value.slice(0, i) + part + value.slice(replace ? i + 1 : i);
		});
}

const anyText = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 48 }),
	fc.string({ unit: 'grapheme', maxLength: 40 }),
	attack,
	fc.uuid().map((uuid) => uuid.toUpperCase()),
	fc.uuid(),
	nearMiss(fc.uuid()),
	fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
	nearMiss(fc.stringMatching(/^[A-Za-z0-9_-]{1,36}$/)),
	fc.integer({ min: 1 }).map(String),
	nearMiss(fc.integer({ min: 1 }).map(String)),
	fc.constantFrom(
		'0',
		'-1',
		'1e3',
		'0x10',
		'٣',
		'+5',
		' 7 ',
		'007',
		'9007199254740993',
		'1.0',
		'１２',
	),
);

const anyValue = fc.oneof(
	anyText,
	fc.double(),
	fc.integer(),
	fc.constantFrom(
		null,
		undefined,
		true,
		[],
		{},
		Number.MAX_SAFE_INTEGER,
		2 ** 53,
		1e21,
		Number.NaN,
	),
);

/** The request path for a value: exactly one more segment, equal to the value, and nothing else. */
function expectOneSegment(value: string) {
	const url = new URL(BASE + value);
	const segments = url.pathname.split('/');
	expect({
		value,
		segments: segments.slice(0, BASE_SEGMENTS.length),
		rest: segments.slice(BASE_SEGMENTS.length),
		search: url.search,
		hash: url.hash,
	}).toEqual({
		value,
		segments: BASE_SEGMENTS,
		rest: [value],
		search: '',
		hash: '',
	});
	expect(url.host).toBe('h');
	expect(decodeURIComponent(segments[segments.length - 1])).toBe(value);
}

describe('an accepted identifier can only ever be one plain path segment', () => {
	it('trigger path: accepted values are the trimmed input and stay one segment', () => {
		fc.assert(
			fc.property(anyValue, (input) => {
				const check = checkTriggerPath(input);
				if (!check.valid) {
					expect(check.reason).toContain('may only contain letters, digits');
					return;
				}
				expect(check.value).toBe((input as string).trim());
				expectOneSegment(check.value);
			}),
			{ numRuns: propertyRuns(5000) },
		);
	});

	it('workflow UUID: accepted values are the trimmed, lower-cased input and stay one segment', () => {
		fc.assert(
			fc.property(anyValue, (input) => {
				const check = checkWorkflowUuid(input);
				if (!check.valid) {
					expect(check.reason).toContain('must look like');
					return;
				}
				expect(check.value).toBe((input as string).trim().toLowerCase());
				expect(check.value).toMatch(
					/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
				);
				expectOneSegment(check.value);
			}),
			{ numRuns: propertyRuns(5000) },
		);
	});

	it('positive integer: accepted values are safe positive integers and stay one segment', () => {
		fc.assert(
			fc.property(anyValue, (input) => {
				const check = checkPositiveInteger(input, 'run ID');
				if (!check.valid) {
					expect(check.reason).toContain('The run ID is');
					return;
				}
				expect(Number.isSafeInteger(check.value) && check.value > 0).toBe(true);
				expect(check.value).toBe(Number(String(input).trim()));
				expectOneSegment(String(check.value));
			}),
			{ numRuns: propertyRuns(5000) },
		);
	});

	it('refuses every input that would not survive the URL unchanged', () => {
		// The converse: whatever an accepted check returns, the raw input was already a clean segment.
		fc.assert(
			fc.property(attack, (input) => {
				for (const check of [
					checkTriggerPath(input),
					checkWorkflowUuid(input),
					checkPositiveInteger(input, 'x'),
				]) {
					if (check.valid) expectOneSegment(String(check.value));
				}
				if (/[/\\?#%.\s]|\u200b|\u200d|\ufeff/.test(input.trim()) || input.trim() === '') {
					expect(checkTriggerPath(input).valid).toBe(false);
				}
			}),
			{ numRuns: propertyRuns(3000) },
		);
	});
});
