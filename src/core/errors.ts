/**
 * An error meant for the user: one paragraph that says what went wrong and where, never a stack
 * trace. Everything the CLI and the plugin show to people is a UserError; anything else is a bug.
 */
export class UserError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "UserError";
	}
}

/** The message of any thrown value, as one line. */
export function messageOf(err: unknown): string {
	if (err instanceof Error) return err.message;
	return String(err);
}
