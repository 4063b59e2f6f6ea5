import { summariseRun } from '../../nodes/Sysevo/helpers/runSummary';

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
