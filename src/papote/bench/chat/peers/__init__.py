"""Peers of ``papote bench chat big-room``: servers with no logic, driven by the same
generator in the same run (a bare picows ceiling, Node socket.io, python-socketio)."""
