/**
 * A JSON parser that fails the way Python's `json.loads` (CPython 3.12, C scanner) fails,
 * so a bad body yields the same `json_invalid` item FastAPI sends: the error position and
 * message (`ctx.error`) come from Python, not from V8. It also accepts Python's extras
 * (NaN, Infinity, -Infinity).
 */

export type PythonJsonResult =
	| { ok: true; value: unknown }
	| { ok: false; message: string; position: number }
	/** Not a decode error in Python either (e.g. RecursionError on absurd nesting). */
	| { ok: false; message?: undefined; position?: undefined };

class PythonJsonError extends Error {
	constructor(
		message: string,
		readonly position: number,
	) {
		super(message);
	}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;
const SIMPLE_ESCAPES: Record<string, string> = {
	'"': '"',
	'\\': '\\',
	'/': '/',
	b: '\b',
	f: '\f',
	n: '\n',
	r: '\r',
	t: '\t',
};
const LITERALS: Array<[string, unknown]> = [
	['null', null],
	['true', true],
	['false', false],
	['NaN', NaN],
	['Infinity', Infinity],
	['-Infinity', -Infinity],
];

class Parser {
	private pos = 0;

	constructor(private readonly text: string) {}

	parseDocument(): unknown {
		this.skipWhitespace();
		const value = this.parseValue();
		this.skipWhitespace();
		if (this.pos !== this.text.length) throw new PythonJsonError('Extra data', this.pos);
		return value;
	}

	private skipWhitespace(): void {
		while (this.pos < this.text.length && WHITESPACE.has(this.text[this.pos])) this.pos++;
	}

	private parseValue(): unknown {
		const char = this.text[this.pos];
		if (char === '"') return this.parseString();
		if (char === '{') return this.parseObject();
		if (char === '[') return this.parseArray();
		for (const [literal, value] of LITERALS) {
			if (this.text.startsWith(literal, this.pos)) {
				this.pos += literal.length;
				return value;
			}
		}
		NUMBER.lastIndex = this.pos;
		const match = NUMBER.exec(this.text);
		if (!match) throw new PythonJsonError('Expecting value', this.pos);
		this.pos += match[0].length;
		return Number(match[0]);
	}

	private parseObject(): Record<string, unknown> {
		const result: Record<string, unknown> = {};
		this.pos++;
		this.skipWhitespace();
		if (this.text[this.pos] === '}') {
			this.pos++;
			return result;
		}
		for (;;) {
			if (this.text[this.pos] !== '"') {
				throw new PythonJsonError('Expecting property name enclosed in double quotes', this.pos);
			}
			const key = this.parseString();
			this.skipWhitespace();
			if (this.text[this.pos] !== ':')
				throw new PythonJsonError("Expecting ':' delimiter", this.pos);
			this.pos++;
			this.skipWhitespace();
			result[key] = this.parseValue();
			this.skipWhitespace();
			const next = this.text[this.pos];
			this.pos++;
			if (next === '}') return result;
			if (next !== ',') throw new PythonJsonError("Expecting ',' delimiter", this.pos - 1);
			this.skipWhitespace();
		}
	}

	private parseArray(): unknown[] {
		const result: unknown[] = [];
		this.pos++;
		this.skipWhitespace();
		if (this.text[this.pos] === ']') {
			this.pos++;
			return result;
		}
		for (;;) {
			result.push(this.parseValue());
			this.skipWhitespace();
			const next = this.text[this.pos];
			this.pos++;
			if (next === ']') return result;
			if (next !== ',') throw new PythonJsonError("Expecting ',' delimiter", this.pos - 1);
			this.skipWhitespace();
		}
	}

	private parseString(): string {
		const start = this.pos;
		this.pos++;
		let result = '';
		while (this.pos < this.text.length) {
			const char = this.text[this.pos];
			if (char === '"') {
				this.pos++;
				return result;
			}
			if (char === '\\') {
				result += this.parseEscape(start);
				continue;
			}
			if (char.charCodeAt(0) < 0x20) {
				throw new PythonJsonError('Invalid control character at', this.pos);
			}
			result += char;
			this.pos++;
		}
		throw new PythonJsonError('Unterminated string starting at', start);
	}

