import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { DEFAULT_SECRET_HEADER } from '../description';

export const WEBHOOK_CREDENTIAL = 'sysevoWebhookApi';

/**
 * Where the shared secret comes from: the Sysevo Webhook API credential, or the Header Name and
 * Shared Secret parameters that workflows saved before the credential existed still carry. While
 * such a secret is saved in the node, n8n keeps the credential inactive (its display rule in
 * SysevoTrigger.node.ts), so the saved secret is used until it is removed.
 */
export type SecretSetting =
	| { source: 'credential' | 'parameters'; headerName: string; secret: string }
	| { source: 'none' };

export async function secretSetting(
	this: IWebhookFunctions | IHookFunctions,
): Promise<SecretSetting> {
	const saved = String(this.getNodeParameter('secret', '')).trim();
	if (saved !== '')
		return {
			source: 'parameters',
			headerName: String(this.getNodeParameter('headerName', DEFAULT_SECRET_HEADER)).trim(),
			secret: saved,
		};
	if (!this.getNode().credentials?.[WEBHOOK_CREDENTIAL]) return { source: 'none' };
	const credential = await this.getCredentials(WEBHOOK_CREDENTIAL);
	return {
		source: 'credential',
		headerName: String(credential.headerName ?? '').trim(),
		secret: String(credential.secret ?? '').trim(),
	};
}
