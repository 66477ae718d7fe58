// URLs a hostile index.json can list to make a download leave the base URL's host: `evil` is the
// host:port that must never be asked, `good` the base URL's host:port.
import { DEFAULT_BASE_URL } from "../../src/core/fetch/index-json";

const FILE = "enterprise-attack/enterprise-attack-18.1.json";

/** Index URLs that try to leave the base URL's host. */
export const HOSTILE_URLS: Record<string, (evil: string, good: string) => string> = {
	"two backslashes": (evil) => `\\\\${evil}/${FILE}`,
	"a backslash and a slash": (evil) => `\\/${evil}/${FILE}`,
	"a slash and a backslash": (evil) => `/\\${evil}/${FILE}`,
	"./ then backslashes": (evil) => `./\\\\${evil}/${FILE}`,
	"a tab between slashes": (evil) => `/\t//${evil}/${FILE}`,
	"a newline between slashes": (evil) => `/\n//${evil}/${FILE}`,
	"a carriage return in the scheme": (evil) => `ht\rtp://${evil}/${FILE}`,
	"protocol-relative": (evil) => `//${evil}/${FILE}`,
	"another host": (evil) => `http://${evil}/${FILE}`,
	"another host, backslashes": (evil) => `http:\\\\${evil}\\${FILE.replace("/", "\\")}`,
	"one slash after the scheme": (evil) => `http:/${evil}/${FILE}`,
	userinfo: (evil, good) => `http://${good}@${evil}/${FILE}`,
	"GitHub's prefix, then backslashes": (evil) => `${DEFAULT_BASE_URL}\\\\${evil}/${FILE}`,
	"GitHub's prefix, then //": (evil) => `${DEFAULT_BASE_URL}//${evil}/${FILE}`,
	"GitHub's prefix, then a tab": (evil) => `${DEFAULT_BASE_URL}\t//${evil}/${FILE}`,
};
