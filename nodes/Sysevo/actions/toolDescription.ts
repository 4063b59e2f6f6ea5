import type { INodeProperties } from 'n8n-workflow';

/**
 * What the model reads about the tool, one default per operation, shown only on the AI tool
 * variant (`@tool`). n8n hands the model this parameter when it is set, and otherwise builds
 * "<action> in Sysevo" from the operation (n8n-workflow `getToolDescriptionForNode`); declaring it
 * here keeps the rules of calling in front of the model without lengthening the operation names
 * the editor shows (docs/ai-agent.md).
 */
const TOOL_DESCRIPTIONS: Array<{ resource: string; operation: string; text: string }> = [
	{
		resource: 'call',
		operation: 'trigger',
		text: 'Places a real phone call now: a Sysevo AI voice agent rings the person, and every call costs money. Give the number in international format, + and the country code, e.g. +14155552671. Only numbers in the countries this workflow allows are called; premium-rate and special numbers are refused. Call each person once, only when asked to; this tool places a limited number of calls per conversation. A call not placed comes back with an "error" sentence or a not_called_reason: tell the user, do not retry that number. Returns workflow_run_id, and when the workflow waits for the call to end, run_status, disposition and cost_usd.',
	},
	{
		resource: 'call',
		operation: 'getRun',
		text: 'Reports how a Sysevo phone call went, by the workflow_run_id (and workflow_id) returned when the call was placed. Returns run_status (in_progress, completed, voicemail, not_connected, failed), disposition, duration_seconds, cost_usd and the values the voice agent gathered. Places no call.',
	},
	{
		resource: 'call',
		operation: 'getMany',
		text: "Lists a Sysevo voice agent's past phone calls with their run_status, disposition, cost_usd and the values gathered. Places no call.",
	},
	{
		resource: 'number',
		operation: 'validate',
		text: 'Checks a phone number without calling it: whether it is valid, its international format (E.164), its country, and whether this workflow may call it (allowed countries, premium-rate numbers). Places no call and costs nothing.',
	},
];

export const toolDescriptionProperties: INodeProperties[] = TOOL_DESCRIPTIONS.map(
	({ resource, operation, text }) => ({
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		default: text,
		typeOptions: { rows: 4 },
		description:
			'What the AI model reads about this tool. The default states the rules of calling: international format, allowed countries only, each call rings a real person and costs money.',
		displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
	}),
);
