/**
 * Values that try to leave the one path segment an identifier (workflow UUID, trigger path, run
 * ID) becomes: traversal, separators, encodings, look-alikes, invisibles. Every check of
 * nodes/shared/helpers/identifiers.ts must refuse each one (test/unit/identifiers.test.ts); the
 * fuzz draws from them too (test/reliability/fuzzModel.ts).
 */
export const IDENTIFIER_ATTACKS = [
	'../workflow/1',
	'..',
	'.',
	'%2e%2e/',
	'%2e%2e%2fworkflow',
	'x?y=1',
	'a/b',
	'a#b',
	'a%2Fb',
	'a\\b',
	'a b',
	' a b ',
	'\t',
	'\n',
	'ａｂｃ',
	'abc\u200b',
	'\u200b',
	'abc\u202e',
	'1 OR 1=1',
	'workflow/../../admin',
	'//evil.example/x',
	'http://evil.example',
	'%00',
	'a\u0000b',
	'😀',
	'é',
	'İ',
	'\uff0e\uff0e\uff0f',
	'test/workflow/x',
];
