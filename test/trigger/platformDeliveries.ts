import { WEBHOOK_TEST_SECRETS } from '../helpers/leaks';
import { body } from './fixtures';

// Request bodies exactly as Sysevo sends them, rendered by hand from the README's payload template
// following the platform's api/utils/template_renderer.py (string leaves; objects as json.dumps
// text; None as ""; then every backslash-n turned into a real newline) and posted as compact JSON.
// The values they were rendered from are below, so a test can compare what comes out.

/** A connected call of run 48213 on a build that adds call_disposition (1.45). */
export const CONNECTED_BODY = body('rendered-connected.json');
/** A busy call of run 48214 on a build without retries or the added call_disposition (1.37). */
export const BUSY_137_BODY = body('rendered-busy-1.37.json');
/** Run 48215 with a template that wraps gathered_context in other text ("gathered: {{…}}"). */
export const MANGLED_BODY = body('rendered-mangled-template.json');

export const CREDENTIAL = {
	headerName: 'X-Sysevo-Secret',
	secret: WEBHOOK_TEST_SECRETS.credential,
};

/** The headers of one delivery attempt (api/tasks/webhook_delivery.py), with the credential's. */
export function deliveryHeaders(runId: number, deliveryId: string, attempt = 1) {
	return {
		'X-Sysevo-Secret': CREDENTIAL.secret,
		'X-Dograh-Delivery-Id': deliveryId,
		'X-Dograh-Workflow-Run-Id': String(runId),
		'X-Dograh-Delivery-Attempt': String(attempt),
	};
}

/** The run values CONNECTED_BODY was rendered from. */
export const CONNECTED_RUN = {
	id: 48213,
	name: 'WR-API-48213',
	workflow_id: 312,
	workflow_name: 'Renewal reminder',
	campaign_id: null,
	created_at: '2026-06-20T14:03:11.512345+00:00',
	initial_context: {
		phone_number: '+14155552671',
		customer_name: 'Jane "JJ" O\'Neil',
		notes: 'Prefers mornings.\nAsk for Jane, not John.',
		export_path: 'C:\\new\\renewals.csv',
		trigger_mode: 'production',
		called_number: '+14155552671',
	},
	gathered_context: {
		call_disposition: 'user_hangup',
		call_tags: ['user_speech'],
		triggered_by: 'api',
		extracted_variables: {
			summary: 'Renewal confirmed.\nCall back on Monday\tat 9.',
			appointment_confirmed: true,
			callback: { day: 'Monday' },
			share: '\\\\srv\\new-files\\n1',
			café: 'crème',
		},
	},
	cost_info: {
		call_duration_seconds: 93.7,
		llm: { 'openai|||gpt-4.1': { prompt_tokens: 5120, completion_tokens: 380 } },
	},
	annotations: {
		qa_7: {
			node_results: {
				n1: {
					score: 4,
					// A literal backslash-n in the QA comment, next to a real line break.
					comment: 'Polite and clear.\nMissed the upsell.\\nFollow up.',
					tags: ['polite'],
				},
			},
		},
		tags: ['polite'],
	},
	recording_public_url:
		'https://api.sysevo.io/api/v1/public/download/workflow/8d1f4e0a-3b5c-4c7e-9f21-6a0b2c4d8e13/recording',
	transcript_public_url:
		'https://api.sysevo.io/api/v1/public/download/workflow/8d1f4e0a-3b5c-4c7e-9f21-6a0b2c4d8e13/transcript',
};
