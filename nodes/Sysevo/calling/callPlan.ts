import type { IDataObject } from 'n8n-workflow';

import type {
	CalledNumber,
	CallingHoursOptions,
	CallingHoursRule,
} from '../../shared/helpers/callingHours';
import type { OutputOptions } from '../../shared/runOutput';
import type { TriggerRoute } from '../../shared/transport/api';
import type { PacingOptions } from './session';
import type { WaitOptions } from './waitForRun';

/** Trigger Call's options as saved (actions/call/trigger.operation.ts shows them). */
export interface TriggerOptions
	extends PacingOptions, OutputOptions, WaitOptions, CallingHoursOptions {
	defaultCountry?: string;
	allowedCountries?: string[];
	blockPremiumNumbers?: boolean;
	callLimitWaitSeconds?: number;
	telephonyConfigurationId?: number | string | null;
	fromPhoneNumberId?: number | string | null;
	skipIfCalledWithinHours?: number | string | null;
}

export interface Target {
	path: string;
	route: TriggerRoute;
	identifier: string;
	kind: 'workflowUuid' | 'triggerUuid';
}

/** One item's call, read and checked from its parameters by actions/call/triggerPlan.ts. */
export interface TriggerPlan {
	target: Target;
	body: IDataObject;
	e164: string;
	draft: boolean;
	waiting: boolean;
	/** Skip If Called Within, in hours; 0 when off. */
	skipHours: number;
	/** Options → Calling Hours, and the number as its rules need it. */
	callingHours: CallingHoursRule;
	recipient: CalledNumber;
	options: TriggerOptions;
}
