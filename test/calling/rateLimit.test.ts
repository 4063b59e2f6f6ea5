import { NodeApiError, sleep, type INode } from 'n8n-workflow';

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

function waitFor(overrides: Partial<CallLimitWait> = {}): CallLimitWait {
	return {
		budgetMs: 60_000,
		nextCallEnd: () => new Promise(() => {}),
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

	it("tries again as soon as one of the execution's calls ends, before the back-off is over", async () => {
		let endCall: () => void = () => {};
		const sentAt: number[] = [];
		const pending = retryAtCallLimit(
			async () => {
				sentAt.push(Date.now());
				if (sentAt.length < 4) throw callLimit();
				return 'placed';
			},
			waitFor({ nextCallEnd: () => new Promise<void>((resolve) => (endCall = resolve)) }),
		);
		// Each later try would wait at least 250 ms, then 500 ms, then 1 s on the back-off alone.
		for (let tries = 1; tries < 4; tries++) {
			while (sentAt.length < tries) await sleep(1);
			endCall();
		}
		expect(await pending).toBe('placed');
		expect(sentAt[3] - sentAt[0]).toBeLessThan(250 + 500 + 1000);
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
		let endCall: () => void = () => {};
		const pending = retryAtCallLimit(
			async () => {
				sent++;
				throw callLimit();
			},
			waitFor({
				stopped: () => stopped,
				nextCallEnd: () => new Promise<void>((resolve) => (endCall = resolve)),
				onCancelled: () => new Error('not called: the node stopped'),
			}),
		);
		while (sent < 1) await sleep(1);
		stopped = true;
		endCall();
		await expect(pending).rejects.toThrow('not called: the node stopped');
		expect(sent).toBe(1);
	});
});
