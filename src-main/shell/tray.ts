// The tray icon: colour of the worst status (amber for a problem of Kaavan itself), a tooltip with
// counts, and a menu with each target's status. The content comes from tray-model.ts (pure,
// unit-tested); this file only renders it.
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { join } from 'node:path';
import type { Alert, KaavanHealth, Overview } from '../core/model.js';
import { consoleLogger, type Logger } from '../core/log/logger.js';
import { sameMenu, trayModel, type TrayAction, type TrayBackups, type TrayIconName, type TrayMenuItem, type TrayModel } from './tray-model.js';

export interface TraySnapshot {
  exists: boolean;
  icon: TrayIconName | null;
  tooltip: string | null;
  menu: TrayMenuItem[];
}

export class KaavanTray {
  private readonly tray: Tray;
  private readonly images = new Map<TrayIconName, NativeImage>();
  private model: TrayModel | null = null;
  private overview: Overview | null = null;
  private health: KaavanHealth | null = null;
  private alerts: Alert[] = [];
  private backups: TrayBackups | null = null;

  constructor(
    /** resources/tray: <status>.png and <status>@2x.png */
    private readonly iconDir: string,
    private readonly onAction: (action: TrayAction) => void,
    private readonly logger: Logger = consoleLogger(),
  ) {
    const initial = trayModel(null);
    this.tray = new Tray(this.image(initial.icon));
    this.render(initial);
    // Windows and most Linux panels: a left click opens the dashboard (macOS opens the menu).
    if (process.platform !== 'darwin') this.tray.on('click', () => this.onAction('open-dashboard'));
  }

  update(overview: Overview | null): void {
    this.overview = overview;
    this.render(this.currentModel());
  }

  /** The active alerts, for the "Open alerts" submenu (acknowledge, silence). */
  setAlerts(alerts: Alert[]): void {
    this.alerts = alerts;
    this.render(this.currentModel());
  }

  /** Kaavan's own health (the service's health() and its 'health' events). */
  setHealth(health: KaavanHealth | null): void {
    this.health = health;
    this.render(this.currentModel());
  }

  /** Backup jobs ("Back up now") and running backups (progress in the tooltip). */
  setBackups(backups: TrayBackups | null): void {
    this.backups = backups;
    this.render(this.currentModel());
  }

  private currentModel(): TrayModel {
    return trayModel(this.overview, this.health, { alerts: this.alerts, backups: this.backups });
  }

  snapshot(): TraySnapshot {
    const alive = !this.tray.isDestroyed();
    return {
      exists: alive,
      icon: this.model?.icon ?? null,
      tooltip: this.model?.tooltip ?? null,
      menu: this.model?.menu ?? [],
    };
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private render(next: TrayModel): void {
    if (this.tray.isDestroyed()) return;
    const previous = this.model;
    this.model = next;
    if (previous?.icon !== next.icon) this.tray.setImage(this.image(next.icon));
    if (previous?.tooltip !== next.tooltip) this.tray.setToolTip(next.tooltip);
    // Linux needs setContextMenu again for any change; only do it when the menu really changed.
    if (!previous || !sameMenu(previous.menu, next.menu)) {
      this.tray.setContextMenu(Menu.buildFromTemplate(next.menu.map((item) => this.menuItem(item))));
    }
  }

  private menuItem(item: TrayMenuItem): MenuItemConstructorOptions {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action': {
        const action = item.action;
        return { label: item.label, click: () => this.onAction(action) };
      }
      case 'submenu':
        return { label: item.label, submenu: item.items.map((child) => this.menuItem(child)) };
    }
  }

  private image(name: TrayIconName): NativeImage {
    let image = this.images.get(name);
    if (!image) {
      // createFromPath picks up <name>@2x.png next to <name>.png for HiDPI displays.
      image = nativeImage.createFromPath(join(this.iconDir, `${name}.png`));
      if (image.isEmpty()) this.logger.error('tray icon missing', { icon: `${name}.png`, folder: this.iconDir });
      this.images.set(name, image);
    }
    return image;
  }
}
