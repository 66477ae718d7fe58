import { describe, it, expect } from "vitest";
import type { StixObject } from "../../src/core/attack/stix";
import { FootnoteSet, footnoteLabel, ourFootnoteName, renderAttackText, type TextContext } from "../../src/core/sync/attack-text";

/** T1110.003 Password Spraying as ATT&CK 18.1 ships it (description and references verbatim). */
const PASSWORD_SPRAYING: StixObject = {
	type: "attack-pattern",
	id: "attack-pattern--692074ae-bb62-4a5e-a735-02cb6bde458c",
	name: "Password Spraying",
	description:
		"Adversaries may use a single or small list of commonly used passwords against many different accounts to attempt to acquire valid account credentials. Password spraying uses one password (e.g. 'Password01'), or a small list of commonly used passwords, that may match the complexity policy of the domain. Logins are attempted with that password against many different accounts on a network to avoid account lockouts that would normally occur when brute forcing a single account with many passwords. (Citation: BlackHillsInfosec Password Spraying)\n\nTypically, management services over commonly used ports are used when password spraying. Commonly targeted services include the following:\n\n* SSH (22/TCP)\n* Telnet (23/TCP)\n* FTP (21/TCP)\n* NetBIOS / SMB / Samba (139/TCP & 445/TCP)\n* LDAP (389/TCP)\n* Kerberos (88/TCP)\n* RDP / Terminal Services (3389/TCP)\n* HTTP/HTTP Management Services (80/TCP & 443/TCP)\n* MSSQL (1433/TCP)\n* Oracle (1521/TCP)\n* MySQL (3306/TCP)\n* VNC (5900/TCP)\n\nIn addition to management services, adversaries may \"target single sign-on (SSO) and cloud-based applications utilizing federated authentication protocols,\" as well as externally facing email applications, such as Office 365.(Citation: US-CERT TA18-068A 2018)\n\nIn order to avoid detection thresholds, adversaries may deliberately throttle password spraying attempts to avoid triggering security alerting. Additionally, adversaries may leverage LDAP and Kerberos authentication attempts, which are less likely to trigger high-visibility events such as Windows \"logon failure\" event ID 4625 that is commonly triggered by failed SMB connection attempts.(Citation: Microsoft Storm-0940)  ",
	external_references: [
		{ source_name: "mitre-attack", url: "https://attack.mitre.org/techniques/T1110/003", external_id: "T1110.003" },
		{
			source_name: "Trimarc Detecting Password Spraying",
			description: "Metcalf, S. (2018, May 6). Trimarc Research: Detecting Password Spraying with Security Event Auditing. Retrieved January 16, 2019.",
			url: "https://www.trimarcsecurity.com/single-post/2018/05/06/Trimarc-Research-Detecting-Password-Spraying-with-Security-Event-Auditing",
		},
		{
			source_name: "Microsoft Storm-0940",
			description: "Microsoft Threat Intelligence. (2024, October 31). Chinese threat actor Storm-0940 uses credentials from password spray attacks from a covert network. Retrieved June 4, 2025.",
			url: "https://www.microsoft.com/en-us/security/blog/2024/10/31/chinese-threat-actor-storm-0940-uses-credentials-from-password-spray-attacks-from-a-covert-network/",
		},
		{
			source_name: "BlackHillsInfosec Password Spraying",
			description: "Thyer, J. (2015, October 30). Password Spraying & Other Fun with RPCCLIENT. Retrieved April 25, 2017.",
			url: "http://www.blackhillsinfosec.com/?p=4645",
		},
		{
			source_name: "US-CERT TA18-068A 2018",
			description: "US-CERT. (2018, March 27). TA18-068A Brute Force Attacks Conducted by Cyber Actors. Retrieved October 2, 2019.",
			url: "https://www.us-cert.gov/ncas/alerts/TA18-086A",
		},
	],
};

