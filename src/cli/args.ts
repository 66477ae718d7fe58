/** A small, strict argument parser: `--name value`, `--name=value` and `--flag`. */
import { suggestion } from "./help";

export class UsageError extends Error {}

export interface Parsed {
	value(name: string, required: true): string;
	value(name: string, required?: false): string | undefined;
	/** Every value of an option given more than once, in order. */
	all(name: string): string[];
	flag(name: string): boolean;
}

export function parseArgs(argv: string[], options: string[], flags: string[]): Parsed {
	const values = new Map<string, string[]>();
	const set = new Set<string>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		// `vault DIR` or `-vault DIR` for `--vault DIR`: the option meant is named.
		if (!arg.startsWith("--")) throw new UsageError(`unexpected argument "${arg}"${suggestion(`--${arg.replace(/^-+/, "")}`, [...options, ...flags].map((o) => `--${o}`))}`);
		const eq = arg.indexOf("=");
		const name = arg.slice(2, eq < 0 ? undefined : eq);
		if (flags.includes(name) && eq < 0) {
			set.add(name);
		} else if (options.includes(name)) {
			const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
			if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
			values.set(name, [...(values.get(name) ?? []), value]);
		} else {
			throw new UsageError(`unknown option "--${name}"${suggestion(`--${name}`, [...options, ...flags].map((o) => `--${o}`))}`);
		}
	}
	function value(name: string, required: true): string;
	function value(name: string, required?: false): string | undefined;
	function value(name: string, required?: boolean): string | undefined {
		const v = values.get(name);
		if (v === undefined && required === true) throw new UsageError(`--${name} is required`);
		return v?.[v.length - 1];
	}
	return { value, all: (name: string) => values.get(name) ?? [], flag: (name: string) => set.has(name) };
}
