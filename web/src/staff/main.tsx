import { render } from "preact";
import "../lib/base.css";
import "./staff.css";
import { App } from "./app";
import { registerWorker } from "./push";
import { loadMe } from "./state";

// Who is logged in decides the first screen: ask now, while the app renders.
void loadMe().catch(() => undefined);

registerWorker();

const root = document.getElementById("app");
if (root) render(<App />, root);
