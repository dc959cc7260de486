import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { AppState } from '../../shared/ipc-contract.js';
import { badgeStyle, paintUnreadDot, trayIconPath } from '../desktop/shell/tray-icons.js';
import { trayModel, type TrayAction, type TrayIconState, type TrayMenuItem, type TrayModel } from '../desktop/shell/tray-model.js';
import { menuLabel } from '../core/platform/index.js';

/**
 * The tray: renders the pure tray model (main/desktop/shell/tray-model.ts) with Electron's Tray and Menu,
 * using the per-state icons in assets/tray.
 */
export function menuTemplate(items: readonly TrayMenuItem[], act: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  const out: MenuItemConstructorOptions[] = [];
  for (const item of items) {
    if (item.separatorBefore === true && out.length > 0) out.push({ type: 'separator' });
    const action = item.action;
    out.push({
      // Recent items carry callers' names: an "&" there is text, not Electron's mnemonic marker.
      label: menuLabel(item.label),
      enabled: item.enabled,
      ...(item.checked !== undefined ? { type: 'radio' as const, checked: item.checked } : {}),
      ...(item.submenu !== undefined ? { submenu: menuTemplate(item.submenu, act) } : {}),
      ...(action !== undefined ? { click: () => act(action) } : {}),
    });
  }
  return out;
}

export function trayImage(icon: TrayIconState, badge: boolean, assetsDir: string, platform: NodeJS.Platform = process.platform): NativeImage {
  const image = nativeImage.createFromPath(trayIconPath(icon, platform, assetsDir));
  if (!badge || badgeStyle(platform) !== 'dot' || image.isEmpty()) return image;
  const { width, height } = image.getSize(2);
  return nativeImage.createFromBitmap(paintUnreadDot(image.toBitmap({ scaleFactor: 2 }), width, height), { width, height, scaleFactor: 2 });
}

export class TrayView {
  private readonly tray: Tray;
  private lastIcon = '';
  private lastMenu = '';

  constructor(
    private readonly act: (a: TrayAction) => void,
    private readonly assetsDir: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.tray = new Tray(trayImage('signed_out', false, assetsDir, platform));
    // Windows and most Linux trays: a left click should open something useful, not nothing.
    this.tray.on('click', () => act({ type: 'settings' }));
  }

  update(state: AppState, now: number): TrayModel {
    const model = trayModel(state, now);
    const iconKey = `${model.icon}:${model.badge > 0}`;
    if (iconKey !== this.lastIcon) {
      this.tray.setImage(trayImage(model.icon, model.badge > 0, this.assetsDir, this.platform));
      this.lastIcon = iconKey;
    }
    if (badgeStyle(this.platform) === 'title') this.tray.setTitle(model.badge > 0 ? ` ${model.badge}` : '');
    this.tray.setToolTip(model.tooltip);
    // Rebuilding the menu while it is open closes it on some desktops: only when it changed.
    const menuKey = JSON.stringify(model.menu);
    if (menuKey !== this.lastMenu) {
      this.tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(model.menu, this.act)));
      this.lastMenu = menuKey;
    }
    return model;
  }

  destroy(): void {
    this.tray.destroy();
  }
}
