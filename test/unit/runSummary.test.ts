import {
	contextColumns,
	costUsdOf,
	dialledNumberOf,
	qaColumns,
	summariseRun,
} from '../../nodes/shared/helpers/runSummary';

describe('summariseRun', () => {
	it('reports a run that has not completed as in progress', () => {
		expect(
			summariseRun({ is_completed: false, gathered_context: { call_disposition: 'user_hangup' } }),
		).toEqual({
			run_status: 'in_progress',
			disposition: 'user_hangup',
			duration_seconds: null,
		});
	});

	it('reports a connected call as completed with its disposition and duration', () => {
		expect(
			summariseRun({
				is_completed: true,
				cost_info: { call_duration_seconds: 94 },
				usage_info: { call_duration_seconds: 93.7 },
				gathered_context: {
					call_disposition: 'user_hangup',
					call_tags: ['user_speech', 'user_hangup'],
				},
			}),
		).toEqual({ run_status: 'completed', disposition: 'user_hangup', duration_seconds: 94 });
	});

	it('uses usage_info when cost_info has no duration', () => {
		expect(
			summariseRun({
				is_completed: true,
				cost_info: null,
				usage_info: { call_duration_seconds: 12.5 },
			}).duration_seconds,
		).toBe(12.5);
	});

	it.each([
		[
			{ call_tags: ['not_connected', 'telephony_no-answer'], call_disposition: 'no-answer' },
			'not_connected',
			'no-answer',
		],
		[{ call_disposition: 'busy' }, 'not_connected', 'busy'],
		[{ call_tags: ['not_connected', 'telephony_busy'] }, 'not_connected', 'busy'],
		[{ error: 'Provider unreachable', call_disposition: 'error' }, 'failed', 'error'],
		[{ call_disposition: 'pipeline_error' }, 'failed', 'pipeline_error'],
		[{ call_disposition: 'voicemail_detected' }, 'voicemail', 'voicemail_detected'],
		// An extracted disposition wins over the reason, which stays a tag (pipecat_engine.py).
		[
			{ call_disposition: 'left_message', call_tags: ['voicemail_detected', 'left_message'] },
			'voicemail',
			'left_message',
		],
		// The carrier's answering-machine detection (Twilio AnsweredBy).
		[
			{ call_disposition: 'user_hangup', answered_by: 'machine_end_beep' },
			'voicemail',
			'user_hangup',
		],
		[{ call_disposition: 'user_hangup', answered_by: 'human' }, 'completed', 'user_hangup'],
		[
			{ call_tags: ['not_connected', 'telephony_no-answer'], answered_by: 'machine_start' },
			'not_connected',
			'no-answer',
		],
		[{ mapped_call_disposition: 'XFER' }, 'completed', 'XFER'],
		[null, 'completed', null],
	])('derives the outcome from gathered_context %j', (gathered, status, disposition) => {
		expect(summariseRun({ is_completed: true, gathered_context: gathered })).toMatchObject({
			run_status: status,
			disposition,
		});
	});
});

describe('result columns', () => {
	it('flattens QA results per QA node and step, with every tag', () => {
		expect(
			qaColumns({
				annotations: {
					qa_qa1: {
						node_results: {
							start: {
								node_name: 'Start',
								tags: [{ tag: 'polite', reason: 'x' }, 'confirmed'],
								summary: 'Greeted.\nConfirmed.',
								score: 5,
								raw_response: '{…}',
							},
						},
						model: 'gpt-4.1-mini',
					},
					'qa_qa-2': { skipped: true, reason: 'voicemail call' },
					tags: ['confirmed', 'polite'],
					tester: { name: 'not QA' },
				},
			}),
		).toEqual({
			qa_tags: 'confirmed, polite',
			qa_qa1_start_score: 5,
			qa_qa1_start_summary: 'Greeted.\nConfirmed.',
			qa_qa1_start_tags: 'polite, confirmed',
			qa_qa_2_skipped: 'voicemail call',
		});
		expect(qaColumns({ annotations: null })).toEqual({});
	});

	it("keeps only the caller's own context keys, flat", () => {
		expect(
			contextColumns({
				provider: 'twilio',
				phone_number: '+14155552671',
				called_number: '+14155552671',
				trigger_mode: 'production',
				api_key_id: 3,
				customer_name: 'Jane',
				plan: { tier: 'gold', seats: 3 },
				tags: ['a', 'b'],
			}),
		).toEqual({
			context_customer_name: 'Jane',
			context_plan_tier: 'gold',
			context_plan_seats: 3,
			context_tags: '["a","b"]',
		});
	});

	it('reads cost in US dollars from Dograh tokens, and the dialled number from called_number', () => {
		expect(costUsdOf({ cost_info: { dograh_token_usage: 14.1 } })).toBe(0.141);
		expect(costUsdOf({ cost_info: null })).toBeNull();
		expect(
			dialledNumberOf({
				initial_context: { phone_number: '+1999', called_number: '+14155552671' },
			}),
		).toBe('+14155552671');
		expect(
			dialledNumberOf({
				call_type: 'inbound',
				initial_context: { caller_number: '+14155557788', called_number: '+14155550100' },
			}),
		).toBe('+14155557788');
	});
});
