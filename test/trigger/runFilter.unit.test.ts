import type { IDataObject } from 'n8n-workflow';

import { runFilter, sourceFilter } from '../../nodes/shared/helpers/runFilter';

const settledGathered = { call_disposition: 'user_hangup', call_tags: ['user_hangup'] };
const RUNS = {
	api: {
		name: 'WR-API-1001',
		mode: 'twilio',
		is_completed: true,
		gathered_context: settledGathered,
	},
	draft: {
		name: 'WR-TEST-1002',
		mode: 'twilio',
		is_completed: true,
		gathered_context: settledGathered,
	},
	campaign: { name: 'WR-CAMPAIGN-3-9', mode: 'twilio', is_completed: true },
	inbound: { name: 'WR-TEL-IN-00000001', mode: 'twilio', is_completed: true },
	phoneTest: { name: 'WR-TEL-OUT-00000002', mode: 'twilio', is_completed: true },
	webTest: { name: 'WR-4410', mode: 'smallwebrtc', is_completed: true },
	chat: { name: 'WR-TEXT-ABC123', mode: 'textchat', is_completed: true },
	widget: { name: 'Embed Run - 2026-11-30T10:00:00', mode: 'smallwebrtc', is_completed: true },
	// A webhook template without the run name or contexts.
	bare: { id: 5, is_completed: true },
};
type Name = keyof typeof RUNS;

function passing(filter: (run: IDataObject) => boolean): Name[] {
	return (Object.keys(RUNS) as Name[]).filter((name) => filter(RUNS[name] as IDataObject));
}

describe('the trigger filters by call source', () => {
	it('lets only published API calls through by default, as workflows saved earlier did', () => {
		expect(passing(sourceFilter({}))).toEqual(['api', 'bare']);
		expect(passing(sourceFilter({ includeTestRuns: false }))).toEqual(['api', 'bare']);
	});

	it('keeps Include API Calls on the Draft (includeTestRuns) for WR-TEST- runs only', () => {
		expect(passing(sourceFilter({ includeTestRuns: true }))).toEqual(['api', 'draft', 'bare']);
		expect(passing(sourceFilter({ includeTestRuns: true, callSources: ['inbound'] }))).toEqual([
			'inbound',
		]);
	});

	it.each([
		[['campaign'], ['campaign']],
		[
			['inbound', 'campaign'],
			['campaign', 'inbound'],
		],
		[['editorTest'], ['phoneTest', 'webTest', 'chat']],
		[['widget'], ['widget']],
		[[], ['api', 'draft', 'campaign', 'inbound', 'phoneTest', 'webTest', 'chat', 'widget', 'bare']],
	])('with Call Sources %p lets through %p', (callSources, expected) => {
		expect(
			passing(sourceFilter({ callSources: callSources as never, includeTestRuns: true })),
		).toEqual(expected);
	});

	it('applies the source before the outcome filters', () => {
		const filter = runFilter({ outcomes: ['completed'], dispositions: 'user_hangup' });
		expect(passing(filter)).toEqual(['api']);
	});
});
