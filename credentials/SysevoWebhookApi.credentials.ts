import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The shared secret that the agent's Webhook node in Sysevo sends with each call result. Kept in a
 * credential so that it is not part of the workflow: not in exports, templates or backups.
 */
export class SysevoWebhookApi implements ICredentialType {
	name = 'sysevoWebhookApi';

	displayName = 'Sysevo Webhook API';

	icon: Icon = { light: 'file:../icons/sysevo.svg', dark: 'file:../icons/sysevo.dark.svg' };

	documentationUrl = 'https://github.com/sysevo/n8n-nodes-sysevo#webhook';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-Sysevo-Secret',
			required: true,
			description:
				'The header that carries the secret. Use Authorization when Sysevo sends it with a Bearer Token credential.',
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"At least 16 characters, for example the output of <code>openssl rand -hex 24</code> or a password manager's generator. Enter the same value in the credential of the agent's Webhook node in Sysevo.",
		},
	];
}
