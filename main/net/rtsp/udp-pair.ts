/**
 * An RTP/RTCP UDP socket pair on consecutive even/odd ports (RFC 3550 §11), as RTSP servers
 * expect from `client_port=a-b`; falls back to any two ports when no pair comes free.
 */
import type dgram from 'node:dgram';
import { closeUdpSocket, openUdpSocket } from '../udp';

export interface UdpPair {
  rtp: dgram.Socket;
  rtcp: dgram.Socket;
  ports: [number, number];
}

/** `owner`: the device that reads the pair (see OpenUdpOptions.owner). */
export async function openUdpPair(address: string, owner?: string, attempts = 16): Promise<UdpPair> {
  for (let i = 0; i < attempts; i++) {
    const rtp = await openUdpSocket({ address, port: 0, owner });
    const port = rtp.address().port;
    if (port % 2 === 0 && port < 65535) {
      try {
        const rtcp = await openUdpSocket({ address, port: port + 1, owner });
        return { rtp, rtcp, ports: [port, port + 1] };
      } catch {
        // taken: try another
      }
    }
    await closeUdpSocket(rtp);
  }
  const rtp = await openUdpSocket({ address, port: 0, owner });
  const rtcp = await openUdpSocket({ address, port: 0, owner });
  return { rtp, rtcp, ports: [rtp.address().port, rtcp.address().port] };
}
