import fc from 'fast-check';

import {
	DeliveryMemory,
	deliveryIdOf,
	emittedDeliveries,
	isRepeat,
	REMEMBERED_DELIVERIES,
	withEmitted,
} from '../../nodes/SysevoTrigger/webhook/deliveries';
import { parseBody, runFromWebhook } from '../../nodes/SysevoTrigger/webhook/payload';
import {
	parseRenderedJson,
	readRenderedId,
	readRenderedObject,
} from '../../nodes/SysevoTrigger/webhook/rendered';

/** What the renderer does to a value's JSON text: every backslash-n becomes a real newline. */
function rendered(value: unknown): string {
	return JSON.stringify(value).split('\\n').join('\n');
}

describe('rendered webhook values', () => {
	it('restores JSON text whose escaped newlines became real ones, backslashes included', () => {
		const original = {
			note: 'line one\nline two',
			path: 'C:\\new\\notes.txt',
			literal: 'a backslash-n: \\n, and \\\\n',
			tab: 'a\tb',
		};
		const text = rendered(original);
		expect(text).toContain('\n');
		expect(() => JSON.parse(text)).toThrow();
		expect(parseRenderedJson(text)).toEqual(original);
	});

	it('restores any JSON value exactly', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				expect(parseRenderedJson(rendered(value))).toEqual(
					JSON.parse(JSON.stringify(value)) as unknown,
				);
			}),
			{ numRuns: 300 },
		);
	});

	it('reads object fields, and keeps what is not an object as text with the reason', () => {
		expect(readRenderedObject('{"a": "x\ny"}', 'annotations')).toEqual({ value: { a: 'x\ny' } });
		expect(readRenderedObject({ a: 1 }, 'annotations')).toEqual({ value: { a: 1 } });
		expect(readRenderedObject('', 'annotations')).toEqual({ value: null });
		expect(readRenderedObject('[1, 2]', 'annotations')).toEqual({
			text: '[1, 2]',
			problem:
				'annotations is not a JSON object, so it is kept as text; put "{{annotations}}" in the template as a whole value',
		});
		expect(readRenderedObject("{'a': 1}", 'annotations')).toMatchObject({ text: "{'a': 1}" });
	});

	it('reads ids rendered as text', () => {
		expect(readRenderedId('48213')).toBe(48213);
		expect(readRenderedId(' 48213 ')).toBe(48213);
		expect(readRenderedId(48213)).toBe(48213);
		for (const value of ['', 'None', 'True', '0', '-4', '4.5', '1e3', '99999999999999999', null])
			expect(readRenderedId(value)).toBeUndefined();
	});
});

describe('runFromWebhook', () => {
	it('needs a readable run id from the body or the X-Dograh-Workflow-Run-Id header', () => {
		expect(runFromWebhook({ workflow_run_id: 'abc' })).toEqual({
			valid: false,
			reason:
				'The workflow_run_id is "abc"; it must be a positive whole number. Put "workflow_run_id": "{{workflow_run_id}}" in the payload template.',
		});
		expect(runFromWebhook('not json')).toEqual({
			valid: false,
			reason: 'The body must be a JSON object',
		});
		const fromHeader = runFromWebhook({ workflow_run_id: 'abc' }, '48213');
		expect(fromHeader).toMatchObject({ valid: true, run: { id: 48213 } });
		expect(fromHeader.valid && fromHeader.warnings).toEqual([
			'workflow_run_id is "abc"; the run id was taken from the X-Dograh-Workflow-Run-Id header',
		]);
	});

	it('keeps a body that is not an object when the header names the run', () => {
		expect(runFromWebhook('call ended', '48213')).toEqual({
			valid: true,
			run: {
				id: 48213,
				is_completed: true,
				initial_context: null,
				gathered_context: null,
				payload_body: 'call ended',
			},
			warnings: ['The body is not a JSON object, so it is kept as payload_body'],
		});
	});

	it('keeps ids that are not numbers as they came, with a warning, and user keys as they are', () => {
		const result = runFromWebhook({
			workflow_run_id: '7',
			workflow_id: 'renewals',
			campaign_id: '12',
			extra: '{"k": "v\nw"}',
			my_flag: 'True',
		});
		expect(result).toMatchObject({
			valid: true,
			run: {
				id: 7,
				workflow_id: 'renewals',
				campaign_id: 12,
				extra: { k: 'v\nw' },
				my_flag: 'True',
			},
			warnings: ['workflow_id is "renewals", not a whole number, so it is kept as it came'],
		});
	});

	it('adds the top-level call_disposition only when gathered_context has none', () => {
		const own = runFromWebhook({
			workflow_run_id: '7',
			gathered_context: '{"call_disposition": "busy"}',
			call_disposition: 'user_hangup',
		});
		expect(own.valid && own.run.gathered_context).toEqual({ call_disposition: 'busy' });
		const added = runFromWebhook({ workflow_run_id: '7', call_disposition: 'voicemail_detected' });
		expect(added.valid && added.run.gathered_context).toEqual({
			call_disposition: 'voicemail_detected',
		});
	});

	it('parses a raw body sent without a JSON content type', () => {
		expect(parseBody({}, Buffer.from('{"workflow_run_id": "7"}'))).toEqual({
			workflow_run_id: '7',
		});
		expect(parseBody({}, Buffer.from('call ended'))).toBe('call ended');
	});
});

