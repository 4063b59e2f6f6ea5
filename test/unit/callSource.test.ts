import { callSourceOf, isDraftApiCall } from '../../nodes/shared/helpers/callSource';

// Each run is shaped as the platform writes it (docs/sysevo-api.md §6.5), list item or Get Run.
const apiCall = {
	name: 'WR-API-4821',
	mode: 'twilio',
	call_type: 'outbound',
	initial_context: { direction: 'outbound', trigger_mode: 'production', phone_number: '+1' },
	gathered_context: { provider: 'twilio', triggered_by: 'api' },
};

describe('callSourceOf', () => {
	it.each([
		['an API call on the published agent', apiCall, 'api'],
		[
			'an API call on the draft (Use Draft Version)',
			{ ...apiCall, name: 'WR-TEST-1234', initial_context: { trigger_mode: 'test' } },
			'api',
		],
		[
			'an API call whose initiation failed before triggered_by was written',
			{ name: 'WR-API-1000', mode: 'twilio', gathered_context: { error: 'Out of credits' } },
			'api',
		],
		[
			'a campaign call',
			{
				name: 'WR-CAMPAIGN-7-311',
				mode: 'twilio',
				call_type: 'outbound',
				initial_context: { campaign_id: 7, direction: 'outbound' },
			},
			'campaign',
		],
		[
			'an inbound phone call',
			{
				name: 'WR-TEL-IN-00412345',
				mode: 'twilio',
				call_type: 'inbound',
				initial_context: { direction: 'inbound', caller_number: '+1555' },
			},
			'inbound',
		],
		[
			'an inbound call on an Asterisk (ARI) line',
			{ name: 'ARI Inbound +15550100', mode: 'ari', call_type: 'inbound' },
			'inbound',
		],
		[
			'an agent stream',
			{ name: 'WR-AGS-00000042', mode: 'cloudonix', call_type: 'inbound' },
			'inbound',
		],
		[
			'a test phone call from the agent editor',
			{
				name: 'WR-TEL-OUT-01234567',
				mode: 'twilio',
				call_type: 'outbound',
				initial_context: { direction: 'outbound', phone_number: '+1555' },
			},
			'editorTest',
		],
		[
			'a browser test from the agent editor',
			{ name: 'WR-8812', mode: 'smallwebrtc', call_type: 'inbound' },
			'editorTest',
		],
		['an older browser test (webrtc)', { name: 'WR-77', mode: 'webrtc' }, 'editorTest'],
		[
			'a browser test named by hand',
			{ name: 'Tuesday check', mode: 'smallwebrtc', call_type: 'inbound' },
			'editorTest',
		],
		[
			'a browser test in a webhook payload (no mode)',
			{ name: 'WR-5123', initial_context: { direction: 'inbound' } },
			'editorTest',
		],
		['a text chat', { name: 'WR-TEXT-A1B2C3', mode: 'textchat' }, 'chat'],
		['a text chat named by hand', { name: 'Pricing questions', mode: 'textchat' }, 'chat'],
		[
			'a widget voice call',
			{ name: 'Embed Run - 2026-11-30T10:00:00', mode: 'smallwebrtc' },
			'widget',
		],
		['a widget chat', { name: 'Embed Chat - 2026-11-30T10:00:00', mode: 'textchat' }, 'widget'],
	])('recognises %s', (_label, run, source) => {
		expect(callSourceOf(run)).toBe(source);
	});

	it('trusts the name over caller context that claims otherwise', () => {
		// A caller's initial_context is laid over the system keys, so it may say anything.
		expect(
			callSourceOf({
				name: 'WR-TEL-OUT-00000001',
				mode: 'twilio',
				initial_context: { trigger_mode: 'production', direction: 'inbound' },
			}),
		).toBe('editorTest');
		expect(
			callSourceOf({ ...apiCall, initial_context: { direction: 'inbound', campaign_id: 9 } }),
		).toBe('api');
	});

	it.each([
		['gathered_context.triggered_by', { gathered_context: { triggered_by: 'api' } }, 'api'],
		['initial_context.trigger_mode', { initial_context: { trigger_mode: 'test' } }, 'api'],
		['campaign_id', { campaign_id: 4 }, 'campaign'],
		['initial_context.campaign_id', { initial_context: { campaign_id: 4 } }, 'campaign'],
		['call_type inbound', { call_type: 'inbound' }, 'inbound'],
		['initial_context.direction inbound', { initial_context: { direction: 'inbound' } }, 'inbound'],
	])('falls back to %s when the run has no name', (_label, run, source) => {
		expect(callSourceOf(run)).toBe(source);
	});

	it('calls a run without any mark unknown', () => {
		expect(callSourceOf({ id: 5, is_completed: true })).toBe('unknown');
		expect(
			callSourceOf({ name: 'Imported', mode: 'twilio', initial_context: 'not an object' }),
		).toBe('unknown');
	});
});

describe('isDraftApiCall', () => {
	it('is true for WR-TEST- runs and for unnamed runs marked trigger_mode "test"', () => {
		expect(isDraftApiCall({ name: 'WR-TEST-4411' })).toBe(true);
		expect(isDraftApiCall({ initial_context: { trigger_mode: 'test' } })).toBe(true);
	});

	it('is false for published API calls, even when the caller context says "test"', () => {
		expect(isDraftApiCall(apiCall)).toBe(false);
		expect(isDraftApiCall({ name: 'WR-API-1', initial_context: { trigger_mode: 'test' } })).toBe(
			false,
		);
		expect(isDraftApiCall({ initial_context: { trigger_mode: 'production' } })).toBe(false);
	});
});
