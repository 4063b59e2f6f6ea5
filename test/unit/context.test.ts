import {
	contextFromEntries,
	contextFromJson,
	MAX_CONTEXT_BYTES,
	systemKeyProblem,
} from '../../nodes/shared/helpers/context';

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

describe('systemKeyProblem', () => {
	const dialled = {
		e164: '+14155552671',
		normalise: (text: string) => {
			const digits = text.replace(/[^\d+]/g, '');
			if (digits.startsWith('+')) return digits;
			return digits.length === 10 ? `+1${digits}` : undefined;
		},
	};

	it.each([
		['telephony_configuration_id', 'telephony credentials'],
		['provider', 'Sysevo sets it'],
		['runtime_configuration', 'Sysevo sets it'],
		['mps_correlation_id', 'Sysevo sets it'],
		['direction', 'how the call was placed'],
		['trigger_mode', 'how the call was placed'],
		['agent_identifier', 'names the agent'],
		['agent_identifier_type', 'names the agent'],
		['workflow_uuid', 'names the agent'],
		['agent_uuid', 'names the agent'],
		['api_key_id', 'which API key'],
		['api_key_created_by', 'which API key'],
		['caller_number', 'number the call comes from'],
		['from_phone_number_id', 'number the call comes from'],
	])('refuses the key %s, naming it and why', (key, why) => {
		const problem = systemKeyProblem({ customer: 'Jane', [key]: 7 }, dialled);
		expect(problem).toContain(`"${key}"`);
		expect(problem).toContain(why);
	});

	it('accepts keys that only feed the prompt, including nested copies of system names', () => {
		expect(
			systemKeyProblem(
				{ customer: 'Jane', order: { provider: 'acme', direction: 'north' }, called: 'x' },
				dialled,
			),
		).toBeUndefined();
	});

	it.each([['+14155552671'], ['(415) 555-2671'], [4155552671]])(
		'accepts a phone_number %p that is the dialled number',
		(value) => {
			expect(systemKeyProblem({ phone_number: value }, dialled)).toBeUndefined();
		},
	);

	it.each([['+442071838750'], [''], [null], ['not a number'], [{ n: '+14155552671' }]])(
		'refuses a phone_number %p that is not the dialled number',
		(value) => {
			const problem = systemKeyProblem({ phone_number: value }, dialled);
			expect(problem).toContain('"phone_number"');
			expect(problem).toContain('+14155552671');
		},
	);
});
