#!/usr/bin/python3
"""A real RTSP server for the stream tests: GStreamer's RTSP server (Debian's python3-gi and
gir1.2-gst-rtsp-server-1.0) serving an H.264 MP4 file at rtsp://127.0.0.1:<port>/<path>, in real
time, from its start for each client. Usage: rtsp-server.py PORT PATH FILE. Prints "rtsp ready PORT"
(PORT 0: a free port, the one printed)."""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
port, path, media = sys.argv[1], sys.argv[2], sys.argv[3]
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    f"( filesrc location={media} ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )"
)
server.get_mount_points().add_factory(f"/{path}", factory)
if server.attach(None) == 0:
    sys.exit(f"cannot listen on port {port}")
print(f"rtsp ready {server.get_bound_port()}", flush=True)
GLib.MainLoop().run()
