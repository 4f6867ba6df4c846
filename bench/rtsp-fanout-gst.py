#!/usr/bin/python3
# The GStreamer side of bench/rtsp-fanout.ts: gst-rtsp-server (Debian gir1.2-gst-rtsp-server-1.0
# through python3-gi) serving the same clip with one shared media for every client, as
# /live/P1. Usage: /usr/bin/python3 bench/rtsp-fanout-gst.py <clip.mp4>. Prints `PORT <n>`.
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
clip = sys.argv[1]
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service("0")
factory = GstRtspServer.RTSPMediaFactory()
# Paced in real time (identity sync=true: the file is read at its timestamps, like a camera).
factory.set_launch(f"( filesrc location={clip} ! qtdemux ! h264parse ! identity sync=true ! rtph264pay name=pay0 pt=96 config-interval=-1 )")
factory.set_shared(True)
server.get_mount_points().add_factory("/live/P1", factory)
server.attach(None)
print(f"PORT {server.get_bound_port()}", flush=True)
GLib.MainLoop().run()