/** T1110 Brute Force (ATT&CK 18.1): links to T1078 and other techniques, citations, a trailing space before `\n\n`. */
const BRUTE_FORCE: StixObject = {
	type: "attack-pattern",
	id: "attack-pattern--a93494bb-4b80-4ea1-8695-3236a49916fd",
	name: "Brute Force",
	description:
		"Adversaries may use brute force techniques to gain access to accounts when passwords are unknown or when password hashes are obtained.(Citation: TrendMicro Pawn Storm Dec 2020) Without knowledge of the password for an account or set of accounts, an adversary may systematically guess the password using a repetitive or iterative mechanism.(Citation: Dragos Crashoverride 2018) Brute forcing passwords can take place via interaction with a service that will check the validity of those credentials or offline against previously acquired credential data, such as password hashes.\n\nBrute forcing credentials may take place at various points during a breach. For example, adversaries may attempt to brute force access to [Valid Accounts](https://attack.mitre.org/techniques/T1078) within a victim environment leveraging knowledge gathered from other post-compromise behaviors such as [OS Credential Dumping](https://attack.mitre.org/techniques/T1003), [Account Discovery](https://attack.mitre.org/techniques/T1087), or [Password Policy Discovery](https://attack.mitre.org/techniques/T1201). Adversaries may also combine brute forcing activity with behaviors such as [External Remote Services](https://attack.mitre.org/techniques/T1133) as part of Initial Access. \n\nIf an adversary guesses the correct password but fails to login to a compromised account due to location-based conditional access policies, they may change their infrastructure until they match the victim\u2019s location and therefore bypass those policies.(Citation: ReliaQuest Health Care Social Engineering Campaign 2024)",
	external_references: [
		{ source_name: "mitre-attack", url: "https://attack.mitre.org/techniques/T1110", external_id: "T1110" },
		{
			source_name: "TrendMicro Pawn Storm Dec 2020",
			description: "Hacquebord, F., Remorin, L. (2020, December 17). Pawn Storm\u2019s Lack of Sophistication as a Strategy. Retrieved January 13, 2021.",
			url: "https://www.trendmicro.com/en_us/research/20/l/pawn-storm-lack-of-sophistication-as-a-strategy.html",
		},
		{
			source_name: "ReliaQuest Health Care Social Engineering Campaign 2024",
			description: "Hayden Evans. (2024, April 4). Health Care Social Engineering Campaign. Retrieved May 22, 2025.",
			url: "https://www.reliaquest.com/blog/health-care-social-engineering-campaign/",
		},
		{
			source_name: "Dragos Crashoverride 2018",
			description: "Joe Slowik. (2018, October 12). Anatomy of an Attack: Detecting and Defeating CRASHOVERRIDE. Retrieved December 18, 2020.",
			url: "https://www.dragos.com/wp-content/uploads/CRASHOVERRIDE2018.pdf",
		},
	],
};

/** A vault with notes for T1078 and T1003 only. */
const NOTES: Readonly<Record<string, string>> = { T1078: "Techniques/Valid Accounts", T1003: "Techniques/OS Credential Dumping" };
const vault: TextContext = { link: (id, text) => (id in NOTES ? `[[${NOTES[id]}|${text}]]` : null) };

function object(description: string, refs: ReadonlyArray<{ source_name: string; description?: string; url?: string }> = []): StixObject {
	return { type: "attack-pattern", id: "attack-pattern--x", description, external_references: refs };
}

/** Render `text` against `o` with a fresh footnote set. */
function render(text: string, o: StixObject = object(text), ctx: TextContext = vault): { out: string; notes: FootnoteSet } {
	const notes = new FootnoteSet();
	const out = renderAttackText(text, o, ctx, notes);
	expect(out).not.toContain("(Citation:");
	return { out, notes };
}

const SPRAYING_LIST = [
	"* SSH (22/TCP)",
	"* Telnet (23/TCP)",
	"* FTP (21/TCP)",
	"* NetBIOS / SMB / Samba (139/TCP & 445/TCP)",
	"* LDAP (389/TCP)",
	"* Kerberos (88/TCP)",
	"* RDP / Terminal Services (3389/TCP)",
	"* HTTP/HTTP Management Services (80/TCP & 443/TCP)",
	"* MSSQL (1433/TCP)",
	"* Oracle (1521/TCP)",
	"* MySQL (3306/TCP)",
	"* VNC (5900/TCP)",
];
const SPRAYING_PARAGRAPHS = [
	"Adversaries may use a single or small list of commonly used passwords against many different accounts to attempt to acquire valid account credentials. Password spraying uses one password (e.g. 'Password01'), or a small list of commonly used passwords, that may match the complexity policy of the domain. Logins are attempted with that password against many different accounts on a network to avoid account lockouts that would normally occur when brute forcing a single account with many passwords.[^blackhillsinfosec-password-spraying]",
	"Typically, management services over commonly used ports are used when password spraying. Commonly targeted services include the following:",
	SPRAYING_LIST.join("\n"),
	'In addition to management services, adversaries may "target single sign-on (SSO) and cloud-based applications utilizing federated authentication protocols," as well as externally facing email applications, such as Office 365.[^us-cert-ta18-068a-2018]',
	'In order to avoid detection thresholds, adversaries may deliberately throttle password spraying attempts to avoid triggering security alerting. Additionally, adversaries may leverage LDAP and Kerberos authentication attempts, which are less likely to trigger high-visibility events such as Windows "logon failure" event ID 4625 that is commonly triggered by failed SMB connection attempts.[^microsoft-storm-0940]',
];

