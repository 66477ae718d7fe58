/**
 * One file of the vault, read for what the plugin needs: its text exactly as stored (BOM and
 * line endings kept), frontmatter, body structure and the ATT&CK IDs it is about. A file that
 * cannot be read safely (empty, binary, malformed YAML, JavaScript frontmatter) comes back as
 * skipped with a reason, and nothing ever writes to it.
 */
import { readFrontmatter, type Frontmatter } from "./frontmatter";
import { readStructure, type NoteStructure } from "./markdown";
import { readOutline, type Outline } from "./outline";
import { recognizeNote, recognizeSigma, type Recognized } from "./recognize";

export interface Note {
	path: string;
	text: string;
	frontmatter: Frontmatter | null;
	/** Headings and breaks, from a fast line scan; null for Sigma rules (YAML files). */
	outline: Outline | null;
	/** remark's full structure (list items, table rows, code), parsed on first use; null for Sigma rules and for the frames sync builds for new notes. */
	readonly structure: NoteStructure | null;
	recognized: Recognized;
}

export interface Skipped {
	path: string;
	reason: string;
}

export type ReadResult = { ok: true; note: Note } | { ok: false; skipped: Skipped };

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Files the plugin reads: Markdown notes and Sigma rules. */
export function isReadable(path: string): boolean {
	return /\.(md|ya?ml)$/i.test(path);
}

/** The bytes as text, or why they are not text. */
export function decodeText(bytes: Uint8Array): { text: string } | { reason: string } {
	if (bytes.length === 0) return { reason: "empty file" };
	if (bytes.subarray(0, 8192).includes(0)) return { reason: "binary file (it holds NUL bytes), not a text note" };
	try {
		return { text: decoder.decode(bytes) };
	} catch {
		return { reason: "not UTF-8 text (a binary file?)" };
	}
}

export function readNote(path: string, bytes: Uint8Array): ReadResult {
	const skip = (reason: string): ReadResult => ({ ok: false, skipped: { path, reason } });
	const decoded = decodeText(bytes);
	if ("reason" in decoded) return skip(decoded.reason);
	const { text } = decoded;
	if (text.trim() === "") return skip("empty file");
	if (!/\.md$/i.test(path)) {
		const sigma = recognizeSigma(path, text);
		if ("error" in sigma) return skip(sigma.error);
		return { ok: true, note: { path, text, frontmatter: null, outline: null, structure: null, recognized: sigma } };
	}
	const fm = readFrontmatter(text);
	if (!fm.ok) return skip(fm.error);
	const bodyStart = fm.frontmatter?.bodyStart ?? 0;
	const outline = readOutline(text, bodyStart);
	const recognized = recognizeNote(path, text, fm.frontmatter, outline);
	let structure: NoteStructure | undefined;
	const note: Note = {
		path,
		text,
		frontmatter: fm.frontmatter,
		outline,
		get structure() {
			return (structure ??= readStructure(text, bodyStart));
		},
		recognized,
	};
	return { ok: true, note };
}