describe('emitted deliveries', () => {
	const DELIVERY = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

	it('knows a repeat by its delivery id or by its run', () => {
		const emitted = withEmitted([], 48213, DELIVERY);
		expect(isRepeat(emitted, 48213, DELIVERY)).toBe(true);
		expect(isRepeat(emitted, 48213, undefined)).toBe(true);
		expect(isRepeat(emitted, 48213, 'another-delivery')).toBe(true);
		expect(isRepeat(emitted, 48214, DELIVERY)).toBe(true);
		expect(isRepeat(emitted, 48214, 'another-delivery')).toBe(false);
		expect(isRepeat(emitted, 48214, undefined)).toBe(false);
	});

	it('keeps only the newest deliveries', () => {
		let emitted = emittedDeliveries(undefined);
		for (let run = 1; run <= 5; run++) emitted = withEmitted(emitted, run, undefined, 3);
		expect(emitted).toEqual([{ run: 3 }, { run: 4 }, { run: 5 }]);
		expect(isRepeat(emitted, 2, undefined)).toBe(false);
	});

	it("remembers in process far beyond the stored list's bound: 200 deliveries a second for minutes", () => {
		const memory = new DeliveryMemory();
		for (let run = 1; run <= 50_000; run++) memory.add(run, `d-${run}`);
		expect(memory.has(1, undefined)).toBe(true);
		expect(memory.has(999_999, 'd-7')).toBe(true);
		expect(memory.has(999_999, 'd-x')).toBe(false);
		expect(memory.newest()).toHaveLength(REMEMBERED_DELIVERIES);
		expect(memory.newest().at(-1)).toEqual({ run: 50_000, delivery: 'd-50000' });

		const bounded = new DeliveryMemory(3);
		for (let run = 1; run <= 5; run++) bounded.add(run, `d-${run}`);
		expect([1, 2, 3, 4, 5].map((run) => bounded.has(run, undefined))).toEqual([
			false,
			false,
			true,
			true,
			true,
		]);
		expect(bounded.has(9, 'd-1')).toBe(false);
		bounded.forget(4);
		expect(bounded.has(4, 'd-4')).toBe(false);
		expect(bounded.newest().map((entry) => entry.run)).not.toContain(4);
	});

	it('merges the stored and the in-process lists, each delivery once, newest last', () => {
		const memory = new DeliveryMemory();
		memory.add(2, 'b');
		memory.add(3, 'a');
		memory.add(4, undefined);
		const stored = [{ run: 1, delivery: 'a' }, { run: 2 }, { run: 5, delivery: 'e' }];
		expect(memory.mergedWith(stored)).toEqual([
			{ run: 5, delivery: 'e' },
			{ run: 2, delivery: 'b' },
			{ run: 3, delivery: 'a' },
			{ run: 4 },
		]);
	});

	it('stores the newest deliveries when both lists are full', () => {
		const memory = new DeliveryMemory();
		for (let run = 1; run <= 1500; run++) memory.add(run, `d-${run}`);
		const stored = Array.from({ length: REMEMBERED_DELIVERIES }, (_, k) => ({ run: 90_000 + k }));
		const merged = memory.mergedWith(stored);
		expect(merged).toHaveLength(REMEMBERED_DELIVERIES);
		expect(merged[0]).toEqual({ run: 501, delivery: 'd-501' });
		expect(merged.at(-1)).toEqual({ run: 1500, delivery: 'd-1500' });
		expect(new Set(merged.map((entry) => entry.run)).size).toBe(REMEMBERED_DELIVERIES);
	});

	it('ignores what it did not store, and delivery ids that are not plain tokens', () => {
		expect(emittedDeliveries([{ run: 1 }, 'x', { delivery: 'y' }, null])).toEqual([{ run: 1 }]);
		expect(emittedDeliveries({ run: 1 })).toEqual([]);
		expect(deliveryIdOf(` ${DELIVERY} `)).toBe(DELIVERY);
		expect(deliveryIdOf([DELIVERY])).toBe(DELIVERY);
		for (const header of [undefined, '', 'a b', 'x'.repeat(101), '{"a":1}'])
			expect(deliveryIdOf(header)).toBeUndefined();
	});
});
