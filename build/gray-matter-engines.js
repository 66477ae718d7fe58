// Replaces gray-matter's lib/engines.js in main.js. The original carries a JavaScript engine
// that runs `eval` on `---js` frontmatter; this one has YAML (js-yaml's safe schema) and JSON
// only, and JavaScript engines that refuse. The plugin also overrides the engines at run time.
"use strict";
const yaml = require("js-yaml");
function refuse() {
  throw new Error("JavaScript frontmatter is never executed.");
}
module.exports = {
  yaml: { parse: yaml.safeLoad.bind(yaml), stringify: yaml.safeDump.bind(yaml) },
  json: {
    parse: JSON.parse.bind(JSON),
    stringify: (obj, options) => JSON.stringify(obj, null, (options && options.space) || 2),
  },
  javascript: { parse: refuse, stringify: refuse },
  js: { parse: refuse, stringify: refuse },
};
