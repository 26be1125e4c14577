import { render } from "preact";
import "../lib/base.css";
import "./guest.css";
import { App } from "./app";
import { roomOf } from "./state";

// A room's page needs the room first: ask now, while the app renders.
const scanned = /^\/scan\/([^/]+)$/.exec(location.pathname)?.[1];
if (scanned) void roomOf(decodeURIComponent(scanned)).catch(() => undefined);

const root = document.getElementById("app");
if (root) render(<App />, root);
