/**
 * What the matrix view and the `attack-matrix` code blocks show, kept on the page: each release's
 * data (MatrixData, worked out once in the engine: no release is parsed here) and each note's state
 * (NoteState, by path). A note that changes (metadataCache `changed`, a rename, a delete) has only
 * its own state worked out again, from the text Obsidian hands over, after a short pause that
 * gathers a burst of changes into one update; the matrix is then combined again (cheap: no note
 * is read, no release parsed) and every view and block redrawn.
 */
import { readNote } from "../core/notes/read";
import { combineMatrix, noteStateOf, type Matrix, type MatrixData, type MatrixOptions, type MatrixOverlay, type NoteState } from "../core/matrix";
import { messageOf } from "../core/errors";

/** How long a burst of changes is gathered before the matrix is redrawn (typing in a note's frontmatter). */
export const MATRIX_DEBOUNCE_MS = 300;

export interface MatrixSource {
	/** Each cached release's data and every note's state (the engine's `matrix` request); null when no release is cached. */
	load(studyBy: string | null): Promise<{ data: MatrixData[]; notes: NoteState[] } | null>;
	/** A note's text, for a renamed note (its name can say what it is about). */
	read(path: string): Promise<string | null>;
	studyBy(): string | null;
}

export type MatrixStatus = { kind: "loading" } | { kind: "no-data" } | { kind: "error"; message: string } | { kind: "ready" };

export class MatrixStore {
	private data: MatrixData[] = [];
	private readonly notes = new Map<string, NoteState>();
	private loaded = false;
	private loading: Promise<void> | null = null;
	private failure: string | null = null;
	private noData = false;
	private readonly listeners = new Set<() => void>();
	/** Changed notes waiting for the next update: their text, null when deleted, undefined to be read. */
	private readonly pending = new Map<string, string | null | undefined>();
	private timer: number | null = null;
	/** Bumped by `reset`: a load that started before is dropped. */
	private generation = 0;
	overlay: MatrixOverlay | null = null;
	/** Why the overlay in the settings could not be shown, if it could not. */
	overlayProblem: string | null = null;

	constructor(private readonly source: MatrixSource) {}

	status(): MatrixStatus {
		if (this.failure !== null) return { kind: "error", message: this.failure };
		if (this.noData) return { kind: "no-data" };
		return this.loaded ? { kind: "ready" } : { kind: "loading" };
	}

	/** The domains there is data for, in the settings' order. */
	domains(): string[] {
		return this.data.map((d) => d.domain);
	}

	/** Loads on first use (and after `reset`); resolves when the data is there or known absent. */
	ensure(): Promise<void> {
		if (this.loaded || this.noData || this.failure !== null) return Promise.resolve();
		return (this.loading ??= this.load());
	}

	private async load(): Promise<void> {
		const generation = this.generation;
		try {
			const result = await this.source.load(this.source.studyBy());
			if (generation !== this.generation) return;
			if (result === null) this.noData = true;
			else {
				this.data = result.data;
				this.notes.clear();
				for (const n of result.notes) this.notes.set(n.path, n);
				this.loaded = true;
			}
		} catch (err) {
			if (generation !== this.generation) return;
			this.failure = messageOf(err);
		} finally {
			if (generation === this.generation) this.loading = null;
		}
		// Changes that came while loading were read into the snapshot or are still pending.
		if (this.pending.size > 0) this.schedule();
		this.notify();
	}

	/** Forget everything (a new release, other domains, another study setting): read again when next shown. */
	reset(): void {
		this.generation++;
		this.loading = null;
		this.loaded = false;
		this.noData = false;
		this.failure = null;
		this.data = [];
		this.notes.clear();
		this.pending.clear();
		this.notify();
	}

	matrix(domain: string, opts: MatrixOptions = {}): Matrix | null {
		const data = this.data.find((d) => d.domain === domain);
		return data ? combineMatrix(data, this.notes.values(), { ...opts, studyBy: this.source.studyBy() }) : null;
	}

	/** Whether a view or code block shows the matrix now. */
	watched(): boolean {
		return this.listeners.size > 0;
	}

	/** The plugin is unloaded: no pending update runs. */
	dispose(): void {
		if (this.timer !== null) window.clearTimeout(this.timer);
		this.timer = null;
		this.generation++;
		this.listeners.clear();
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	notify(): void {
		for (const l of [...this.listeners]) l();
	}

	/** metadataCache `changed`: the note's text as Obsidian just indexed it. */
	noteChanged(path: string, text: string): void {
		this.queue(path, text);
	}

	renamed(path: string, oldPath: string): void {
		this.queue(oldPath, null);
		this.queue(path, undefined);
	}

	deleted(path: string): void {
		this.queue(path, null);
	}

	/** A note the plugin itself just wrote (a modifier-click created it): shown at once. */
	noteWritten(path: string, text: string): void {
		this.apply(path, text);
		this.notify();
	}

	private queue(path: string, text: string | null | undefined): void {
		if (!/\.md$/i.test(path) && text !== null) return;
		if (!this.loaded && this.loading === null) return;
		this.pending.set(path, text);
		this.schedule();
	}

	private schedule(): void {
		if (this.timer !== null) window.clearTimeout(this.timer);
		this.timer = window.setTimeout(() => {
			this.timer = null;
			void this.flush();
		}, MATRIX_DEBOUNCE_MS);
	}

	/**
	 * Each changed note's state again, in slices of at most ~10 ms with a pause between them: a sync
	 * that just wrote 700 notes must not hold the window while they are read.
	 */
	private async flush(): Promise<void> {
		if (!this.loaded) return;
		const generation = this.generation;
		const batch = [...this.pending];
		this.pending.clear();
		let slice = performance.now();
		for (const [path, text] of batch) {
			if (performance.now() - slice > 10) {
				await new Promise((resolve) => window.setTimeout(resolve, 0));
				if (generation !== this.generation) return;
				slice = performance.now();
			}
			const current = text === undefined ? await this.source.read(path).catch(() => null) : text;
			if (generation !== this.generation) return;
			this.apply(path, current);
		}
		// The drawing that follows runs in a task of its own.
		await new Promise((resolve) => window.setTimeout(resolve, 0));
		if (generation === this.generation) this.notify();
	}

	private apply(path: string, text: string | null): void {
		if (text === null) {
			this.notes.delete(path);
			return;
		}
		const read = readNote(path, new TextEncoder().encode(text));
		const state = read.ok ? noteStateOf(read.note, this.source.studyBy()) : null;
		if (state) this.notes.set(path, state);
		else this.notes.delete(path);
	}
}
