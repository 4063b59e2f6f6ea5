import { sleep } from 'n8n-workflow';

import { DialPacer } from '../../nodes/Sysevo/calling/dialPacer';
import { Semaphore } from '../../nodes/Sysevo/calling/semaphore';

describe('Semaphore', () => {
	it('admits at most its limit and serves waiters in arrival order', async () => {
		const slots = new Semaphore(2);
		const order: string[] = [];
		const first = await slots.acquire();
		const second = await slots.acquire();
		const third = slots.acquire().then((release) => {
			order.push('third');
			return release;
		});
		const fourth = slots.acquire().then((release) => {
			order.push('fourth');
			return release;
		});
		await sleep(5);
		expect(order).toEqual([]);
		first();
		first();
		(await third)();
		second();
		(await fourth)();
		expect(order).toEqual(['third', 'fourth']);
	});

	it('rejects waiting and later acquirers once closed, without touching holders', async () => {
		const slots = new Semaphore(1);
		const held = await slots.acquire();
		const waiting = slots.acquire();
		slots.close(new Error('stopped'));
		await expect(waiting).rejects.toThrow('stopped');
		await expect(slots.acquire()).rejects.toThrow('stopped');
		// The holder keeps its slot through the close; giving it back later admits no one.
		expect(() => held()).not.toThrow();
		await expect(slots.acquire()).rejects.toThrow('stopped');
	});
});

describe('DialPacer', () => {
	it('spaces reservations by the gap from a shared clock', () => {
		let now = 1000;
		const pacer = new DialPacer(250, 0, 5, () => now);
		expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 250, 500]);
		now = 2000;
		expect(pacer.reserve()).toBe(0);
	});

	it('never waits without a gap once the first wave is out', () => {
		const pacer = new DialPacer(0);
		expect([pacer.reserve(), pacer.reserve()]).toEqual([0, 0]);
	});

	it('spreads the first wave a few milliseconds apart, then dials at once', () => {
		const now = 1000;
		const pacer = new DialPacer(0, 3, 5, () => now);
		expect([
			pacer.reserve(),
			pacer.reserve(),
			pacer.reserve(),
			pacer.reserve(),
			pacer.reserve(),
		]).toEqual([0, 5, 10, 0, 0]);
	});
});