const BRUTE_FORCE_P2 = (valid: string, dumping: string, discovery: string, policy: string, remote: string): string =>
	`Brute forcing credentials may take place at various points during a breach. For example, adversaries may attempt to brute force access to ${valid} within a victim environment leveraging knowledge gathered from other post-compromise behaviors such as ${dumping}, ${discovery}, or ${policy}. Adversaries may also combine brute forcing activity with behaviors such as ${remote} as part of Initial Access.`;
const BRUTE_FORCE_P1 =
	"Adversaries may use brute force techniques to gain access to accounts when passwords are unknown or when password hashes are obtained.[^trendmicro-pawn-storm-dec-2020] Without knowledge of the password for an account or set of accounts, an adversary may systematically guess the password using a repetitive or iterative mechanism.[^dragos-crashoverride-2018] Brute forcing passwords can take place via interaction with a service that will check the validity of those credentials or offline against previously acquired credential data, such as password hashes.";
const BRUTE_FORCE_P3 =
	"If an adversary guesses the correct password but fails to login to a compromised account due to location-based conditional access policies, they may change their infrastructure until they match the victim\u2019s location and therefore bypass those policies.[^reliaquest-health-care-social-engineering-campaign-2024]";

describe("renderAttackText on real ATT&CK text", () => {
	it("renders T1110.003 Password Spraying as note Markdown with footnotes in first-use order", () => {
		const { out, notes } = render(PASSWORD_SPRAYING.description ?? "", PASSWORD_SPRAYING);
		expect(out).toBe(SPRAYING_PARAGRAPHS.join("\n\n"));
		expect(notes.list().map((f) => FootnoteSet.definition(f))).toEqual([
			"[^blackhillsinfosec-password-spraying]: BlackHillsInfosec Password Spraying. Thyer, J. (2015, October 30). Password Spraying & Other Fun with RPCCLIENT. Retrieved April 25, 2017. <http://www.blackhillsinfosec.com/?p=4645>",
			"[^us-cert-ta18-068a-2018]: US-CERT TA18-068A 2018. US-CERT. (2018, March 27). TA18-068A Brute Force Attacks Conducted by Cyber Actors. Retrieved October 2, 2019. <https://www.us-cert.gov/ncas/alerts/TA18-086A>",
			"[^microsoft-storm-0940]: Microsoft Storm-0940. Microsoft Threat Intelligence. (2024, October 31). Chinese threat actor Storm-0940 uses credentials from password spray attacks from a covert network. Retrieved June 4, 2025. <https://www.microsoft.com/en-us/security/blog/2024/10/31/chinese-threat-actor-storm-0940-uses-credentials-from-password-spray-attacks-from-a-covert-network/>",
		]);
	});

	it("renders T1110.003 in plain mode the same (it has no links)", () => {
		expect(render(PASSWORD_SPRAYING.description ?? "", PASSWORD_SPRAYING, { ...vault, mode: "plain" }).out).toBe(SPRAYING_PARAGRAPHS.join("\n\n"));
	});

	it("renders T1110.003 for a table cell: <br /> for line breaks, `|` never raw", () => {
		const { out } = render(PASSWORD_SPRAYING.description ?? "", PASSWORD_SPRAYING, { ...vault, inTable: true });
		expect(out).toBe(SPRAYING_PARAGRAPHS.map((p) => p.replace(/\n/g, "<br />")).join("<br /><br />"));
		expect(out).not.toContain("\n");
	});

	it("renders T1110 Brute Force: T1078 and T1003 as wiki-links, techniques without a note as Markdown links", () => {
		const { out, notes } = render(BRUTE_FORCE.description ?? "", BRUTE_FORCE);
		const p2 = BRUTE_FORCE_P2(
			"[[Techniques/Valid Accounts|Valid Accounts]]",
			"[[Techniques/OS Credential Dumping|OS Credential Dumping]]",
			"[Account Discovery](https://attack.mitre.org/techniques/T1087)",
			"[Password Policy Discovery](https://attack.mitre.org/techniques/T1201)",
			"[External Remote Services](https://attack.mitre.org/techniques/T1133)",
		);
		expect(out).toBe([BRUTE_FORCE_P1, p2, BRUTE_FORCE_P3].join("\n\n"));
		expect(notes.list().map((f) => f.label)).toEqual(["trendmicro-pawn-storm-dec-2020", "dragos-crashoverride-2018", "reliaquest-health-care-social-engineering-campaign-2024"]);
	});

	it("renders T1110 in plain mode: `Name (ID)`, no wiki-links, link() never asked", () => {
		const ctx: TextContext = { mode: "plain", link: () => { throw new Error("plain mode writes no wiki-links"); } };
		const { out } = render(BRUTE_FORCE.description ?? "", BRUTE_FORCE, ctx);
		const p2 = BRUTE_FORCE_P2("Valid Accounts (T1078)", "OS Credential Dumping (T1003)", "Account Discovery (T1087)", "Password Policy Discovery (T1201)", "External Remote Services (T1133)");
		expect(out).toBe([BRUTE_FORCE_P1, p2, BRUTE_FORCE_P3].join("\n\n"));
	});

	it("renders T1110 for a table cell: the pipes of the wiki-links escaped", () => {
		const { out } = render(BRUTE_FORCE.description ?? "", BRUTE_FORCE, { ...vault, inTable: true });
		const p2 = BRUTE_FORCE_P2(
			"[[Techniques/Valid Accounts\\|Valid Accounts]]",
			"[[Techniques/OS Credential Dumping\\|OS Credential Dumping]]",
			"[Account Discovery](https://attack.mitre.org/techniques/T1087)",
			"[Password Policy Discovery](https://attack.mitre.org/techniques/T1201)",
			"[External Remote Services](https://attack.mitre.org/techniques/T1133)",
		);
		expect(out).toBe([BRUTE_FORCE_P1, p2, BRUTE_FORCE_P3].join("<br /><br />"));
	});

	it("shares one footnote set across texts: a source cited twice is one footnote", () => {
		const notes = new FootnoteSet();
		renderAttackText(BRUTE_FORCE.description ?? "", BRUTE_FORCE, vault, notes);
		const again = renderAttackText("Again.(Citation: Dragos Crashoverride 2018)", BRUTE_FORCE, vault, notes);
		expect(again).toBe("Again.[^dragos-crashoverride-2018]");
		expect(notes.list()).toHaveLength(3);
	});
});

