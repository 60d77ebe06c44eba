/** A screen of the app. Mounted into the main area; everything it subscribes to goes in dispose(). */
export interface View {
  readonly title: string;
  mount(host: HTMLElement): void | Promise<void>;
  dispose(): void;
  /** Asked before the view is replaced; false keeps it (e.g. after the user cancels a prompt). */
  canLeave?(): boolean;
}
