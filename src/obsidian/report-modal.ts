/** A modal that shows a command's report as plain text (no HTML is ever injected). */
import { Modal, type App } from "obsidian";

export class ReportModal extends Modal {
	constructor(
		app: App,
		private readonly heading: string,
		private readonly body: string,
	) {
		super(app);
	}

	override onOpen(): void {
		this.titleEl.setText(this.heading);
		this.contentEl.createEl("pre", { cls: "attack-sync-report", text: this.body });
	}

	override onClose(): void {
		this.contentEl.empty();
	}
}