describe("citations", () => {
	const refs = [
		{ source_name: "A", description: "Desc A.", url: "https://a.example/" },
		{ source_name: "B", url: "https://b.example/" },
	];

	it("hug the text: the whitespace before a marker goes", () => {
		expect(render("text. (Citation: A)", object("", refs)).out).toBe("text.[^a]");
		expect(render("text.\t  (Citation: A) More.", object("", refs)).out).toBe("text.[^a] More.");
	});

	it("in a row become refs in a row", () => {
		expect(render("text. (Citation: A) (Citation: B)(Citation: A)", object("", refs)).out).toBe("text.[^a][^b][^a]");
	});

	it("on a line of their own cite the text above", () => {
		expect(render("servers. \n (Citation: A)", object("", refs)).out).toBe("servers.[^a]");
		expect(render("Para.\n\n(Citation: A)(Citation: B)\n\nNext.", object("", refs)).out).toBe("Para.[^a][^b]\n\nNext.");
	});

	it("starting a line with text after them keep the line break", () => {
		expect(render("Para.\n\n(Citation: A) Next para.", object("", refs)).out).toBe("Para.\n\n[^a] Next para.");
	});

	it("unresolved become footnotes with just the name", () => {
		const { out, notes } = render("x (Citation: Nowhere Report 2020)", object("", refs));
		expect(out).toBe("x[^nowhere-report-2020]");
		expect(notes.list()).toEqual([{ label: "nowhere-report-2020", name: "Nowhere Report 2020", description: undefined, url: undefined }]);
		expect(FootnoteSet.definition(notes.list()[0])).toBe("[^nowhere-report-2020]: Nowhere Report 2020.");
	});

	it("with a parenthesis in the source name resolve whole", () => {
		const o = object("", [{ source_name: "BlackEnergy (Group)", description: "A group." }]);
		const { out, notes } = render("Used by it.(Citation: BlackEnergy (Group)) Then.", o);
		expect(out).toBe("Used by it.[^blackenergy-group] Then.");
		expect(notes.list()[0]).toMatchObject({ name: "BlackEnergy (Group)", description: "A group." });
	});

	it("that citationsIn cannot read still never reach the output", () => {
		const { out, notes } = render("a (Citation: ) b (citation: B) c (Citation: Unclosed", object("", refs));
		expect(out).toBe("a b[^b] c[^unclosed]");
		expect(notes.list().map((f) => [f.name, f.url])).toEqual([["B", "https://b.example/"], ["Unclosed", undefined]]);
	});

	it("with colliding labels get distinct labels", () => {
		const { out, notes } = render("x(Citation: A B) y(Citation: a-b) z(Citation: A B)", object(""));
		expect(out).toBe("x[^a-b] y[^a-b-2] z[^a-b]");
		expect(notes.list().map((f) => [f.label, f.name])).toEqual([["a-b", "A B"], ["a-b-2", "a-b"]]);
	});
});

