export type RequestPurpose =
	| 'triggerByPath'
	| 'triggerByWorkflow'
	| 'getRun'
	| 'listAgents'
	| 'listRuns'
	| 'other';

export interface ErrorText {
	message: string;
	description: string;
}

interface ValidationItem {
	loc?: unknown[];
	msg?: string;
}

export const MAY_HAVE_DIALED =
	"The call may have been placed. Before running this item again, check the agent's call history in Sysevo for this phone number, so the person is not called twice.";

const BASE_URL_HINT =
	'Check the Base URL in the Sysevo credential: it should be the API root ending in /api/v1 (e.g. https://api.sysevo.io/api/v1).';

const TRIGGER_KIND_HINT =
	'An API Trigger UUID is the path of the API Trigger node on the agent canvas; it is not the agent\'s workflow UUID. If you have the agent\'s UUID, set "Identify Agent By" to "Agent (Workflow UUID)".';

const WORKFLOW_KIND_HINT =
	'Check that this is the agent\'s workflow UUID (shown as "Agent UUID" in Sysevo, or pick the agent from the list) and not an API Trigger UUID, and that the agent belongs to the API key\'s organisation.';

const NOT_FOUND_HINTS: Record<string, string> = {
	'Agent trigger not found': TRIGGER_KIND_HINT,
	'Workflow not found': WORKFLOW_KIND_HINT,
	'Workflow is not active':
		'The agent is archived. Restore it in Sysevo or choose an active agent.',
	'Workflow has no published definition':
		'The agent has never been published. Publish it in Sysevo, or turn on "Use Draft Version" to run the latest draft.',
	'Trigger not found in the selected Agent':
		'This API Trigger exists only in the draft, or was removed from it. Publish the agent in Sysevo, or switch "Use Draft Version" to match the version that has the trigger.',
	'Telephony configuration not found':
		"Check Options → Telephony Configuration, or remove it to use the organisation's default telephony configuration.",
	'Workflow run not found':
		"Check the Run ID: it is the workflow_run_id returned by Trigger Call, and the run must belong to the API key's organisation.",
	'Not Found': BASE_URL_HINT,
};

export function isTrigger(purpose: RequestPurpose): boolean {
	return purpose === 'triggerByPath' || purpose === 'triggerByWorkflow';
}

function formatValidationItems(items: unknown[]): string {
	return items
		.map((item) => {
			const { loc, msg } = (item ?? {}) as ValidationItem;
			const field = Array.isArray(loc) ? loc.slice(1).join('.') : '';
			return field ? `${field}: ${msg ?? 'invalid'}` : (msg ?? 'invalid');
		})
		.join('; ');
}

/** The API's `detail`: a string for app errors, a pydantic array for request validation. */
export function detailOf(body: unknown): string | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const detail = (body as { detail?: unknown }).detail;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) return formatValidationItems(detail);
	return undefined;
}

