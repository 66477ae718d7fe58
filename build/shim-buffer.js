// Stand-in for Node's global `Buffer` inside main.js (Obsidian mobile has none).
// gray-matter calls Buffer.from(text) to keep the original input; a Uint8Array serves.
export const Buffer = {
  from(value) {
    return new TextEncoder().encode(String(value));
  },
  isBuffer() {
    return false;
  },
};
