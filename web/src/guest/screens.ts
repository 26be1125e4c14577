// The screens of a logged-in guest, loaded as one chunk after the room's page.
export { Ask } from "./ask/Ask";
export { Home } from "./home/Home";
export { Requests } from "./requests/Requests";
export { Tracker } from "./tracker/Tracker";
