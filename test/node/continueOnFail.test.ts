import { runNode } from '../helpers/engine';
import { credentialsFor, SEED, triggerRequests, useSandbox } from '../helpers/sandbox';
import { byTriggerPath } from './params';

const sandbox = useSandbox();

const rows = [
	{ phone: '+14155552671', name: 'Jane', trigger: SEED.agents.renewal.triggerPath },
	{ phone: '12', name: 'Bad number', trigger: SEED.agents.renewal.triggerPath },
	{ phone: '+14155552673', name: 'Unknown trigger', trigger: 'no-such-trigger' },
	{ phone: '+14155552674', name: 'Ola', trigger: SEED.agents.renewal.triggerPath },
];

const parameters = byTriggerPath('={{ $json.trigger }}');

describe('Continue On Fail', () => {
	it('yields exactly one item per input, errors included, each paired to its input', async () => {
		const { outputs, error } = await runNode({
			parameters,
			items: rows,
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		const items = outputs[0];
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(items[0].json).toMatchObject({ status: 'initiated', phone_number: '+14155552671' });
		// Error rows say which customer they were about.
		expect(items[1].json).toEqual({
			phone_number: '12',
			initial_context: { customer_name: 'Bad number' },
			error:
				'"12" has no country code: write it with a leading + and the country code, or set a default country',
		});
		expect(items[2].json).toEqual({
			phone_number: '+14155552673',
			initial_context: { customer_name: 'Unknown trigger' },
			error: 'Not found: Agent trigger not found',
			description: expect.stringContaining('API Trigger UUID'),
			http_code: '404',
		});
		expect(items[3].json).toMatchObject({ status: 'initiated', phone_number: '+14155552674' });
		expect(
			triggerRequests(sandbox.current).map((request) => JSON.parse(request.rawBody).phone_number),
		).toEqual(expect.arrayContaining(['+14155552671', '+14155552673', '+14155552674']));
		expect(triggerRequests(sandbox.current)).toHaveLength(3);
	});

	it('without it, stops at the first bad item and names it', async () => {
		const { error } = await runNode({
			parameters,
			items: rows,
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toContain('"12" has no country code');
		expect(error?.context?.itemIndex).toBe(1);
	});
});
