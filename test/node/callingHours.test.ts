import { sleep, type IDataObject, type INodeParameters } from 'n8n-workflow';

import { setClockForTests } from '../../nodes/shared/helpers/clock';
import { runNode } from '../helpers/engine';
import { credentialsFor, triggerRequests, useSandbox } from '../helpers/sandbox';
import { triggerParameters } from './params';

const sandbox = useSandbox();

const NEW_YORK = '+12125550123';
const SYDNEY = '+61291234567';

function dialledNumbers(): string[] {
	return triggerRequests(sandbox.current).map(
		(request) => (request.body as IDataObject).phone_number as string,
	);
}

function callWithin(options: INodeParameters, phones: string[]) {
	return runNode({
		parameters: triggerParameters({ options }),
		items: phones.map((phone, i) => ({ phone, name: `Customer ${i}` })),
		credentials: credentialsFor(sandbox.current),
	});
}

afterEach(() => setClockForTests(undefined));

describe('Trigger Call with Calling Hours', () => {
	it('with custom hours, dials the New York number and not the Sydney one, which opens at 09:00 Sydney time', async () => {
		// Wednesday 2026-12-02 15:00 UTC: 10:00 in New York, 02:00 on Thursday in Sydney.
		setClockForTests('2026-12-02T15:00:00Z');
		const result = await callWithin(
			{
				callingHours: 'custom',
				callingHoursFrom: '09:00',
				callingHoursTo: '20:00',
				callingDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
			},
			[NEW_YORK, SYDNEY],
		);
		expect(result.error).toBeUndefined();
		expect(dialledNumbers()).toEqual([NEW_YORK]);
		const [newYork, sydney] = result.json;
		expect(newYork).toMatchObject({ phone_number: NEW_YORK, workflow_run_id: expect.any(Number) });
		expect(sydney).toEqual({
			run_status: 'not_called',
			not_called_reason: 'outside_calling_hours',
			not_called_detail:
				'It is 2026-12-03T02:00:00+11:00 where +61291234567 is (Australia/Sydney), outside Options → Calling Hours; its window opens at 2026-12-02T22:00:00.000Z.',
			next_call_at: '2026-12-02T22:00:00.000Z', // Thursday 09:00 in Sydney (UTC+11)
			recipient_time_zones: ['Australia/Sydney'],
			recipient_local_time: '2026-12-03T02:00:00+11:00',
			phone_number: SYDNEY,
			draft: false,
			initial_context: { customer_name: 'Customer 1' },
		});
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('gives each row not called its own copy of a context saved without an expression', async () => {
		setClockForTests('2026-12-02T15:00:00Z'); // 02:00 on Thursday in Sydney
		const result = await runNode({
			parameters: triggerParameters({
				initialContext: { values: [{ key: 'source', value: 'spring campaign' }] },
				options: { callingHours: 'custom', callingHoursFrom: '09:00', callingHoursTo: '20:00' },
			}),
			items: [SYDNEY, '+61298765432'].map((phone) => ({ phone })),
			credentials: credentialsFor(sandbox.current),
		});
		expect(result.error).toBeUndefined();
		expect(dialledNumbers()).toEqual([]);
		const [first, second] = result.json;
		expect([first.initial_context, second.initial_context]).toEqual([
			{ source: 'spring campaign' },
			{ source: 'spring campaign' },
		]);
		// A later node changing one row's context leaves the other row's alone.
		(first.initial_context as IDataObject).source = 'changed';
		expect(second.initial_context).toEqual({ source: 'spring campaign' });
	});

	it('with legal hours, dials exactly the numbers the table allows at that moment', async () => {
		// Saturday 2026-12-05 14:00 UTC.
		setClockForTests('2026-12-05T14:00:00Z');
		const numbers = {
			newYork: '+12125550123', // 09:00, TCPA 08–21: dialled
			miami: '+13055550123', // 09:00, Florida 08–20: dialled
			paris: '+33142345678', // 15:00 Saturday, closed: Monday 10:00
			sydney: '+61291234567', // 01:00 Sunday, closed: Monday 09:00
			toronto: '+14165550123', // 09:00 Saturday, CRTC weekend from 10:00
			berlin: '+493012345678', // 15:00 Saturday, 09–18: dialled
			london: '+442079460123', // 14:00 Saturday, 09–21: dialled
			tokyo: '+81312345678', // 23:00 Saturday, closed until Monday 09:00
		};
		const result = await callWithin({ callingHours: 'legal' }, Object.values(numbers));
		expect(result.error).toBeUndefined();
		expect(dialledNumbers().sort()).toEqual(
			[numbers.newYork, numbers.miami, numbers.berlin, numbers.london].sort(),
		);
		const opening = Object.fromEntries(
			result.json
				.filter((json) => json.run_status === 'not_called')
				.map((json) => [json.phone_number, json.next_call_at]),
		);
		expect(opening).toEqual({
			[numbers.paris]: '2026-12-07T09:00:00.000Z',
			[numbers.sydney]: '2026-12-06T22:00:00.000Z',
			[numbers.toronto]: '2026-12-05T15:00:00.000Z',
			[numbers.tokyo]: '2026-12-07T00:00:00.000Z',
		});
	});

	it('sends the number outside its hours to the Not Called output with Route by Outcome, keeping its context under Simplify', async () => {
		setClockForTests('2026-12-02T15:00:00Z');
		const result = await runNode({
			parameters: triggerParameters({
				waitForCompletion: true,
				options: {
					callingHours: 'custom',
					routeByOutcome: true,
					simplify: true,
					pollIntervalSeconds: 1,
				},
			}),
			items: [
				{ phone: NEW_YORK, name: 'Jane' },
				{ phone: SYDNEY, name: 'Kim' },
			],
			credentials: credentialsFor(sandbox.current),
		});
		expect(result.error).toBeUndefined();
		expect(dialledNumbers()).toEqual([NEW_YORK]);
		expect(result.outputs.map((output) => output.length)).toEqual([1, 0, 0, 0, 0, 1]);
		const [dialled] = result.outputs[0];
		const [notCalled] = result.outputs[5];
		expect(dialled.json).toMatchObject({
			run_status: 'completed',
			not_called_reason: null,
			recipient_time_zones: null,
			recipient_local_time: null,
		});
		expect(notCalled.json).toMatchObject({
			phone_number: SYDNEY,
			run_status: 'not_called',
			not_called_reason: 'outside_calling_hours',
			next_call_at: '2026-12-02T22:00:00.000Z',
			recipient_time_zones: ['Australia/Sydney'],
			recipient_local_time: '2026-12-03T02:00:00+11:00',
			context_customer_name: 'Kim',
		});
		expect(Object.keys(notCalled.json)).toEqual(Object.keys(dialled.json));
		expect(notCalled.pairedItem).toEqual({ item: 1 });
	});

	it("checks again when the item's call slot comes: a window that ended meanwhile stops the dial", async () => {
		// Wednesday 19:59:00 in New York; one call at a time, the second waits for the first to end.
		setClockForTests('2026-12-03T00:59:00Z');
		sandbox.current.configure({ timeScale: 0.05 });
		const running = runNode({
			parameters: triggerParameters({
				waitForCompletion: true,
				options: { callingHours: 'custom', maxConcurrentCalls: 1, pollIntervalSeconds: 1 },
			}),
			items: [
				{ phone: '+12125550123', name: 'First' },
				{ phone: '+12125550124', name: 'Second' },
			],
			credentials: credentialsFor(sandbox.current),
		});
		// While the first call is live, the window (To 20:00) ends.
		while (triggerRequests(sandbox.current).length === 0) await sleep(5);
		setClockForTests('2026-12-03T01:00:00Z');
		const result = await running;
		expect(result.error).toBeUndefined();
		expect(dialledNumbers()).toEqual(['+12125550123']);
		expect(result.json[1]).toMatchObject({
			run_status: 'not_called',
			not_called_reason: 'outside_calling_hours',
			next_call_at: '2026-12-03T14:00:00.000Z',
		});
	});

	it('does not dial a number whose time zone cannot be told', async () => {
		setClockForTests('2026-12-02T15:00:00Z');
		const result = await callWithin({ callingHours: 'legal' }, ['+80012345678']);
		expect(dialledNumbers()).toEqual([]);
		expect(result.json[0]).toMatchObject({
			run_status: 'not_called',
			not_called_reason: 'time_zone_unknown',
			next_call_at: null,
			recipient_time_zones: [],
			recipient_local_time: null,
		});
	});

	it('fails the item, before any request, when the custom hours cannot be read', async () => {
		const result = await runNode({
			parameters: triggerParameters({
				options: { callingHours: 'custom', callingHoursFrom: '21:00', callingHoursTo: '08:00' },
			}),
			items: [{ phone: NEW_YORK, name: 'Jane' }],
			credentials: credentialsFor(sandbox.current),
			continueOnFail: true,
		});
		expect(result.json[0].error).toBe(
			'Calling Hours To (08:00) must be later than From (21:00) on the same day',
		);
		expect(dialledNumbers()).toEqual([]);
	});
});

describe('Validate Number with Calling Hours', () => {
	it('reports callable_now and next_call_at per number, with no request', async () => {
		setClockForTests('2026-12-02T15:00:00Z');
		const result = await runNode({
			parameters: {
				resource: 'number',
				operation: 'validate',
				phoneNumber: '={{ $json.phone }}',
				options: { callingHours: 'custom' },
			},
			items: [{ phone: NEW_YORK }, { phone: SYDNEY }],
			credentials: { apiKey: '', baseUrl: 'http://127.0.0.1:9/api/v1' },
		});
		expect(result.error).toBeUndefined();
		expect(
			result.json.map((json) => [
				json.e164,
				json.callable_now,
				json.next_call_at,
				json.recipient_local_time,
			]),
		).toEqual([
			[NEW_YORK, true, null, '2026-12-02T10:00:00-05:00'],
			[SYDNEY, false, '2026-12-02T22:00:00.000Z', '2026-12-03T02:00:00+11:00'],
		]);
		expect(sandbox.current.requests).toHaveLength(0);
	});
});
