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

export async function openUdpPair(address: string, attempts = 16): Promise<UdpPair> {
  for (let i = 0; i < attempts; i++) {
    const rtp = await openUdpSocket({ address, port: 0 });
    const port = rtp.address().port;
    if (port % 2 === 0 && port < 65535) {
      try {
        const rtcp = await openUdpSocket({ address, port: port + 1 });
        return { rtp, rtcp, ports: [port, port + 1] };
      } catch {
        // taken: try another
      }
    }
    await closeUdpSocket(rtp);
  }
  const rtp = await openUdpSocket({ address, port: 0 });
  const rtcp = await openUdpSocket({ address, port: 0 });
  return { rtp, rtcp, ports: [rtp.address().port, rtcp.address().port] };
}
