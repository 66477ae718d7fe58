/**
 * The rows of the table under a heading (`### heading` unless another level is given) in a note's
 * text, header and delimiter left out.
 */
export function rowsUnder(text: string, heading: string, level = 3): string[] {
	const at = text.indexOf(`\n${"#".repeat(level)} ${heading}\n`);
	if (at < 0) return [];
	const rows: string[] = [];
	for (const line of text.slice(at).split("\n").slice(2)) {
		if (line.startsWith("|")) rows.push(line);
		else if (rows.length > 0) break;
	}
	return rows.slice(2);
}