describe("links", () => {
	it("to ATT&CK pages with an ID go through link(), sub-techniques and other pages included", () => {
		const asked: string[] = [];
		const ctx: TextContext = {
			link: (id, text) => {
				asked.push(`${id}:${text}`);
				return `[[${id}|${text}]]`;
			},
		};
		const text = "[Spearphishing Link](https://attack.mitre.org/techniques/T1566/002), [APT28](https://attack.mitre.org/groups/G0007/) and [Mimikatz](https://attack.mitre.org/software/S0002)";
		expect(render(text, object(text), ctx).out).toBe("[[T1566.002|Spearphishing Link]], [[G0007|APT28]] and [[S0002|Mimikatz]]");
		expect(asked).toEqual(["T1566.002:Spearphishing Link", "G0007:APT28", "S0002:Mimikatz"]);
	});

	it("to other sites, or to ATT&CK pages without an ID, stay", () => {
		const text = "See [the report](https://example.com/r), [ATT&CK](https://attack.mitre.org/) and [v10](https://attack.mitre.org/versions/v10/techniques/T1566).";
		expect(render(text).out).toBe(text);
		expect(render(text, object(text), { ...vault, mode: "plain" }).out).toBe(text);
	});

	it("bare ATT&CK URLs stay as they are", () => {
		const text = "Details at https://attack.mitre.org/techniques/T1078 and (https://attack.mitre.org/techniques/T1003).";
		expect(render(text).out).toBe(text);
		expect(render(text, object(text), { ...vault, mode: "plain" }).out).toBe(text);
	});

	it("in plain mode whose text is the ID are written once", () => {
		expect(render("[T1078](https://attack.mitre.org/techniques/T1078)", object(""), { ...vault, mode: "plain" }).out).toBe("T1078");
	});
});

describe("layout", () => {
	it("turns <code> into code spans, decoding entities and fencing backticks", () => {
		expect(render("Run <code>powershell.exe</code> or <CODE>a | b</CODE>.").out).toBe("Run `powershell.exe` or `a | b`.");
		expect(render("<code>HKCU\\Software\\Office\\&lt;version&gt;</code>").out).toBe("`HKCU\\Software\\Office\\<version>`");
		expect(render("<code>echo `id`</code>").out).toBe("`` echo `id` ``");
		expect(render("<code>Get-Item</code>", object(""), { ...vault, mode: "plain" }).out).toBe("`Get-Item`");
	});

	it("normalises line endings, trims line ends and collapses blank lines", () => {
		expect(render("\r\nOne.  \r\nTwo.\t\r\r\r\n\n\nThree.\n\n").out).toBe("One.\nTwo.\n\nThree.");
	});

	it("in a table: `|` escaped once, code spans included, single and double line breaks as <br />", () => {
		const { out } = render("a | b \\| c\n<code>x|y</code>\n\n\n\nd", object(""), { ...vault, inTable: true });
		expect(out).toBe("a \\| b \\| c<br />`x\\|y`<br /><br />d");
	});

	it("in a table: wiki-links link() already escaped stay escaped once", () => {
		const ctx: TextContext = { inTable: true, link: (id, text) => `[[${id}\\|${text}]]` };
		expect(render("[Valid Accounts](https://attack.mitre.org/techniques/T1078)", object(""), ctx).out).toBe("[[T1078\\|Valid Accounts]]");
	});
});

