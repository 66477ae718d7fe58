/** The worker's bundled code (src/obsidian/worker.ts), as esbuild.config.mjs builds it into main.js. */
declare module "attack-sync-worker-code" {
	const code: string;
	export default code;
}
