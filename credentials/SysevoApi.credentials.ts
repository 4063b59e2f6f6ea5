import type {
	IAuthenticate,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class SysevoApi implements ICredentialType {
	name = 'sysevoApi';

	displayName = 'Sysevo API';

	icon: Icon = { light: 'file:../icons/sysevo.svg', dark: 'file:../icons/sysevo.dark.svg' };

	documentationUrl = 'https://www.docs.sysevo.io/docs/trigger-calls';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'An API key of your Sysevo organisation (Sysevo → Settings → API Keys)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.sysevo.io/api/v1',
			required: true,
			description: 'API root. Change it only for a self-hosted install or the local sandbox.',
		},
	];

	// A function, not the generic `={{$credentials.apiKey}}` block: n8n evaluates that expression,
	// with a whole workflow data proxy, on every request. Object.assign, not `{ ...options, headers }`:
	// on Node 20 an object literal that starts with a spread gets a hidden class of its own each
	// time (docs/performance.md).
	authenticate: IAuthenticate = async (credentials, requestOptions) =>
		Object.assign({}, requestOptions, {
			headers: Object.assign({}, requestOptions.headers, {
				'X-API-Key': String(credentials.apiKey ?? ''),
			}),
		});

	// Redirects are not followed, so the key never travels to another origin.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '/workflow/fetch',
			qs: { status: 'active' },
			disableFollowRedirect: true,
		},
	};
}
