// Stand-in for Node's `fs` inside main.js. gray-matter requires `fs` only for
// `matter.read(path)`, which the plugin never calls; Obsidian mobile has no `fs`.
function unavailable() {
  throw new Error("The file system is not available here: use the Obsidian vault API.");
}
module.exports = { readFileSync: unavailable, existsSync: unavailable, statSync: unavailable };
