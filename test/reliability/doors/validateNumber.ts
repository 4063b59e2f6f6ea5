// The Validate Number door: numbers nobody should type, in n8n-core's real WorkflowExecute.
// Kept: one output row per input item, paired with it; every row says valid or not, and why not;
// a valid row carries an E.164 number; an allowed row is in the allowed countries; no request at all.
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox';
import { runNode } from '../../helpers/engine';
import { inputKey, newFigures, Random, samples, type DoorFigures } from './figures';

const E164 = /^\+[1-9][0-9]{6,14}$/;

const phoneValue: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
	{ weight: 4, arbitrary: fc.stringMatching(/^\+?[0-9 ().\-/]{0,24}$/) },
	{
		weight: 2,
		arbitrary: fc.stringMatching(
			/^(\+|00|tel:|\+\+)?[0-9]{1,3}[ -]?[0-9]{2,12}( ?(ext|x|#|;ext=)[0-9]{1,5})?$/,
		),
	},
	{ weight: 1, arbitrary: fc.integer().map((n) => n) },
	{ weight: 1, arbitrary: fc.double() },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
	{
		weight: 1,
		arbitrary: fc.constantFrom(
			'٣٣٣٣٣٣٣٣',
			'＋１ ４１５ ５５５ ２６７１',
			'+1 415 555 2671\u200b',
			'+1\u00a0415\u00a0555\u00a02671',
			'+1 900 555 0199',
			'+44 909 879 0000',
			'+1 800 555 0199',
			'+882 1234 5678',
			'1'.repeat(5000),
			'+'.repeat(100),
			'{{ $json.phone }}',
			'=+14155552671',
			'\u202e1762555514+',
		),
	},
);

const countryValue: fc.Arbitrary<string> = fc.oneof(
	fc.constantFrom(
		'',
		'US',
		'us',
		' GB ',
		'NO',
		'XX',
		'USA',
		'__proto__',
		'1',
		'ÜS',
		'U',
		'constructor',
	),
	fc.string({ maxLength: 4 }),
);

const ALLOWED = [[], ['US'], ['NO', 'GB'], ['US', 'GB', 'NO'], ['XX']] as const;

export async function fuzzValidateNumber(
	sandbox: Sandbox,
	seed: number,
	executions: number,
	itemsPerExecution: number,
): Promise<DoorFigures> {
	const figures = newFigures('validate number');
	const random = new Random(seed);
	for (let e = 0; e < executions; e++) {
		const phones = samples(phoneValue, itemsPerExecution, seed * 1000 + e);
		const countries = samples(countryValue, itemsPerExecution, seed * 1000 + e + 500);
		const allowed = random.pick(ALLOWED);
		const blockPremium = random.pick([undefined, true, false]);
		const items: IDataObject[] = phones.map((phone, i) => ({
			phone: phone as IDataObject[string],
			country: random.chance(0.3) ? countries[i] : '',
			keep: i,
		}));
		const result = await runNode({
			parameters: {
				resource: 'number',
				operation: 'validate',
				phoneNumber: '={{ $json.phone }}',
				options: {
					defaultCountry: '={{ $json.country }}',
					allowedCountries: [...allowed],
					...(blockPremium === undefined ? {} : { blockPremiumNumbers: blockPremium }),
					includeInputFields: random.chance(0.5),
				},
			},
			items,
			credentials: { apiKey: sandbox.apiKey, baseUrl: sandbox.baseUrl },
			continueOnFail: true,
		});
		figures.executions++;
		figures.itemsIn += items.length;
		const out = result.outputs.flat();
		figures.itemsOut += out.length;
		if (result.error) figures.violations.push(`failed as a whole: ${result.error.message}`);
		if (out.length !== items.length)
			figures.violations.push(`${items.length} items in, ${out.length} out`);
		for (const [n, item] of out.entries()) {
			const index = (item.pairedItem as { item?: number } | undefined)?.item;
			if (index !== n) figures.violations.push(`row ${n} is paired with item ${String(index)}`);
			const json = item.json;
			const input = items[index ?? n];
			if ('error' in json && json.error) {
				if (typeof json.error !== 'string' || json.error.length < 10)
					figures.violations.push(`unclear error: ${JSON.stringify(json.error)}`);
				figures.badInputs.add(inputKey('phone', input.phone));
				continue;
			}
			if (typeof json.valid !== 'boolean' || typeof json.allowed !== 'boolean')
				figures.violations.push(`row without valid/allowed: ${JSON.stringify(json).slice(0, 200)}`);
			if (json.valid === true && !E164.test(String(json.e164)))
				figures.violations.push(`valid row with e164 ${JSON.stringify(json.e164)}`);
			if (json.allowed === true && json.valid !== true)
				figures.violations.push(`an invalid number allowed: ${JSON.stringify(input.phone)}`);
			if (json.allowed === true && allowed.length > 0 && !allowed.includes(json.country as never))
				figures.violations.push(`${String(json.e164)} allowed outside ${allowed.join(',')}`);
			if (json.allowed !== true && (typeof json.reason !== 'string' || json.reason.length < 10))
				figures.violations.push(`not allowed without a reason: ${JSON.stringify(json)}`);
			if (json.allowed !== true || typeof input.phone !== 'string')
				figures.badInputs.add(inputKey('phone', input.phone));
			if (input.country && !['US', 'us', ' GB ', 'NO'].includes(String(input.country)))
				figures.badInputs.add(inputKey('country', input.country));
		}
	}
	if (sandbox.requests.length > 0)
		figures.violations.push(`Validate Number sent ${sandbox.requests.length} requests`);
	sandbox.clearRequests();
	return figures;
}