/** Plain text of a non-JSON body (an HTML gateway page or a text/plain 500), short enough to show. */
export function textOf(body: unknown): string {
	if (body === undefined || body === null) return '';
	const raw = typeof body === 'string' ? body : JSON.stringify(body);
	const text = raw
		.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function missingKeyIn(body: unknown): boolean {
	const detail = (body as { detail?: unknown } | null)?.detail;
	return (
		Array.isArray(detail) &&
		detail.some((item) => {
			const loc = (item as ValidationItem)?.loc;
			return (
				Array.isArray(loc) && loc[0] === 'header' && String(loc[1]).toLowerCase() === 'x-api-key'
			);
		})
	);
}

function clientError(
	status: number,
	detail: string,
	body: unknown,
	purpose: RequestPurpose,
): ErrorText {
	switch (status) {
		case 400:
			if (detail.startsWith('Failed to initiate call')) {
				return {
					message: `The telephony provider rejected the call: ${detail}`,
					description:
						'Check that the phone number exists and can be dialled from your caller number. Sysevo recorded a failed run for this attempt; no call was connected.',
				};
			}
			if (
				detail.includes('not ready for outbound calls') ||
				detail.startsWith('Telephony provider not configured')
			) {
				return {
					message: `Sysevo cannot place calls yet: ${detail}`,
					description:
						'Finish the telephony setup in Sysevo (Settings → Telephony: provider credentials and a caller number), or choose another configuration under Options → Telephony Configuration.',
				};
			}
			return {
				message: `Sysevo rejected the request: ${detail}`,
				description: 'Correct the value named in the message and run again.',
			};
		case 401:
			return {
				message: `Sysevo rejected the API key: ${detail}`,
				description:
					'Check the API key in the Sysevo credential: it must be active, not archived, and belong to the organisation that owns the agent.',
			};
		case 402:
			return {
				message: `Your Sysevo organisation is out of call credits: ${detail}`,
				description:
					'Buy more credits in Sysevo (Billing) or change the model providers, then run again. No call was placed.',
			};
		case 403:
			if (isTrigger(purpose)) {
				return {
					message: `Access denied: ${detail}`,
					description:
						'This API Trigger belongs to another Sysevo organisation. Use an API key of the organisation that owns the agent, or pick an agent from the list.',
				};
			}
			return {
				message: `Sysevo refused the request: ${detail}`,
				description: "Check the values sent and the API key's organisation.",
			};
		case 404:
			return {
				message:
					purpose === 'other' && detail === 'Not Found'
						? 'Sysevo API route not found'
						: `Not found: ${detail}`,
				description:
					NOT_FOUND_HINTS[detail] ??
					"Check the identifiers sent and that they belong to the API key's organisation.",
			};
		case 405:
			return {
				message: 'Sysevo API route does not accept this request',
				description: BASE_URL_HINT,
			};
		case 409:
			return {
				message: `The agent cannot run: ${detail}`,
				description:
					'The agent has no owner to run it as. Open and save the agent in Sysevo with an active user, or contact Sysevo support.',
			};
		case 422:
			if (missingKeyIn(body)) {
				return {
					message: `Sysevo rejected the request: ${detail}`,
					description: 'The API key was not sent. Check that the Sysevo credential has an API key.',
				};
			}
			return {
				message: `Sysevo rejected the request: ${detail}`,
				description: 'Correct the fields listed in the message and run again.',
			};
		case 429:
			return {
				message: `Too many calls are live for your organisation: ${detail}`,
				description:
					"No call was placed for this item. Lower Options → Max Concurrent Calls, let live calls finish, or ask Sysevo to raise your organisation's concurrent call limit.",
			};
		default:
			return {
				message: `Sysevo answered HTTP ${status}: ${detail}`,
				description: 'Check the request values and the credential.',
			};
	}
}

function serverError(status: number, body: unknown, purpose: RequestPurpose): ErrorText {
	const text = detailOf(body) ?? textOf(body);
	const unavailable = status === 502 || status === 503 || status === 504;
	const message = unavailable
		? `Sysevo is temporarily unavailable (HTTP ${status})${text ? `: ${text}` : ''}`
		: `Sysevo had an internal error (HTTP ${status})${text ? `: ${text}` : ''}`;
	const description = isTrigger(purpose)
		? MAY_HAVE_DIALED
		: "This is a problem on Sysevo's side. The request was retried; try again in a few minutes.";
	return { message, description };
}

/** Turns an HTTP error answer into a message that says what happened and what to do next. */
export function describeHttpError(
	status: number,
	body: unknown,
	purpose: RequestPurpose,
): ErrorText {
	if (status >= 500) return serverError(status, body, purpose);
	if (status >= 300 && status < 400) {
		return {
			message: `Sysevo answered with a redirect (HTTP ${status}), which the node does not follow with your API key`,
			description: `${BASE_URL_HINT} Use https and no trailing slash.`,
		};
	}
	const detail = detailOf(body) ?? (textOf(body) || `HTTP ${status}`);
	return clientError(status, detail, body, purpose);
}
