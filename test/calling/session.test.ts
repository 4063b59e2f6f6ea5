import { sleep, type IExecuteFunctions } from 'n8n-workflow';

import { nextCallEnd } from '../../nodes/Sysevo/calling/callEnds';
import { CallSession } from '../../nodes/Sysevo/calling/session';

/** The little of n8n's execute context a session reads when it is created and slots are held. */
function sessionContext(credentialId: string): IExecuteFunctions {
	return {
		getNode: () => ({
			id: 'n1',
			name: 'Sysevo',
			type: 'n8n-nodes-sysevo.sysevo',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: { sysevoApi: { id: credentialId, name: 'Sysevo' } },
		}),
		continueOnFail: () => false,
	} as unknown as IExecuteFunctions;
}

async function wokenWithin(wait: { ended: Promise<void> }, ms: number): Promise<boolean> {
	return await Promise.race([wait.ended.then(() => true), sleep(ms).then(() => false)]);
}

describe('CallSession call slots and the rows waiting at the cap', () => {
	it('wakes a waiting row when a call is seen to end, not when a slot frees without one', async () => {
		const session = new CallSession(sessionContext('org-slots'), { maxConcurrentCalls: 2 });
		const waiting = nextCallEnd('org-slots');

		// No call was placed, or the node does not follow it: no place at the cap came free.
		const notFollowed = await session.holdCallSlot(0);
		notFollowed.release();
		expect(await wokenWithin(waiting, 20)).toBe(false);

		const ended = await session.holdCallSlot(1);
		ended.releaseAtCallEnd();
		expect(await wokenWithin(waiting, 20)).toBe(true);
		session.close();
	});

	it('frees a slot and announces its call end once, however often it is released', async () => {
		const session = new CallSession(sessionContext('org-once'), { maxConcurrentCalls: 1 });
		const waiting = [nextCallEnd('org-once'), nextCallEnd('org-once')];
		const slot = await session.holdCallSlot(0);
		slot.releaseAtCallEnd();
		slot.release();
		slot.releaseAtCallEnd();
		expect(await wokenWithin(waiting[0], 20)).toBe(true);
		expect(await wokenWithin(waiting[1], 20)).toBe(false);

		// The one slot is free once: the next holder gets it, the one after waits.
		await session.holdCallSlot(1);
		const third = session.holdCallSlot(2).then(() => true);
		expect(await Promise.race([third, sleep(20).then(() => false)])).toBe(false);
		waiting[1].cancel();
		session.stop('test over');
		await expect(third).rejects.toThrow();
		session.close();
	});
});
