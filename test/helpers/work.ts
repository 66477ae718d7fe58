/**
 * Counting work instead of timing it: how many characters the string searches of `fn` pass over
 * (indexOf, lastIndexOf and includes; a search that finds nothing counts what it read). Code
 * that finds things only through these searches is linear when the count is, whatever the
 * machine's load.
 */
import { vi } from "vitest";

export function searchWork(fn: () => void): number {
	let work = 0;
	const proto = String.prototype;
	// The originals, called with the string as `this`.
	type Search = (this: string, s: string, from?: number) => number;
	const original = (name: string) => Object.getOwnPropertyDescriptor(proto, name)?.value as Search;
	const indexOf = original("indexOf");
	const lastIndexOf = original("lastIndexOf");
	const spies = [
		vi.spyOn(proto, "indexOf").mockImplementation(function (this: string, s: string, from?: number) {
			const start = Math.max(0, Math.min(from ?? 0, this.length));
			const at = indexOf.call(this, s, start);
			work += (at < 0 ? this.length : at + s.length) - start;
			return at;
		}),
		vi.spyOn(proto, "lastIndexOf").mockImplementation(function (this: string, s: string, from?: number) {
			const start = Math.max(0, Math.min(from ?? this.length, this.length));
			const at = lastIndexOf.call(this, s, start);
			work += start + s.length - (at < 0 ? 0 : at);
			return at;
		}),
		vi.spyOn(proto, "includes").mockImplementation(function (this: string, s: string, from?: number) {
			const start = Math.max(0, Math.min(from ?? 0, this.length));
			const at = indexOf.call(this, s, start);
			work += (at < 0 ? this.length : at + s.length) - start;
			return at >= 0;
		}),
	];
	try {
		fn();
	} finally {
		for (const s of spies) s.mockRestore();
	}
	return work;
}

/** An array whose element reads are counted (a proxy), to show a loop over it stays linear. */
export function countedArray<T>(items: readonly T[]): { array: T[]; reads: () => number } {
	let reads = 0;
	const array = new Proxy([...items], {
		get(target, key, receiver) {
			if (typeof key === "string" && /^\d+$/.test(key)) reads++;
			return Reflect.get(target, key, receiver) as unknown;
		},
	});
	return { array, reads: () => reads };
}
