#!/usr/bin/env python3
"""A live RTSP server on loopback for the video tests: GStreamer's RTSP
server (Debian: gir1.2-gst-rtsp-server-1.0) serving a moving test pattern
as H.264 (x264 zerolatency, a key frame every second) at
rtsp://127.0.0.1:PORT/cau, to players over RTP/UDP or interleaved in the
RTSP TCP connection.
    tests/rtsp_server.py PORT
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(sys.argv[1])
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    "( videotestsrc is-live=true pattern=ball ! "
    "video/x-raw,width=320,height=180,framerate=25/1 ! "
    "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 ! "
    "rtph264pay name=pay0 pt=96 config-interval=1 )")
factory.set_shared(True)
server.get_mount_points().add_factory("/cau", factory)
server.attach(None)
print("rtsp server ready", flush=True)
GLib.MainLoop().run()
