import { OUTCOMES, type PlatformVersion } from '../../sandbox';
import { runNode } from '../helpers/engine';
import { credentialsFor, triggerRequests, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from './params';

// The node supports the platform builds from 1.37 to 1.45; the key flows run against both ends.
const VERSIONS: PlatformVersion[] = ['1.37', '1.45'];

describe.each(VERSIONS)('Trigger Call against platform %s', (platformVersion) => {
	const sandbox = useSandbox({
		platformVersion,
		timeScale: 0.02,
		concurrencyLimit: 10,
		outcomeSettleSeconds: 5,
	});

	function dialledOnce(phones: string[]) {
		expect(phones.map((phone) => sandbox.current.dials(phone))).toEqual(phones.map(() => 1));
	}

	it('waits until the outcome is written, not only until the call ends', async () => {
		const phones = [
			OUTCOMES.answered.examplePhone,
			OUTCOMES.busy.examplePhone,
			OUTCOMES.failedBeforeStart.examplePhone,
		];
		const { json, error } = await runNode({
			parameters: triggerParameters({
				waitForCompletion: true,
				options: { pollIntervalSeconds: 0.05, maxWaitSeconds: 60 },
			}),
			items: phones.map((phone) => ({ phone, name: 'Jane' })),
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(json.map((row) => [row.phone_number, row.run_status, row.disposition])).toEqual([
			[OUTCOMES.answered.examplePhone, 'completed', 'user_hangup'],
			[OUTCOMES.busy.examplePhone, 'not_connected', 'busy'],
			[OUTCOMES.failedBeforeStart.examplePhone, 'not_connected', 'failed'],
		]);
		expect(json[0]).toMatchObject({
			outcome_settled: true,
			timed_out: false,
			extracted_appointment_confirmed: true,
			extracted_call_summary: expect.stringContaining('\n'),
		});
		dialledOnce(phones);
	});

	it('returns an outcome that never comes once, after the settle time, marked unsettled', async () => {
		const phone = OUTCOMES.mediaNeverConnects.examplePhone;
		const { json, error } = await runNode({
			parameters: triggerParameters({
				waitForCompletion: true,
				options: { pollIntervalSeconds: 0.05, maxWaitSeconds: 60, outcomeSettleSeconds: 1 },
			}),
			items: [{ phone, name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(json).toHaveLength(1);
		expect(json[0]).toMatchObject({
			phone_number: phone,
			is_completed: true,
			disposition: null,
			outcome_settled: false,
			timed_out: false,
		});
		dialledOnce([phone]);
	});

	it('gets a burst past the call limit through, dialling each number once', async () => {
		sandbox.current.configure({ concurrencyLimit: 3 });
		const phones = Array.from({ length: 9 }, (_, i) => `+1415555${7100 + i}`);
		const { json, error } = await runNode({
			parameters: triggerParameters({
				options: { maxConcurrentCalls: 9, callLimitWaitSeconds: 120 },
			}),
			items: phones.map((phone) => ({ phone, name: 'Jane' })),
			credentials: credentialsFor(sandbox.current),
		});
		expect(error).toBeUndefined();
		expect(json.map((row) => [row.phone_number, row.status])).toEqual(
			phones.map((phone) => [phone, 'initiated']),
		);
		dialledOnce(phones);
		const sent = triggerRequests(sandbox.current).length;
		if (platformVersion === '1.37') {
			// No cap before 1.42: every call is placed at once, none refused.
			expect(sent).toBe(phones.length);
		} else {
			// The cap refused some dials with 429 (no run, no dial); each was retried until placed.
			expect(sent).toBeGreaterThan(phones.length);
			expect(sandbox.current.stats().maxLiveCalls).toBeLessThanOrEqual(3);
		}
	});

	it.each([
		[{ telephony_configuration_id: 2 }, '"telephony_configuration_id" cannot be sent'],
		[{ phone_number: '+14155550199' }, 'but the call dials +14155552671'],
	])('fails the item for context %p with no request sent', async (context, reason) => {
		const { error } = await runNode({
			parameters: triggerParameters({
				contextInput: 'json',
				initialContextJson: JSON.stringify({ customer_name: 'Jane', ...context }),
			}),
			items: [{ phone: '+14155552671' }],
			credentials: credentialsFor(sandbox.current),
		});
		expect(error?.message).toContain(reason);
		expect(error?.context?.itemIndex).toBe(0);
		expect(sandbox.current.requests).toHaveLength(0);
		expect(sandbox.current.dials('+14155552671')).toBe(0);
	});
});
