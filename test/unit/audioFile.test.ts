import { audioFileOf } from '../../nodes/shared/helpers/audioFile';

const wav = Buffer.concat([
	Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'),
	Buffer.alloc(32, 2),
]);
const mp3 = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00]);

describe('audioFileOf: what a downloaded recording really is', () => {
	it('types audio by its bytes, whatever the header says', () => {
		expect(audioFileOf(wav, 'text/plain')).toEqual({ mimeType: 'audio/wav' });
		expect(audioFileOf(mp3, 'audio/wav')).toEqual({ mimeType: 'audio/mpeg' });
		expect(audioFileOf(Buffer.from('OggS\x00\x02', 'latin1'), undefined)).toEqual({
			mimeType: 'audio/ogg',
		});
	});

	it('keeps unknown binary audio under its declared audio type', () => {
		expect(audioFileOf(Buffer.from([0, 1, 2, 3, 250, 251]), 'audio/x-custom; rate=8000')).toEqual({
			mimeType: 'audio/x-custom',
		});
	});

	it('refuses empty files, pages and text, naming what came', () => {
		expect(audioFileOf(Buffer.alloc(0), 'audio/wav')).toEqual({ problem: 'the file is empty' });
		expect(audioFileOf(Buffer.from('<html><body>Error</body></html>'), 'audio/wav')).toEqual({
			problem:
				'the link answered with audio/wav instead of audio: "<html><body>Error</body></html>"',
		});
		expect(audioFileOf(Buffer.from('{"detail":"Not found"}'), 'application/json')).toEqual({
			problem:
				'the link answered with application/json instead of audio: "{\\"detail\\":\\"Not found\\"}"',
		});
		expect(audioFileOf(Buffer.from('Service unavailable'), undefined)).toMatchObject({
			problem: expect.stringContaining('"Service unavailable"'),
		});
	});
});
