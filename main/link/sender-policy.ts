/**
 * Who may talk to the main process over IPC (Electron security checklist item 17). Pure, so it is
 * tested in plain Node; main/app/ipc.ts applies it to every handler with Electron's real objects.
 *
 * Only the top frame of our one window, showing our own app://sightline/ page, is trusted. A subframe
 * (should one ever be embedded), a navigated-away page or a different window is refused, and so is a
 * sender whose frame is already gone (senderFrame is null after navigation or destruction).
 */

/** The parts of Electron's WebFrameMain the check needs. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
  readonly processId: number;
  readonly routingId: number;
}

export const APP_ORIGIN = { protocol: 'app:', host: 'sightline' } as const;

export interface SenderCheck {
  /** event.senderFrame; null or undefined when the frame is gone. */
  senderFrame: FrameLike | null | undefined;
  /** event.sender.id (the WebContents that sent it). */
  senderId: number;
  /** Our main window's webContents.id and main frame; null when the window is gone. */
  window: { webContentsId: number; mainFrame: FrameLike } | null;
}

export function isTrustedSender({ senderFrame, senderId, window }: SenderCheck): boolean {
  if (!senderFrame || !window) return false;
  if (senderId !== window.webContentsId) return false;
  if (senderFrame.parent !== null) return false;
  // WebFrameMain wrappers are not guaranteed to be the same object; the ids name the frame.
  if (senderFrame.processId !== window.mainFrame.processId || senderFrame.routingId !== window.mainFrame.routingId) {
    return false;
  }
  return isAppUrl(senderFrame.url);
}

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    // Chromium lowercases hosts of standard schemes; Node's URL does not for custom ones, so compare both ways.
    return (
      parsed.protocol === APP_ORIGIN.protocol &&
      parsed.host.toLowerCase() === APP_ORIGIN.host &&
      parsed.username === '' &&
      parsed.password === ''
    );
  } catch {
    return false;
  }
}
