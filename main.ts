// The plugin entry point Obsidian loads. It stays thin: everything lives in src/obsidian
// (the adapter) and src/core (the work).
import { AttackSyncPlugin } from "./src/obsidian/plugin";

export default AttackSyncPlugin;
