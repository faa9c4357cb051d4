/**
 * What the page may do beyond showing Sightline: nothing. Every permission (camera, notifications
 * included: desktop notifications come from main), navigation away from app://, new windows and
 * webviews are refused. Written against the few methods it needs, so a unit test can drive it with
 * fakes and see each refusal.
 */
import { isAppUrl } from '../link/sender-policy';

export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string) => boolean): void;
}

export interface GuardableContents {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export function denyAllPermissions(ses: PermissionSession): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

export function guardContents(contents: GuardableContents): void {
  // The renderer is a single page: any navigation, even within app://, would drop the live link.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
