import { NodeApiError, sleep, type INode } from 'n8n-workflow';

import { announceCallEnd, nextCallEnd } from '../../nodes/Sysevo/calling/callEnds';
import { retryAtCallLimit, type CallLimitWait } from '../../nodes/Sysevo/calling/rateLimit';

const node: INode = {
	id: 'n1',
	name: 'Sysevo',
	type: 'n8n-nodes-sysevo.sysevo',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const callLimit = () =>
	new NodeApiError(node, {}, { message: 'Concurrent call limit reached', httpCode: '429' });

/** Waits in the process-wide queue of one credential's cap (`calling/callEnds.ts`). */
const queuedInOrgA = { nextCallEnd: () => nextCallEnd('org-a') };

function waitFor(overrides: Partial<CallLimitWait> = {}): CallLimitWait {
	return {
		budgetMs: 60_000,
		nextCallEnd: () => ({ ended: new Promise(() => {}), cancel: () => {} }),
		stopped: () => false,
		onCancelled: () => new Error('cancelled'),
		...overrides,
	};
}

describe('retryAtCallLimit', () => {
	it('sends again after a 429 and returns the first answer that is not one', async () => {
		const answers: Array<() => Promise<string>> = [
			async () => await Promise.reject(callLimit()),
			async () => await Promise.reject(callLimit()),
			async () => 'placed',
		];
		let sent = 0;
		const result = await retryAtCallLimit(async () => await answers[sent++](), waitFor());
		expect(result).toBe('placed');
		expect(sent).toBe(3);
	});

	it('passes any other failure on at once, without sending again', async () => {
		let sent = 0;
		const failure = new NodeApiError(
			node,
			{},
			{ message: 'may have been placed', httpCode: '503' },
		);
		await expect(
			retryAtCallLimit(async () => {
				sent++;
				throw failure;
			}, waitFor()),
		).rejects.toBe(failure);
		expect(sent).toBe(1);
	});

	it('tries again as soon as a call of this process ends, before the back-off is over', async () => {
		const sentAt: number[] = [];
		const pending = retryAtCallLimit(async () => {
			sentAt.push(Date.now());
			if (sentAt.length < 4) throw callLimit();
			return 'placed';
		}, waitFor(queuedInOrgA));
		// Each later try would wait at least 250 ms, then 500 ms, then 1 s on the back-off alone.
		for (let tries = 1; tries < 4; tries++) {
			while (sentAt.length < tries) await sleep(1);
			await sleep(1);
			announceCallEnd('org-a');
		}
		expect(await pending).toBe('placed');
		expect(sentAt[3] - sentAt[0]).toBeLessThan(250 + 500 + 1000);
	});

	it('wakes, at each call end, the one item that has waited longest, whichever execution it is in', async () => {
		const tries: string[] = [];
		const refusedUntilWoken = (name: string) => {
			let sent = 0;
			return async () => {
				tries.push(name);
				if (++sent === 1) throw callLimit();
				return name;
			};
		};
		// Two executions' items refused at the shared cap, the first one first.
		const first = retryAtCallLimit(refusedUntilWoken('first'), waitFor(queuedInOrgA));
		await sleep(1);
		const second = retryAtCallLimit(refusedUntilWoken('second'), waitFor(queuedInOrgA));
		await sleep(1);
		expect(tries).toEqual(['first', 'second']);

		announceCallEnd('org-a');
		expect(await first).toBe('first');
		await sleep(20);
		expect(tries).toEqual(['first', 'second', 'first']);

		announceCallEnd('org-a');
		expect(await second).toBe('second');
		expect(tries).toEqual(['first', 'second', 'first', 'second']);
	});

	it('is not woken by a call ending under another credential: that frees nothing in its cap', async () => {
		const waiting = nextCallEnd('org-a');
		let woken = false;
		void waiting.ended.then(() => (woken = true));
		announceCallEnd('org-b');
		await sleep(5);
		expect(woken).toBe(false);
		announceCallEnd('org-a');
		await sleep(0);
		expect(woken).toBe(true);
	});

	it('leaves the queue when its back-off ends first, so the next call end wakes an item still waiting', async () => {
		let sent = 0;
		// Refused once, then tries again after its back-off (at most 500 ms on the first 429).
		const early = retryAtCallLimit(async () => {
			if (++sent === 1) throw callLimit();
			return 'early';
		}, waitFor(queuedInOrgA));
		expect(await early).toBe('early');

		const waiting = nextCallEnd('org-a');
		announceCallEnd('org-a');
		await expect(waiting.ended).resolves.toBeUndefined();
	});

	it('gives up with the 429 once the budget is spent', async () => {
		let sent = 0;
		await expect(
			retryAtCallLimit(
				async () => {
					sent++;
					throw callLimit();
				},
				waitFor({ budgetMs: 300 }),
			),
		).rejects.toMatchObject({ httpCode: '429' });
		expect(sent).toBeGreaterThan(1);
	});

	it('sends no further try once the node has stopped dialling (another item failed)', async () => {
		let sent = 0;
		let stopped = false;
		const pending = retryAtCallLimit(
			async () => {
				sent++;
				throw callLimit();
			},
			waitFor({
				stopped: () => stopped,
				...queuedInOrgA,
				onCancelled: () => new Error('not called: the node stopped'),
			}),
		);
		while (sent < 1) await sleep(1);
		stopped = true;
		await sleep(1);
		announceCallEnd('org-a');
		await expect(pending).rejects.toThrow('not called: the node stopped');
		expect(sent).toBe(1);
	});
});
