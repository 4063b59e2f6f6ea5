import { sleep } from 'n8n-workflow';

import { prefetch } from '../../nodes/Sysevo/calling/prefetch';

describe('prefetch', () => {
	it('computes every index once, in order, yielding between chunks', async () => {
		const computed: number[] = [];
		let yields = 0;
		const plans = prefetch(
			12,
			(i) => {
				computed.push(i);
				return i * 2;
			},
			async () => {
				yields++;
				await sleep(0);
			},
			5,
		);
		expect(await Promise.all(Array.from({ length: 12 }, (_, i) => plans.get(i)))).toEqual([
			0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22,
		]);
		expect(computed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		expect(yields).toBe(2);
	});

	it('lets other work run between chunks', async () => {
		const events: string[] = [];
		void sleep(0).then(() => events.push('other work'));
		const plans = prefetch(
			4,
			(i) => events.push(`compute ${i}`),
			async () => await sleep(0),
			2,
		);
		await plans.get(3);
		expect(events).toEqual(['compute 0', 'compute 1', 'other work', 'compute 2', 'compute 3']);
	});

	it('fails only the index whose computation threw', async () => {
		const plans = prefetch(
			3,
			(i) => {
				if (i === 1) throw new Error('bad item');
				return i;
			},
			async () => undefined,
		);
		await expect(plans.get(1)).rejects.toThrow('bad item');
		expect(await plans.get(2)).toBe(2);
	});
});