describe("footnotes", () => {
	it("labels: lowercase, runs of other characters as `-`, trimmed, `ref` when empty", () => {
		expect(footnoteLabel("BlackHillsInfosec Password Spraying")).toBe("blackhillsinfosec-password-spraying");
		expect(footnoteLabel("  U.S. CERT -- TA18-068A (2018)! ")).toBe("u-s-cert-ta18-068a-2018");
		expect(footnoteLabel("Pawn Storm\u2019s")).toBe("pawn-storm-s");
		expect(footnoteLabel("")).toBe("ref");
		expect(footnoteLabel("\u4e2d\u6587 !")).toBe("ref");
	});

	it("dedup by source name, keep first-use order, fill in what a later use knows", () => {
		const set = new FootnoteSet();
		expect(set.add("Z")).toBe("z");
		expect(set.add("A", "Desc.")).toBe("a");
		expect(set.add("Z", "Later.", "https://z.example/")).toBe("z");
		expect(set.list()).toEqual([
			{ label: "z", name: "Z", description: "Later.", url: "https://z.example/" },
			{ label: "a", name: "A", description: "Desc.", url: undefined },
		]);
	});

	it("labels that clash count on, also past a label a name has naturally", () => {
		const set = new FootnoteSet();
		expect(["A B", "a-b", "A  B!", "a b 2"].map((n) => set.add(n))).toEqual(["a-b", "a-b-2", "a-b-3", "a-b-2-2"]);
	});

	it("definition lines: description and url only when present, url in angle brackets", () => {
		expect(FootnoteSet.definition({ label: "x", name: "X", description: "Desc.", url: "https://x.example/a b" })).toBe("[^x]: X. Desc. <https://x.example/a%20b>");
		expect(FootnoteSet.definition({ label: "x", name: "X", url: "https://x.example/" })).toBe("[^x]: X. <https://x.example/>");
		expect(FootnoteSet.definition({ label: "x", name: "X", description: "Line one.\nLine two." })).toBe("[^x]: X. Line one. Line two.");
		expect(FootnoteSet.definition({ label: "x", name: "X" })).toBe("[^x]: X.");
		expect(FootnoteSet.definition({ label: "inc", name: "Inc." })).toBe("[^inc]: Inc.");
	});

	it("definitions round-trip through ourFootnoteName", () => {
		const set = new FootnoteSet();
		const names = [
			"BlackHillsInfosec Password Spraying",
			"US-CERT TA18-068A 2018",
			"U.S. CERT",
			"Amnesty Intl. Ocean Lotus February 2021",
			"US Dept. of Treasury Salt Typhoon JAN 2025",
			"A B",
			"a-b",
			"\u4e2d\u6587",
		];
		for (const n of names) set.add(n, "Author, A. (2020). Title. Retrieved May 1, 2021.", "https://example.com/");
		set.add("No description");
		set.add("Only url", undefined, "https://example.com/");
		for (const f of set.list()) expect(ourFootnoteName(FootnoteSet.definition(f))).toBe(f.name);
		expect(ourFootnoteName("[^u-s-cert]: U.S. CERT. U.S. Computer Emergency Readiness Team. Alert. <https://x/>")).toBe("U.S. CERT");
	});

	it("user footnotes are not ours", () => {
		expect(ourFootnoteName("[^mine]: My own summary from the CompTIA study guide, chapter 2.")).toBeNull();
		expect(ourFootnoteName("[^1]: Page 12. See also chapter 3.")).toBeNull();
		expect(ourFootnoteName("[^note]: A note without a final period")).toBeNull();
		expect(ourFootnoteName("Not a footnote. At all.")).toBeNull();
		expect(ourFootnoteName("[^x] X. Missing colon.")).toBeNull();
	});
});
