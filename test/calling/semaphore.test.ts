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
		const pacer = new DialPacer(250, 0, () => now);
		expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 250, 500]);
		now = 2000;
		expect(pacer.reserve()).toBe(0);
	});

	it('spreads the first wave 5 ms apart, then dials at once while no answer has come back', () => {
		const now = 1000;
		const pacer = new DialPacer(0, 3, () => now);
		expect([
			pacer.reserve(),
			pacer.reserve(),
			pacer.reserve(),
			pacer.reserve(),
			pacer.reserve(),
		]).toEqual([0, 5, 10, 0, 0]);
	});

	/** A pacer of `slots` call slots whose first wave is out and whose first answer took `answerMs`. */
	function afterFirstAnswer(slots: number, answerMs: number, clock: () => number) {
		const pacer = new DialPacer(0, slots, clock);
		for (let k = 0; k < slots; k++) pacer.reserve();
		pacer.answered(answerMs);
		return pacer;
	}
	const threeReservations = (pacer: DialPacer) => [
		pacer.reserve(),
		pacer.reserve(),
		pacer.reserve(),
	];

	it('keeps later dials a quarter of an answer time ÷ the slots apart', () => {
		const pacer = afterFirstAnswer(10, 120, () => 1000);
		// 120 ms ÷ (4 × 10 slots) = 3 ms; the first wave's last dial went out at 1045.
		expect(threeReservations(pacer)).toEqual([50, 53, 56]);
	});

	it('spaces by at most 5 ms on its own, and not at all when Sysevo answers at once', () => {
		let now = 1000;
		const slow = afterFirstAnswer(1, 2000, () => now);
		now = 2000;
		expect(threeReservations(slow)).toEqual([0, 5, 10]);

		// 20 ms ÷ (4 × 10 slots) = 0.5 ms, below a timer's resolution.
		const quick = afterFirstAnswer(10, 20, () => now);
		now = 3000;
		expect(threeReservations(quick)).toEqual([0, 0, 0]);
	});

	it('lets a configured gap larger than the spread win', () => {
		const now = 1000;
		const pacer = new DialPacer(1000, 2, () => now);
		pacer.reserve();
		pacer.answered(100);
		expect([pacer.reserve(), pacer.reserve()]).toEqual([1000, 2000]);
	});
});