	private parseEscape(stringStart: number): string {
		const escape = this.text[this.pos + 1];
		if (escape === undefined)
			throw new PythonJsonError('Unterminated string starting at', stringStart);
		if (escape in SIMPLE_ESCAPES) {
			this.pos += 2;
			return SIMPLE_ESCAPES[escape];
		}
		if (escape !== 'u') throw new PythonJsonError('Invalid \\escape', this.pos);
		const hex = this.text.slice(this.pos + 2, this.pos + 6);
		if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
			throw new PythonJsonError('Invalid \\uXXXX escape', this.pos + 1);
		}
		this.pos += 6;
		return String.fromCharCode(parseInt(hex, 16));
	}
}

export function parsePythonJson(text: string): PythonJsonResult {
	try {
		return { ok: true, value: new Parser(text).parseDocument() };
	} catch (error) {
		if (error instanceof PythonJsonError) {
			return { ok: false, message: error.message, position: error.position };
		}
		return { ok: false };
	}
}

export interface PythonDumpsOptions {
	/** `json.dumps` defaults: `", "` and `": "`; httpx's `json=` body uses `","` and `":"`. */
	compact?: boolean;
	/** `json.dumps` default `True`: every non-ASCII character becomes `\uXXXX`. */
	ensureAscii?: boolean;
}

/**
 * Python's `json.dumps` (CPython 3.12): `", "` / `": "` separators and `ensure_ascii=True` by
 * default. JavaScript cannot tell `1.0` from `1`, so integral numbers print as ints.
 */
export function pythonJsonDumps(value: unknown, options: PythonDumpsOptions = {}): string {
	const itemSeparator = options.compact ? ',' : ', ';
	const keySeparator = options.compact ? ':' : ': ';
	const ensureAscii = options.ensureAscii ?? true;
	const encode = (item: unknown): string => {
		if (item === null || item === undefined) return 'null';
		if (item === true) return 'true';
		if (item === false) return 'false';
		if (typeof item === 'number') return pythonFloatRepr(item);
		if (typeof item === 'string') return pythonJsonString(item, ensureAscii);
		if (Array.isArray(item)) return `[${item.map(encode).join(itemSeparator)}]`;
		if (typeof item === 'object') {
			const entries = Object.entries(item as Record<string, unknown>).map(
				([key, nested]) => `${pythonJsonString(key, ensureAscii)}${keySeparator}${encode(nested)}`,
			);
			return `{${entries.join(itemSeparator)}}`;
		}
		return pythonJsonString(String(item), ensureAscii);
	};
	return encode(value);
}

const JSON_ESCAPES: Record<string, string> = {
	'"': '\\"',
	'\\': '\\\\',
	'\n': '\\n',
	'\r': '\\r',
	'\t': '\\t',
	'\b': '\\b',
	'\f': '\\f',
};

function pythonJsonString(text: string, ensureAscii: boolean): string {
	let result = '"';
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		const code = text.charCodeAt(index);
		if (char in JSON_ESCAPES) result += JSON_ESCAPES[char];
		else if (code < 0x20 || (ensureAscii && code > 0x7e)) {
			// ensure_ascii escapes DEL and everything above; UTF-16 units give Python's surrogate pairs.
			result += `\\u${code.toString(16).padStart(4, '0')}`;
		} else result += char;
	}
	return `${result}"`;
}

/** `repr(float)` / `str(int)`: scientific below 1e-4 and from 1e16, exponent with a sign and two digits. */
export function pythonFloatRepr(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return 'Infinity';
	if (value === -Infinity) return '-Infinity';
	if (Number.isInteger(value)) return BigInt(value).toString();
	const [mantissa, exponentText] = value.toExponential().split('e');
	const exponent = Number(exponentText);
	if (exponent < -4 || exponent >= 16) {
		const sign = exponent < 0 ? '-' : '+';
		return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
	}
	return String(value);
}

/** Python's `str(value)` for what a JSON document can hold. */
export function pythonStr(value: unknown): string {
	if (value === null || value === undefined) return 'None';
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (typeof value === 'number') return pythonFloatRepr(value);
	if (typeof value === 'string') return value;
	return pythonJsonDumps(value);
}
