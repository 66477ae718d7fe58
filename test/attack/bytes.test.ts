// Bytes to bundle text: strict UTF-8 (a Latin-1 file is refused, naming the first bad byte) and
// the size cap.
import { describe, expect, it } from "vitest";
import { MAX_BUNDLE_BYTES, checkBundleSize, decodeUtf8 } from "../../src/core/attack/bytes";
import { UserError } from "../../src/core/errors";
import { ENTERPRISE_TEXT, latin1Bundle } from "../helpers/bad-bundles";

describe("decodeUtf8", () => {
	it("decodes UTF-8, dropping a byte order mark", () => {
		const bytes = new TextEncoder().encode(ENTERPRISE_TEXT);
		expect(decodeUtf8(bytes, "e.json")).toBe(ENTERPRISE_TEXT);
		expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), "bom.json")).toBe("{}");
	});

	it("refuses Latin-1 in one sentence naming the file and the first bad byte", () => {
		const bytes = latin1Bundle();
		const first = bytes.findIndex((b) => b >= 0x80);
		expect(() => decodeUtf8(bytes, "latin1.json")).toThrow(UserError);
		expect(() => decodeUtf8(bytes, "latin1.json")).toThrow(
			`latin1.json: not UTF-8 text (byte ${(first + 1).toLocaleString("en-US")} is not valid UTF-8); an ATT&CK bundle is UTF-8 JSON, so this file is in another encoding or damaged.`,
		);
	});

	it("finds the first bad byte of each kind: lone continuation, overlong, surrogate, cut off", () => {
		const cases: Array<[number[], number]> = [
			[[0x41, 0x80], 2],
			[[0x41, 0xc0, 0xaf], 2],
			[[0xe0, 0x80, 0xaf], 1],
			[[0x41, 0xed, 0xa0, 0x80], 2],
			[[0xc3, 0xa9, 0xf4, 0x90, 0x80, 0x80], 3],
			[[0xc3, 0xa9, 0xe2, 0x82], 3],
			[[0xff], 1],
		];
		for (const [bytes, at] of cases) expect(() => decodeUtf8(new Uint8Array(bytes), "x"), bytes.join(" ")).toThrow(`(byte ${at} is not valid UTF-8)`);
	});
});

describe("checkBundleSize", () => {
	it("accepts up to the cap and refuses more, in one sentence", () => {
		expect(MAX_BUNDLE_BYTES).toBe(300 * 1024 * 1024);
		expect(() => checkBundleSize(MAX_BUNDLE_BYTES, "e.json")).not.toThrow();
		expect(() => checkBundleSize(2 * 1024 ** 3, "big.json")).toThrow(
			"big.json: it is 2,048 MB, larger than the 300 MB an ATT&CK bundle can be (Enterprise is about 45 MB); it was not read.",
		);
		expect(() => checkBundleSize(3_000_000, "small-cap.json", 1024 * 1024)).toThrow("small-cap.json: it is 2.9 MB, larger than the 1.0 MB");
	});
});
