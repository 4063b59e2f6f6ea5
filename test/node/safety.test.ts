import { runNode } from '../helpers/engine';
import { credentialsFor, triggerRequests, useSandbox } from '../helpers/sandbox';
import { byTriggerPath, getRunParameters, triggerParameters } from './params';

const sandbox = useSandbox();

// Which values each check refuses is test/unit/identifiers.test.ts's (every one of
// test/helpers/identifierAttacks.ts); here, that the node checks each identifier before sending.
describe('identifiers cannot steer a request', () => {
	const attack = '../workflow/1';

	it('a trigger path is refused before any request', async () => {
		const { json } = await runNode({
			parameters: byTriggerPath('={{ $json.trigger }}'),
			items: [{ phone: '+14155552671', name: 'x', trigger: attack }],
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		expect(json[0].error).toContain('may only contain letters, digits');
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('a workflow UUID is refused before any request', async () => {
		const { json } = await runNode({
			parameters: triggerParameters({
				agent: { __rl: true, mode: 'id', value: '={{ $json.agent }}' },
			}),
			items: [{ phone: '+14155552671', name: 'x', agent: attack }],
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		expect(json[0].error).toContain('workflow UUID');
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('a run ID is refused before any request', async () => {
		const { json } = await runNode({
			parameters: getRunParameters(),
			items: [{ workflow_id: 312, workflow_run_id: attack }],
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		expect(json[0].error).toContain('The run ID is');
		expect(sandbox.current.requests).toHaveLength(0);
	});
});

describe('destination rules in the node', () => {
	it('refuses a premium-rate number by default, before any request', async () => {
		const { error } = await runNode({
			parameters: triggerParameters(),
			items: [{ phone: '+19005550123', name: 'x' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toContain(
			'+19005550123 is a premium-rate number; premium-rate and special numbers are blocked',
		);
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('calls it when the block is switched off', async () => {
		const { error } = await runNode({
			parameters: triggerParameters({ options: { blockPremiumNumbers: false } }),
			items: [{ phone: '+19005550123', name: 'x' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(sandbox.current.dials('+19005550123')).toBe(1);
	});

	it('calls only numbers in the allowed countries', async () => {
		const { json } = await runNode({
			parameters: triggerParameters({ options: { allowedCountries: ['NO'] } }),
			items: [
				{ phone: '+4721234567', name: 'Ola' },
				{ phone: '+14155552671', name: 'Jane' },
			],
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		expect(json[0]).toMatchObject({ status: 'initiated', phone_number: '+4721234567' });
		expect(json[1].error).toBe(
			'+14155552671 is in US, which is not one of the Allowed Countries (NO)',
		);
		expect(
			triggerRequests(sandbox.current).map((request) => JSON.parse(request.rawBody).phone_number),
		).toEqual(['+4721234567']);
	});
});

describe('context safety in the node', () => {
	it.each([
		['{"__proto__": {"admin": true}}', '"__proto__" is not allowed'],
		['[{"name": "Jane"}]', 'must be a JSON object'],
		[JSON.stringify({ notes: 'x'.repeat(40_000) }), 'at most 32768 bytes'],
	])('refuses %s before any request', async (context, reason) => {
		const { error } = await runNode({
			parameters: triggerParameters({ contextInput: 'json', initialContextJson: context }),
			items: [{ phone: '+14155552671', name: 'x' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toContain(reason);
		expect(sandbox.current.requests).toHaveLength(0);
		expect(({} as Record<string, unknown>).admin).toBeUndefined();
	});
});

describe('context that would steer the call', () => {
	it.each([
		[{ telephony_configuration_id: 2 }, '"telephony_configuration_id" cannot be sent'],
		[{ caller_number: '+14155550000' }, '"caller_number" cannot be sent'],
		[{ phone_number: '+442071838750' }, 'but the call dials +14155552671'],
	])('refuses %p before any request', async (context, reason) => {
		const { error } = await runNode({
			parameters: triggerParameters({
				contextInput: 'json',
				initialContextJson: JSON.stringify({ customer: 'Jane', ...context }),
			}),
			items: [{ phone: '+14155552671', name: 'x' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toContain(reason);
		expect(sandbox.current.requests).toHaveLength(0);
	});

	it('sends a phone_number that is the dialled number written another way', async () => {
		const { error, json } = await runNode({
			parameters: triggerParameters({
				contextInput: 'json',
				initialContextJson: '={{ JSON.stringify({ phone_number: "(415) 555-2671" }) }}',
				options: { defaultCountry: 'US' },
			}),
			items: [{ phone: '+14155552671', name: 'x' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(json[0].phone_number).toBe('+14155552671');
		const sent = triggerRequests(sandbox.current);
		expect(sent).toHaveLength(1);
		expect((sent[0].body as { initial_context: object }).initial_context).toEqual({
			phone_number: '(415) 555-2671',
		});
	});
});
