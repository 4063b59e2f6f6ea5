import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { listTelephonyConfigurations } from '../../shared/transport/api';

/** The organisation's active telephony configurations, after the organisation's default (0). */
export async function getTelephonyConfigurations(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const configurations = await listTelephonyConfigurations.call(this);
	const listed = configurations
		.filter((configuration) => configuration.inactive !== true)
		.map((configuration) => ({
			name: `${configuration.name}${configuration.provider ? ` (${configuration.provider})` : ''}${configuration.is_default_outbound ? ', default' : ''}`,
			value: configuration.id,
			description: `ID ${configuration.id}`,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
	return [
		{
			name: "Organisation's Default",
			value: 0,
			description: 'The configuration Sysevo marks as default for outbound calls',
		},
		...listed,
	];
}
