// What a downloaded recording really is. A public link can answer 200 with an error page, an
// empty body, or audio under a wrong content-type; the bytes decide, the header only breaks ties.

const SIGNATURES: Array<{ mimeType: string; matches: (data: Buffer) => boolean }> = [
	{
		mimeType: 'audio/wav',
		matches: (data) =>
			data.subarray(0, 4).toString('latin1') === 'RIFF' &&
			data.subarray(8, 12).toString('latin1') === 'WAVE',
	},
	{ mimeType: 'audio/mpeg', matches: (data) => data.subarray(0, 3).toString('latin1') === 'ID3' },
	// An MPEG audio frame without an ID3 tag: 11 set sync bits.
	{ mimeType: 'audio/mpeg', matches: (data) => data[0] === 0xff && (data[1] & 0xe0) === 0xe0 },
	{ mimeType: 'audio/ogg', matches: (data) => data.subarray(0, 4).toString('latin1') === 'OggS' },
	{ mimeType: 'audio/flac', matches: (data) => data.subarray(0, 4).toString('latin1') === 'fLaC' },
	{
		mimeType: 'audio/webm',
		matches: (data) => data.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])),
	},
	{ mimeType: 'audio/mp4', matches: (data) => data.subarray(4, 8).toString('latin1') === 'ftyp' },
];

// Markup or JSON at the start (after a byte-order mark and white space): a page, not audio.
const TEXT_START = /^(\ufeff)?\s*(<|\{|\[)/;
const TEXT_TYPES = /^(text\/|application\/(json|xml|xhtml\+xml|problem\+json)$)/i;

/** Printable UTF-8 only: audio without a known signature still has control bytes early on. */
function isText(head: Buffer): boolean {
	if (head.toString('utf8').includes('\ufffd')) return false;
	return !head.some((byte) => byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte === 0x7f);
}

export type AudioFile = { mimeType: string } | { problem: string };

/** The recording's type from its first bytes, or why these bytes are not a recording. */
export function audioFileOf(data: Buffer, declaredType: string | undefined): AudioFile {
	if (data.length === 0) return { problem: 'the file is empty' };
	const signature = SIGNATURES.find((candidate) => candidate.matches(data));
	if (signature) return { mimeType: signature.mimeType };
	const declared = declaredType?.split(';')[0].trim().toLowerCase();
	const start = data.subarray(0, 64).toString('utf8');
	if (
		(declared && TEXT_TYPES.test(declared)) ||
		TEXT_START.test(start) ||
		isText(data.subarray(0, 64))
	) {
		return {
			problem: `the link answered with ${declared ?? 'a page'} instead of audio: ${JSON.stringify(start.replace(/\s+/g, ' ').trim().slice(0, 40))}`,
		};
	}
	return { mimeType: declared?.startsWith('audio/') ? declared : 'application/octet-stream' };
}
