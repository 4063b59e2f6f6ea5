import {
	contextFromEntries,
	contextFromJson,
	MAX_CONTEXT_BYTES,
} from '../../nodes/Sysevo/helpers/context';

describe('contextFromEntries', () => {
	it('builds an object and keeps the types expressions produced', () => {
		expect(
			contextFromEntries([
				{ key: 'customer_name', value: 'Jane' },
				{ key: ' visits ', value: 3 },
				{ key: 'vip', value: true },
				{ key: 'address', value: { city: 'Oslo' } },
			]),
		).toEqual({
			valid: true,
			context: { customer_name: 'Jane', visits: 3, vip: true, address: { city: 'Oslo' } },
		});
	});

	it('gives an empty object for no entries', () => {
		expect(contextFromEntries([])).toEqual({ valid: true, context: {} });
	});

	it.each([
		[[{ key: '', value: 'x' }], 'entry 1 has no key'],
		[
			[
				{ key: 'a', value: 1 },
				{ key: 'a', value: 2 },
			],
			'"a" is used more than once',
		],
		[[{ key: '__proto__', value: { polluted: true } }], '"__proto__" is not allowed'],
		[[{ key: 'constructor', value: 'x' }], '"constructor" is not allowed'],
		[[{ key: 'a', value: { prototype: 1 } }], '"a.prototype" is not allowed'],
	])('rejects %j', (entries, reason) => {
		const result = contextFromEntries(entries);
		expect(result.valid ? '' : result.reason).toContain(reason);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('contextFromJson', () => {
	it('accepts an object as text or parsed, keeping JSON types', () => {
		const expected = { name: 'Jane', age: 41, vip: false, tags: ['a'], user: { id: null } };
		expect(contextFromJson(JSON.stringify(expected))).toEqual({ valid: true, context: expected });
		expect(contextFromJson(expected)).toEqual({ valid: true, context: expected });
		expect(contextFromJson('  ')).toEqual({ valid: true, context: {} });
	});

	it.each([
		['[1,2]', 'not an array'],
		['"text"', 'not a string'],
		['null', 'not null'],
		['42', 'not a number'],
		['{oops', 'not valid JSON'],
		['{"__proto__": {"polluted": true}}', '"__proto__" is not allowed'],
		['{"a": [{"constructor": 1}]}', '"a[0].constructor" is not allowed'],
	])('rejects %s', (input, reason) => {
		const result = contextFromJson(input);
		expect(result.valid ? '' : result.reason).toContain(reason);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('refuses a context larger than the limit', () => {
		const result = contextFromJson({ notes: 'x'.repeat(MAX_CONTEXT_BYTES) });
		expect(result.valid ? '' : result.reason).toMatch(/at most \d+ bytes/);
	});
});
