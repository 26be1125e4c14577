import { render } from "preact";
import "../lib/base.css";
import "./guest.css";
import { App } from "./app";

const root = document.getElementById("app");
if (root) render(<App />, root);
