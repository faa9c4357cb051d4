/**
 * At most one recording played back in a Hub at a time: opening one replaces the previous one
 * (its devices leave the Hub), and the UI's play / pause / seek / speed go to the player.
 */
import { EventEmitter } from 'node:events';
import type { PlaybackState } from '../../preload/api';
import type { Hub } from '../hub/hub';
import { RecordingPlayer, type PlayedNote } from './playback';

export type PlaybackCommand =
  | { action: 'play' }
  | { action: 'pause' }
  | { action: 'seek'; positionNs: number }
  | { action: 'speed'; speed: number };

export class PlaybackController extends EventEmitter<{ changed: [PlaybackState | null]; note: [PlayedNote] }> {
  private player: RecordingPlayer | null = null;

  constructor(private readonly hub: Hub) {
    super();
  }

  state(): PlaybackState | null {
    return this.player?.state() ?? null;
  }

  /** Opens a recording, adds its devices to the Hub and starts playing. */
  async open(path: string): Promise<PlaybackState> {
    const player = await RecordingPlayer.open(path);
    await this.close();
    this.player = player;
    player.on('state', (state) => this.emit('changed', state));
    player.on('note', (note) => this.emit('note', note));
    for (const source of player.sources) {
      this.hub.add(source);
      await this.hub.connect(source.id);
    }
    if (player.state().problem) this.hub.notice('warn', `${path}: ${player.state().problem ?? ''}`);
    player.play();
    return player.state();
  }

  control(command: PlaybackCommand): PlaybackState | null {
    const player = this.player;
    if (!player) throw new Error('no recording is open');
    switch (command.action) {
      case 'play':
        player.play();
        break;
      case 'pause':
        player.pause();
        break;
      case 'seek':
        player.seek(command.positionNs);
        break;
      case 'speed':
        player.setSpeed(command.speed);
        break;
    }
    return player.state();
  }

  async close(): Promise<void> {
    const player = this.player;
    if (!player) return;
    this.player = null;
    player.close();
    for (const source of player.sources) {
      if (this.hub.get(source.id)) await this.hub.remove(source.id);
    }
    this.emit('changed', null);
  }
}
