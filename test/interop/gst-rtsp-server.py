#!/usr/bin/env python3
"""A GStreamer RTSP server for the interop test: H.264 (x264enc, baseline, no B-frames) from a
moving test pattern at 30 fps, payloaded by rtph264pay. Prints the bound port on stdout, then serves
until stdin closes (the test ends it by closing the pipe or killing the process)."""
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service("0")
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=480,framerate=30/1 "
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 bframes=0 bitrate=800 "
    "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1 )"
)
factory.set_shared(True)
server.get_mount_points().add_factory("/scene", factory)
server.attach(None)
print(server.get_bound_port(), flush=True)

loop = GLib.MainLoop()


def wait_for_stdin_close():
    sys.stdin.read()
    GLib.idle_add(loop.quit)


threading.Thread(target=wait_for_stdin_close, daemon=True).start()
loop.run()
