// Node socket.io with a room emit: a peer for `papote bench chat big-room`.
// Speaks just enough of the generator's frames (join, say -> ack + message to the room).
"use strict";
const { Server } = require("socket.io");

const port = Number(process.argv[2]);
const io = new Server(port, {
  serveClient: false,
  perMessageDeflate: false,
  transports: ["websocket"],
  cors: { origin: "*" },
});
let counter = 0;
io.on("connection", (socket) => {
  socket.on("join", (frame) => {
    socket.join(frame.room);
    socket.emit("joined", { type: "joined", ref: frame.ref, room: frame.room });
  });
  socket.on("say", (frame) => {
    counter += 1;
    const message = { id: String(counter), room: frame.room, text: frame.text, media: null };
    socket.emit("ack", { type: "ack", ref: frame.ref, message });
    io.to(frame.room).emit("message", { type: "message", message });
  });
});
console.log(`socket.io peer on ${port}`);
